//! `registrations`: the columns, the shared statements and the one decoder
//! of each record shape both backends read.

use super::row::{Cols, RowGet};
use crate::domain::registration::{RegistrationKind, RegistrationStatus};
use crate::store::exchange::RegistrationExport;
use crate::store::registrations::{Applicant, RegistrationRecord, RegistrationSummary};

pub const COLUMNS: &str = "r.id, r.reg_no, r.kind, r.status, r.doc_type, r.doc_number, r.org_code, \
    r.name, r.mobile, r.reason, r.reason_text, r.agent_name, r.agent_doc_type, \
    r.agent_doc_number, r.breakdown, r.sighted, r.office, r.clerk_id, c.display_name, \
    r.created_at, r.updated_at, r.countersigned_by, s.display_name, r.countersigned_at";

pub const FROM: &str = "FROM registrations r JOIN clerks c ON c.id = r.clerk_id \
    LEFT JOIN clerks s ON s.id = r.countersigned_by";

/// The columns [`summary`] reads.
pub const SUMMARY: &str =
    "SELECT id, reg_no, kind, status, doc_type, doc_number, name, created_at FROM registrations";

/// A new registration (`?18` is both times); the id comes back per backend.
pub const INSERT: &str = "INSERT INTO registrations (reg_no, kind, status, doc_type, \
    doc_number, org_code, name, mobile, reason, reason_text, agent_name, agent_doc_type, \
    agent_doc_number, breakdown, sighted, office, clerk_id, created_at, updated_at, \
    idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
    ?15, ?16, ?17, ?18, ?18, ?19)";

const HOLDER_BY_NUMBER: &str = "SELECT id, reg_no FROM registrations WHERE doc_number = ?1 \
    AND status <> 'returned'";

const HOLDER_BY_ORG: &str = "SELECT id, reg_no FROM registrations WHERE org_code = ?1 \
    AND status <> 'returned' ORDER BY id LIMIT 1";

/// The registration (id, MQ number) that holds a document number, or (a
/// company) its organisation code: `find` runs a statement with one text
/// parameter and returns its first row.
pub fn holder<E>(
    doc_number: &str,
    org_code: Option<&str>,
    find: impl Fn(&str, &str) -> Result<Option<(i64, String)>, E>,
) -> Result<Option<(i64, String)>, E> {
    match (find(HOLDER_BY_NUMBER, doc_number)?, org_code) {
        (Some(hit), _) => Ok(Some(hit)),
        (None, Some(org)) => find(HOLDER_BY_ORG, org),
        (None, None) => Ok(None),
    }
}

pub const SET_MOBILE: &str = "UPDATE registrations SET mobile = ?2, updated_at = ?3 WHERE id = ?1";

/// Countersigning: only a pending registration, never by its own clerk.
pub const COUNTERSIGN: &str = "UPDATE registrations SET status = 'countersigned', \
    countersigned_by = ?2, countersigned_at = ?3, updated_at = ?3 \
    WHERE id = ?1 AND status = 'pending_countersign' AND clerk_id <> ?2";

pub const RETURN: &str = "UPDATE registrations SET status = 'returned', updated_at = ?3 \
    WHERE id = ?1 AND status = 'pending_countersign' AND clerk_id <> ?2";

/// One row of [`COLUMNS`] [`FROM`].
pub fn record<R: RowGet>(r: R) -> Result<RegistrationRecord, R::Error> {
    let c = Cols::new(r, "registrations", 0)?;
    Ok(RegistrationRecord {
        id: c.id(),
        reg_no: c.get(1)?,
        kind: c.code(2, "kind", RegistrationKind::from_code)?,
        status: c.code(3, "status", RegistrationStatus::from_code)?,
        applicant: applicant(&c, 4)?,
        breakdown: c.get(14)?,
        sighted: c.list(15)?,
        office: c.get(16)?,
        clerk_id: c.get(17)?,
        clerk_name: c.get(18)?,
        created_at: c.time(19, "created_at")?,
        updated_at: c.time(20, "updated_at")?,
        countersigned_by: c.get(21)?,
        countersigner_name: c.get(22)?,
        countersigned_at: c.opt_time(23, "countersigned_at")?,
    })
}

/// The [`Applicant`] columns from `at` on, in its order (`r.doc_type` …
/// `r.agent_doc_number`), as [`COLUMNS`] and [`EXPORT`] read them.
fn applicant<R: RowGet>(c: &Cols<R>, at: usize) -> Result<Applicant, R::Error> {
    Ok(Applicant {
        doc_type: c.get(at)?,
        doc_number: c.get(at + 1)?,
        org_code: c.get(at + 2)?,
        name: c.get(at + 3)?,
        mobile: c.get(at + 4)?,
        reason: c.get(at + 5)?,
        reason_text: c.get(at + 6)?,
        agent_name: c.get(at + 7)?,
        agent_doc_type: c.get(at + 8)?,
        agent_doc_number: c.get(at + 9)?,
    })
}

/// The registrations export run `?1` carries: each changed registration
/// once, at its newest state, keyed by its newest change.
pub const EXPORT: &str = "SELECT ch.last, r.reg_no, r.kind, r.status, r.doc_type, \
    r.doc_number, r.org_code, r.name, r.mobile, r.reason, r.reason_text, r.agent_name, \
    r.agent_doc_type, r.agent_doc_number, r.sighted, r.office, COALESCE(c.username, ''), \
    r.created_at, r.updated_at, s.username, r.countersigned_at \
    FROM (SELECT ch.registration_id, MAX(ch.seq) AS last FROM export_pending p \
          JOIN registration_changes ch ON ch.seq = p.row_id \
          WHERE p.stream = 'registrations' AND p.export_run = ?1 \
          GROUP BY ch.registration_id) ch \
    JOIN registrations r ON r.id = ch.registration_id \
    LEFT JOIN clerks c ON c.id = r.clerk_id \
    LEFT JOIN clerks s ON s.id = r.countersigned_by ORDER BY ch.last";

/// One row of [`EXPORT`]: codes and times as stored, clerks by username.
pub fn export_row<R: RowGet>(r: R) -> Result<RegistrationExport, R::Error> {
    let c = Cols::new(r, "registration_changes", 0)?;
    Ok(RegistrationExport {
        change: c.id(),
        reg_no: c.get(1)?,
        kind: c.get(2)?,
        status: c.get(3)?,
        applicant: applicant(&c, 4)?,
        sighted: c.list(14)?,
        office: c.get(15)?,
        clerk: c.get(16)?,
        created_at: c.get(17)?,
        updated_at: c.get(18)?,
        countersigned_by: c.get(19)?,
        countersigned_at: c.get(20)?,
    })
}

/// One row of [`SUMMARY`].
pub fn summary<R: RowGet>(r: R) -> Result<RegistrationSummary, R::Error> {
    let c = Cols::new(r, "registrations", 0)?;
    Ok(RegistrationSummary {
        id: c.id(),
        reg_no: c.get(1)?,
        kind: c.code(2, "kind", RegistrationKind::from_code)?,
        status: c.code(3, "status", RegistrationStatus::from_code)?,
        doc_type: c.get(4)?,
        doc_number: c.get(5)?,
        name: c.get(6)?,
        created_at: c.time(7, "created_at")?,
    })
}

/// The smallest string above every string that starts with `prefix` (in
/// byte order; the server's comparisons say `COLLATE "C"` for it).
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}
