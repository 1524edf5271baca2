//! `drafts` table: each clerk's unfinished work, kept per clerk.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::StoreError;
use crate::store::drafts::{DraftKey, Drafts};
use crate::store::time;

impl Drafts for PgTx<'_> {
    fn save_draft(
        &self,
        at: DraftKey<'_>,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO drafts (clerk_id, key, body, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (clerk_id, key) DO UPDATE SET body = excluded.body, \
             updated_at = excluded.updated_at",
            &[&at.clerk_id, &at.key, &body, &time::format(now)],
        )
        .map(drop)
    }

    fn draft(&self, at: DraftKey<'_>) -> Result<Option<String>, StoreError> {
        self.opt_scalar(
            "SELECT body FROM drafts WHERE clerk_id = $1 AND key = $2",
            &[&at.clerk_id, &at.key],
        )
    }
}
