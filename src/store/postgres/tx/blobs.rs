//! `blobs`: photos and scans stored once by SHA-256, so a million applications
//! sharing a few photos stay small.

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::queue::{Blob, MAX_BLOB_BYTES, Photos, sha256_hex};
use crate::store::time;

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
            Some(r) => self.get(&r, 0),
            None => self.scalar("SELECT id FROM blobs WHERE sha256 = $1", &[&sha]),
        }
    }

    fn blob(&self, id: i64) -> Result<Option<Blob>, StoreError> {
        self.opt(
            "SELECT id, sha256, mime, bytes FROM blobs WHERE id = $1",
            &[&id],
        )?
        .map(|r| {
            Ok(Blob {
                id: self.get(&r, 0)?,
                sha256: self.get(&r, 1)?,
                mime: self.get(&r, 2)?,
                bytes: self.get(&r, 3)?,
            })
        })
        .transpose()
    }
}
