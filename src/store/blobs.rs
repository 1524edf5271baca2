//! `blobs`: photos and scans stored once by SHA-256, so a million applications
//! sharing a few photos stay a small file.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::error::StoreError;
use super::{Tx, time};

/// Largest blob accepted (the schema enforces it too).
pub const MAX_BLOB_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub id: i64,
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Tx<'_> {
    /// Stores `bytes` unless an identical blob exists; returns its id either way.
    pub fn put_blob(
        &self,
        bytes: &[u8],
        mime: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if bytes.is_empty() || bytes.len() > MAX_BLOB_BYTES {
            return Err(StoreError::Rejected(format!(
                "文件大小 {} 字节超出允许范围（1 字节至 {} MB）",
                bytes.len(),
                MAX_BLOB_BYTES / 1024 / 1024
            )));
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

    pub fn blob(&self, id: i64) -> Result<Option<Blob>, StoreError> {
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
