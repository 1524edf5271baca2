//! `settings`: the office's settings document and the audit salt, with the
//! statements both backends run and what they do with the values.

use crate::domain::clerks::settings::Settings;

/// The key of the office's settings document.
pub const KEY: &str = "office";
/// The key of the audit salt.
pub const SALT_KEY: &str = "audit_salt";

pub const GET: &str = "SELECT value FROM settings WHERE key = ?1";

pub const SAVE: &str = "INSERT INTO settings (key, value) VALUES (?1, ?2) \
    ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// The stored settings, or the defaults when none were saved or the saved
/// value cannot be read (the defaults are the safe choice then).
pub fn settings_from(raw: Option<String>) -> Settings {
    raw.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// A new random audit salt.
pub fn new_salt() -> String {
    argon2::password_hash::SaltString::generate(&mut argon2::password_hash::rand_core::OsRng)
        .as_str()
        .to_owned()
}
