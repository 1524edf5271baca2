//! `scan_blobs` + `attachments`: the statements both backends run and the
//! one decoder of an attachment.

use super::row::{Cols, RowGet};
use crate::store::registrations::{AttachmentRecord, NewAttachment};

/// Stores a scan unless one with its SHA-256 is there already.
pub const PUT_BLOB: &str = "INSERT INTO scan_blobs (sha256, size, data, created_at) \
    VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sha256) DO NOTHING";

pub const BLOB: &str = "SELECT data FROM scan_blobs WHERE sha256 = ?1";

/// A new attachment; the id comes back per backend.
pub const INSERT: &str = "INSERT INTO attachments (registration_id, slot, sha256, file_name, \
    mime, size, width, height, pages, thumbnail, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// The attachments of registration `?1`, oldest first ([`record`] reads them).
pub const OF_REGISTRATION: &str = "SELECT id, slot, sha256, file_name, mime, size, width, \
    height, pages, thumbnail, registration_id FROM attachments WHERE registration_id = ?1 \
    ORDER BY id";

/// One row of [`OF_REGISTRATION`]: a negative size or a dimension out of
/// range is corruption.
pub fn record<R: RowGet>(r: R) -> Result<AttachmentRecord, R::Error> {
    let c = Cols::new(r, "attachments", 0)?;
    Ok(AttachmentRecord {
        id: c.id(),
        data: NewAttachment {
            registration_id: c.get(10)?,
            slot: c.get(1)?,
            sha256: c.get(2)?,
            file_name: c.get(3)?,
            mime: c.get(4)?,
            size: c.u64(5, "size")?,
            width: c.opt_u32(6, "width")?,
            height: c.opt_u32(7, "height")?,
            pages: c.opt_u32(8, "pages")?,
            thumbnail: c.get(9)?,
        },
    })
}
