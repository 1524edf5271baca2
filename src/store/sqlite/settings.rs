//! `settings` table: one JSON document under the key `office`.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::error::{StoreError, StoreResult};
use crate::domain::clerks::settings::Settings;
use crate::store::settings::StoredSettings;

const KEY: &str = "office";

impl StoredSettings for SqliteTx<'_> {
    fn settings(&self) -> StoreResult<Settings> {
        let raw: Option<String> = self.q(|c| {
            c.query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| {
                r.get(0)
            })
            .optional()
        })?;
        Ok(raw
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    fn audit_salt(&self) -> StoreResult<String> {
        const SALT_KEY: &str = "audit_salt";
        let existing: Option<String> = self.q(|c| {
            c.query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [SALT_KEY],
                |r| r.get(0),
            )
            .optional()
        })?;
        if let Some(s) = existing {
            return Ok(s);
        }
        let salt = argon2::password_hash::SaltString::generate(
            &mut argon2::password_hash::rand_core::OsRng,
        )
        .as_str()
        .to_owned();
        self.q(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                params![SALT_KEY, salt],
            )
        })?;
        Ok(salt)
    }

    fn save_settings(&self, s: &Settings) -> StoreResult<()> {
        let json = serde_json::to_string(s).map_err(|e| StoreError::Driver {
            path: self.path.to_path_buf(),
            source: Box::new(e),
        })?;
        self.q(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![KEY, json],
            )
            .map(drop)
        })
    }
}
