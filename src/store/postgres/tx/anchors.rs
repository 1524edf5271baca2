//! `anchors`: every chain head that left a workstation (an anchor file, an
//! export, a printed receipt), so the window can remind when none left for
//! too long.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::StoreError;
use crate::store::audit::{Anchors, NewAnchor};
use crate::store::time;

impl Anchors for PgTx<'_> {
    fn record_anchor(&self, a: &NewAnchor<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO anchors (at, seq, hash, source, detail) VALUES ($1, $2, $3, $4, $5)",
            &[
                &time::format(now),
                &a.anchor.seq,
                &a.anchor.hash,
                &a.source.code(),
                &a.detail,
            ],
        )
        .map(drop)
    }

    fn last_anchor_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.opt("SELECT id, at FROM anchors ORDER BY id DESC LIMIT 1", &[])?
            .map(|r| self.cols(&r, "anchors", 0)?.time(1, "at"))
            .transpose()
    }
}
