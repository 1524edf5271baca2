//! `settings` table: one JSON document under the key `office`.

use rusqlite::{OptionalExtension, params};

use super::SqliteTx;
use super::error::{StoreError, StoreResult};
use crate::domain::clerks::settings::Settings;
use crate::store::settings::StoredSettings;
use crate::store::sql::settings::{GET, KEY, SALT_KEY, SAVE, new_salt, settings_from};

impl StoredSettings for SqliteTx<'_> {
    fn settings(&self) -> StoreResult<Settings> {
        self.value(KEY).map(settings_from)
    }

    fn audit_salt(&self) -> StoreResult<String> {
        if let Some(s) = self.value(SALT_KEY)? {
            return Ok(s);
        }
        let salt = new_salt();
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
        self.q(|c| c.execute(SAVE, params![KEY, json]).map(drop))
    }
}

impl SqliteTx<'_> {
    /// The value stored under `key`, if any.
    fn value(&self, key: &str) -> StoreResult<Option<String>> {
        self.q(|c| c.query_row(GET, [key], |r| r.get(0)).optional())
    }
}
