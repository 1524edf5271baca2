//! Drafts family: each clerk's unfinished form, so a crash loses nothing.

use super::error::StoreResult;
use chrono::{DateTime, Utc};

/// `drafts` table: each clerk's unfinished work, kept per clerk so that a
/// second clerk on the same PC never sees the first clerk's input.
pub trait Drafts {
    fn save_draft(&self, at: DraftKey<'_>, body: &str, now: DateTime<Utc>) -> StoreResult<()>;

    fn draft(&self, at: DraftKey<'_>) -> StoreResult<Option<String>>;
}

/// Where a draft is kept: its clerk and the form's key.
#[derive(Debug, Clone, Copy)]
pub struct DraftKey<'a> {
    pub clerk_id: i64,
    pub key: &'a str,
}

impl<'a> DraftKey<'a> {
    pub fn new(clerk_id: i64, key: &'a str) -> Self {
        DraftKey { clerk_id, key }
    }
}
