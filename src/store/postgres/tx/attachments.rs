//! `scan_blobs` (content-addressed by SHA-256: the same scan twice is stored once)
//! and `attachments` (which scan belongs to which registration, and where).

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::registrations::{AttachmentRecord, NewAttachment, Scans};
use crate::store::sql::attachments::{BLOB, INSERT, OF_REGISTRATION, PUT_BLOB, record};
use crate::store::sql::pg;
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
            &pg(PUT_BLOB),
            &[&sha256, &big(data.len() as u64), &data, &time::format(now)],
        )?;
        Ok(n == 1)
    }

    fn scan_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.opt_scalar(&pg(BLOB), &[&sha256])
    }

    fn insert_attachment(&self, a: &NewAttachment, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let dim = |v: Option<u32>| v.map(i64::from);
        self.scalar(
            &format!("{} RETURNING id", pg(INSERT)),
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
        self.rows(&pg(OF_REGISTRATION), &[&registration_id])?
            .iter()
            .map(|r| record(self.row(r)))
            .collect()
    }
}
