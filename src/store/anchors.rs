//! `anchors`: every chain head that left the PC (an anchor file, an export,
//! a printed receipt), so the window can remind when none left for too long.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::error::StoreError;
use super::{Tx, time};
use crate::domain::clerks::anchor::Anchor;

/// Where an anchor went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorSource {
    File,
    Export,
    Receipt,
}

impl AnchorSource {
    fn code(self) -> &'static str {
        match self {
            AnchorSource::File => "file",
            AnchorSource::Export => "export",
            AnchorSource::Receipt => "receipt",
        }
    }
}

impl Tx<'_> {
    pub fn record_anchor(
        &self,
        a: &Anchor,
        source: AnchorSource,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.q(|c| {
            c.execute(
                "INSERT INTO anchors (at, seq, hash, source, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![time::format(now), a.seq, a.hash, source.code(), detail],
            )
            .map(drop)
        })
    }

    /// When the last anchor was taken, if ever.
    pub fn last_anchor_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = self.q(|c| {
            c.prepare_cached("SELECT at FROM anchors ORDER BY id DESC LIMIT 1")?
                .query_row([], |r| r.get(0))
                .optional()
        })?;
        Ok(at.as_deref().and_then(time::parse))
    }
}
