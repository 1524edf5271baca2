//! Audit family: the append-only, hash-chained audit log and the anchors
//! (chain heads that left the PC). Contract: appends serialise on the head.

use super::error::StoreResult;
use crate::domain::clerks::anchor::Anchor;
use crate::domain::clerks::audit::AuditAction;
pub use crate::domain::clerks::audit::AuditVerdict;
use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

/// What the app layer hands in; the store assigns `seq`, time and hashes.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_id: Option<i64>,
    /// The acting clerk's user name, or what was typed for a failed login.
    pub actor: String,
    pub action: AuditAction,
    /// What was acted on, e.g. `clerk:3`. Never an applicant's document number.
    pub target: AuditTarget,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `None` for an action code this version does not know.
    pub action: Option<AuditAction>,
    pub action_code: String,
    pub target: String,
    pub detail: String,
    pub hash: String,
}

/// A chain head that left the PC: where it went, and which file, export
/// folder or receipt number carried it.
#[derive(Debug, Clone, Copy)]
pub struct NewAnchor<'a> {
    pub anchor: &'a Anchor,
    pub source: AnchorSource,
    pub detail: &'a str,
}

impl<'a> NewAnchor<'a> {
    pub fn new(anchor: &'a Anchor, source: AnchorSource, detail: &'a str) -> Self {
        NewAnchor {
            anchor,
            source,
            detail,
        }
    }
}

/// Where an anchor went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorSource {
    File,
    Export,
    Receipt,
}

impl AnchorSource {
    pub fn code(self) -> &'static str {
        match self {
            AnchorSource::File => "file",
            AnchorSource::Export => "export",
            AnchorSource::Receipt => "receipt",
        }
    }
}

/// `audit_log` + `audit_head`: append-only (triggers refuse UPDATE/DELETE),
/// each row chained to the previous by SHA-256.
pub trait AuditLog {
    /// Appends one event to the chain, as part of the caller's transaction:
    /// the row is in the chain once that transaction commits, and reads of
    /// the chain within it (head, tail, anchors, exports) already see it.
    ///
    /// Concurrency: reading the head and writing the next link are one
    /// serialised step, so the chain never forks. SQLite: the write lock,
    /// and the row is linked at once. A server: the row is staged and linked
    /// inside COMMIT under a lock on the head row, so the locked section is
    /// the server's commit alone (or from the first read of the chain in
    /// the transaction, which links the staged rows early).
    fn append_audit(&self, e: &NewAuditEvent, now: DateTime<Utc>) -> StoreResult<()>;

    /// The newest `limit` rows, newest first.
    fn audit_tail(&self, limit: usize) -> StoreResult<Vec<AuditRow>>;

    /// The chain head (seq, hash), printed on receipts as an anchor.
    fn audit_head(&self) -> StoreResult<Option<(i64, String)>>;

    fn verify_audit(&self) -> StoreResult<AuditVerdict>;

    /// The chain head as an anchor to write into receipts and exports.
    fn audit_anchor(&self) -> StoreResult<Option<Anchor>>;
}

/// `anchors`: every chain head that left the PC (an anchor file, an export,
/// a printed receipt), so the window can remind when none left for too long.
pub trait Anchors {
    fn record_anchor(&self, a: &NewAnchor<'_>, now: DateTime<Utc>) -> StoreResult<()>;

    /// When the last anchor was taken, if ever.
    fn last_anchor_at(&self) -> StoreResult<Option<DateTime<Utc>>>;
}
