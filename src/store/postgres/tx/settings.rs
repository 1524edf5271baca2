//! `settings` table: one JSON document under the key `office`, shared by
//! every counter of the hall, and the audit salt.

use super::PgTx;
use crate::domain::clerks::settings::Settings;
use crate::store::StoreError;
use crate::store::settings::StoredSettings;

const KEY: &str = "office";
const SALT_KEY: &str = "audit_salt";

impl StoredSettings for PgTx<'_> {
    fn settings(&self) -> Result<Settings, StoreError> {
        let raw: Option<String> =
            self.opt_scalar("SELECT value FROM settings WHERE key = $1", &[&KEY])?;
        Ok(raw
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    fn audit_salt(&self) -> Result<String, StoreError> {
        let existing: Option<String> =
            self.opt_scalar("SELECT value FROM settings WHERE key = $1", &[&SALT_KEY])?;
        if let Some(s) = existing {
            return Ok(s);
        }
        let salt = argon2::password_hash::SaltString::generate(
            &mut argon2::password_hash::rand_core::OsRng,
        )
        .as_str()
        .to_owned();
        // Two counters creating it at once: the second keeps the first's.
        self.exec(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&SALT_KEY, &salt],
        )?;
        self.scalar("SELECT value FROM settings WHERE key = $1", &[&SALT_KEY])
    }

    fn save_settings(&self, s: &Settings) -> Result<(), StoreError> {
        let json = serde_json::to_string(s).map_err(|e| StoreError::Driver {
            path: self.place(),
            source: Box::new(e),
        })?;
        self.exec(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&KEY, &json],
        )
        .map(drop)
    }
}
