//! `settings` table: one JSON document under the key `office`.

use rusqlite::{OptionalExtension, params};

use super::Tx;
use super::error::StoreError;
use crate::domain::settings::Settings;

const KEY: &str = "office";

impl Tx<'_> {
    /// The stored settings, or the defaults when none were saved (or the saved
    /// value cannot be read — the defaults are the safe choice then).
    pub fn settings(&self) -> Result<Settings, StoreError> {
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

    pub fn save_settings(&self, s: &Settings) -> Result<(), StoreError> {
        let json = serde_json::to_string(s).map_err(|e| StoreError::Rejected(e.to_string()))?;
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
