//! `scan_blobs` (content-addressed by SHA-256: the same scan twice is stored once)
//! and `attachments` (which scan belongs to which registration, and where).

use super::SqliteTx;
use super::error::StoreResult;
use crate::store::registrations::{AttachmentRecord, NewAttachment, Scans};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Scans for SqliteTx<'_> {
    fn put_scan_blob(&self, sha256: &str, data: &[u8], now: DateTime<Utc>) -> StoreResult<bool> {
        let n = self.q(|c| {
            c.execute(
                "INSERT INTO scan_blobs (sha256, size, data, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(sha256) DO NOTHING",
                params![sha256, data.len() as i64, data, time::format(now)],
            )
        })?;
        Ok(n == 1)
    }

    fn scan_blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        self.q(|c| {
            c.query_row(
                "SELECT data FROM scan_blobs WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()
        })
    }

    fn insert_attachment(&self, a: &NewAttachment<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.execute(
                "INSERT INTO attachments (registration_id, slot, sha256, file_name, mime, size, \
                 width, height, pages, thumbnail, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
            c.prepare_cached(
                "SELECT id, slot, sha256, file_name, mime, size, width, height, pages, thumbnail \
                 FROM attachments WHERE registration_id = ?1 ORDER BY id",
            )?
            .query_map([registration_id], |r| {
                Ok(AttachmentRecord {
                    id: r.get(0)?,
                    slot: r.get(1)?,
                    sha256: r.get(2)?,
                    file_name: r.get(3)?,
                    mime: r.get(4)?,
                    size: r.get::<_, i64>(5)?.max(0) as u64,
                    width: r.get(6)?,
                    height: r.get(7)?,
                    pages: r.get(8)?,
                    thumbnail: r.get(9)?,
                })
            })?
            .collect()
        })
    }
}
