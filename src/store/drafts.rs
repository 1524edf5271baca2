//! Drafts family: each clerk's unfinished form, so a crash loses nothing.

use super::error::StoreResult;
use chrono::{DateTime, Utc};

/// `drafts` table: each clerk's unfinished work, kept per clerk so that a
/// second clerk on the same PC never sees the first clerk's input.
pub trait Drafts {
    fn save_draft(
        &self,
        clerk_id: i64,
        key: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    fn draft(&self, clerk_id: i64, key: &str) -> StoreResult<Option<String>>;
}
