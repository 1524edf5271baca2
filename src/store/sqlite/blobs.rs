//! `blobs`: photos and scans stored once by SHA-256, so a million applications
//! sharing a few photos stay a small file.

use super::SqliteTx;
use super::error::{StoreError, StoreResult};
use crate::store::queue::{Blob, MAX_BLOB_BYTES, Photos, sha256_hex};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Photos for SqliteTx<'_> {
    fn put_blob(&self, bytes: &[u8], mime: &str, now: DateTime<Utc>) -> StoreResult<i64> {
        if bytes.is_empty() || bytes.len() > MAX_BLOB_BYTES {
            return Err(StoreError::BlobSize {
                bytes: bytes.len(),
                max_mb: MAX_BLOB_BYTES / 1024 / 1024,
            });
        }
        let sha = sha256_hex(bytes);
        self.q(|c| {
            c.prepare_cached(
                "INSERT INTO blobs (sha256, mime, size, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (sha256) DO NOTHING",
            )?
            .execute(params![sha, mime, bytes.len() as i64, bytes, time::format(now)])?;
            c.prepare_cached("SELECT id FROM blobs WHERE sha256 = ?1")?
                .query_row([&sha], |r| r.get(0))
        })
    }

    fn blob(&self, id: i64) -> StoreResult<Option<Blob>> {
        self.q(|c| {
            c.prepare_cached("SELECT id, sha256, mime, bytes FROM blobs WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok(Blob {
                        id: r.get(0)?,
                        sha256: r.get(1)?,
                        mime: r.get(2)?,
                        bytes: r.get(3)?,
                    })
                })
                .optional()
        })
    }
}
