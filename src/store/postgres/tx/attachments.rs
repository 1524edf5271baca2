//! `scan_blobs` (content-addressed by SHA-256: the same scan twice is stored once)
//! and `attachments` (which scan belongs to which registration, and where).

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::registrations::{AttachmentRecord, NewAttachment, Scans};
use crate::store::time;

impl Scans for PgTx<'_> {
    fn put_scan_blob(
        &self,
        sha256: &str,
        data: &[u8],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // Two counters storing the same scan at once: the second waits for
        // the first one's commit and then does nothing.
        let n = self.exec(
            "INSERT INTO scan_blobs (sha256, size, data, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING",
            &[&sha256, &big(data.len() as u64), &data, &time::format(now)],
        )?;
        Ok(n == 1)
    }

    fn scan_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.opt_scalar("SELECT data FROM scan_blobs WHERE sha256 = $1", &[&sha256])
    }

    fn insert_attachment(
        &self,
        a: &NewAttachment<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let dim = |v: Option<u32>| v.map(i64::from);
        self.scalar(
            "INSERT INTO attachments (registration_id, slot, sha256, file_name, mime, size, \
                 width, height, pages, thumbnail, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                &a.registration_id,
                &a.slot,
                &a.sha256,
                &a.file_name,
                &a.mime,
                &big(a.size),
                &dim(a.width),
                &dim(a.height),
                &dim(a.pages),
                &a.thumbnail,
                &time::format(now),
            ],
        )
    }

    fn attachments_of(&self, registration_id: i64) -> Result<Vec<AttachmentRecord>, StoreError> {
        self.rows(
            "SELECT id, slot, sha256, file_name, mime, size, width, height, pages, thumbnail \
             FROM attachments WHERE registration_id = $1 ORDER BY id",
            &[&registration_id],
        )?
        .iter()
        .map(|r| {
            let c = self.cols(r, "attachments", 0)?;
            Ok(AttachmentRecord {
                id: c.id(),
                slot: c.get(1)?,
                sha256: c.get(2)?,
                file_name: c.get(3)?,
                mime: c.get(4)?,
                size: c.u64(5, "size")?,
                width: c.opt_u32(6, "width")?,
                height: c.opt_u32(7, "height")?,
                pages: c.opt_u32(8, "pages")?,
                thumbnail: c.get(9)?,
            })
        })
        .collect()
    }
}
