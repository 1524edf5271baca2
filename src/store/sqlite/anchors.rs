//! `anchors`: every chain head that left the PC (an anchor file, an export,
//! a printed receipt), so the window can remind when none left for too long.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::store::audit::{Anchors, NewAnchor};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Anchors for SqliteTx<'_> {
    fn record_anchor(&self, a: &NewAnchor<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "INSERT INTO anchors (at, seq, hash, source, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    time::format(now),
                    a.anchor.seq,
                    a.anchor.hash,
                    a.source.code(),
                    a.detail
                ],
            )
            .map(drop)
        })
    }

    fn last_anchor_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        self.q(|c| {
            c.prepare_cached("SELECT id, at FROM anchors ORDER BY id DESC LIMIT 1")?
                .query_row([], |r| Cols::new(r, "anchors", 0)?.time(1, "at"))
                .optional()
        })
    }
}
