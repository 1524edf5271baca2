//! `settings` table: one JSON document under the key `office`, shared by
//! every counter of the hall, and the audit salt.

use super::PgTx;
use crate::domain::clerks::settings::Settings;
use crate::store::StoreError;
use crate::store::settings::StoredSettings;
use crate::store::sql::pg;
use crate::store::sql::settings::{GET, KEY, SALT_KEY, SAVE, new_salt, settings_from};

impl StoredSettings for PgTx<'_> {
    fn settings(&self) -> Result<Settings, StoreError> {
        Ok(settings_from(self.opt_scalar(&pg(GET), &[&KEY])?))
    }

    fn audit_salt(&self) -> Result<String, StoreError> {
        if let Some(s) = self.opt_scalar(&pg(GET), &[&SALT_KEY])? {
            return Ok(s);
        }
        let salt = new_salt();
        // Two counters creating it at once: the second keeps the first's.
        self.exec(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&SALT_KEY, &salt],
        )?;
        self.scalar(&pg(GET), &[&SALT_KEY])
    }

    fn save_settings(&self, s: &Settings) -> Result<(), StoreError> {
        let json = serde_json::to_string(s).map_err(|e| StoreError::Driver {
            path: self.place(),
            source: Box::new(e),
        })?;
        self.exec(&pg(SAVE), &[&KEY, &json]).map(drop)
    }
}
