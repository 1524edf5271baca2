//! Settings family: the office's settings and the audit salt.

use super::error::StoreResult;
use crate::domain::clerks::settings::Settings;

/// `settings` table: one JSON document under the key `office`.
pub trait StoredSettings {
    /// The stored settings, or the defaults when none were saved (or the saved
    /// value cannot be read — the defaults are the safe choice then).
    fn settings(&self) -> StoreResult<Settings>;

    /// A random per-database salt for digests of typed-but-unknown user
    /// names in the audit log; created on first use, inside the caller's
    /// transaction.
    fn audit_salt(&self) -> StoreResult<String>;

    fn save_settings(&self, s: &Settings) -> StoreResult<()>;
}
