//! `drafts` table: each clerk's unfinished work, kept per clerk so that a
//! second clerk on the same PC never sees the first clerk's input.

use super::SqliteTx;
use super::error::StoreResult;
use crate::store::drafts::{DraftKey, Drafts};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Drafts for SqliteTx<'_> {
    fn save_draft(&self, at: DraftKey<'_>, body: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "INSERT INTO drafts (clerk_id, key, body, updated_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(clerk_id, key) DO UPDATE SET body = excluded.body, \
                 updated_at = excluded.updated_at",
                params![at.clerk_id, at.key, body, time::format(now)],
            )
            .map(drop)
        })
    }

    fn draft(&self, at: DraftKey<'_>) -> StoreResult<Option<String>> {
        self.q(|c| {
            c.query_row(
                "SELECT body FROM drafts WHERE clerk_id = ?1 AND key = ?2",
                params![at.clerk_id, at.key],
                |r| r.get(0),
            )
            .optional()
        })
    }
}
