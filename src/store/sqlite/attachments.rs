//! `scan_blobs` (content-addressed by SHA-256: the same scan twice is stored once)
//! and `attachments` (which scan belongs to which registration, and where).

use super::SqliteTx;
use super::error::StoreResult;
use crate::store::registrations::{AttachmentRecord, NewAttachment, Scans};
use crate::store::sql::attachments::{BLOB, INSERT, OF_REGISTRATION, PUT_BLOB, record};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Scans for SqliteTx<'_> {
    fn put_scan_blob(&self, sha256: &str, data: &[u8], now: DateTime<Utc>) -> StoreResult<bool> {
        let n = self.q(|c| {
            c.execute(
                PUT_BLOB,
                params![sha256, data.len() as i64, data, time::format(now)],
            )
        })?;
        Ok(n == 1)
    }

    fn scan_blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        self.q(|c| c.query_row(BLOB, [sha256], |r| r.get(0)).optional())
    }

    fn insert_attachment(&self, a: &NewAttachment, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.execute(
                INSERT,
                params![
                    a.registration_id,
                    a.slot,
                    a.sha256,
                    a.file_name,
                    a.mime,
                    a.size as i64,
                    a.width,
                    a.height,
                    a.pages,
                    a.thumbnail,
                    time::format(now),
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn attachments_of(&self, registration_id: i64) -> StoreResult<Vec<AttachmentRecord>> {
        self.q(|c| {
            c.prepare_cached(OF_REGISTRATION)?
                .query_map([registration_id], |r| record(r))?
                .collect()
        })
    }
}
