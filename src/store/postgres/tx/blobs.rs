//! `blobs`: photos and scans stored once by SHA-256, so a million applications
//! sharing a few photos stay small.

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::queue::{Blob, MAX_BLOB_BYTES, Photos, sha256_hex};
use crate::store::sqlite::time;

impl Photos for PgTx<'_> {
    fn put_blob(&self, bytes: &[u8], mime: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        if bytes.is_empty() || bytes.len() > MAX_BLOB_BYTES {
            return Err(StoreError::BlobSize {
                bytes: bytes.len(),
                max_mb: MAX_BLOB_BYTES / 1024 / 1024,
            });
        }
        let sha = sha256_hex(bytes);
        // Another counter storing the same photo meanwhile: this insert
        // waits for its commit and does nothing; the next statement (a new
        // snapshot in READ COMMITTED) then finds its row.
        let inserted = self.opt(
            "INSERT INTO blobs (sha256, mime, size, bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING id",
            &[
                &sha,
                &mime,
                &big(bytes.len() as u64),
                &bytes,
                &time::format(now),
            ],
        )?;
        match inserted {
            Some(r) => Ok(r.get(0)),
            None => Ok(self
                .one("SELECT id FROM blobs WHERE sha256 = $1", &[&sha])?
                .get(0)),
        }
    }

    fn blob(&self, id: i64) -> Result<Option<Blob>, StoreError> {
        Ok(self
            .opt(
                "SELECT id, sha256, mime, bytes FROM blobs WHERE id = $1",
                &[&id],
            )?
            .map(|r| Blob {
                id: r.get(0),
                sha256: r.get(1),
                mime: r.get(2),
                bytes: r.get(3),
            }))
    }
}
