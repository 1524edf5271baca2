//! `decisions` and `outbox`: the columns, the shared statements and the one
//! decoder of each record both backends read.

use super::row::{Cols, RowGet};
use crate::domain::review::{Outcome, Reason};
use crate::store::decisions::{DecisionRecord, NewDecision};
use crate::store::outbox::OutboxRow;

pub const COLUMNS: &str = "d.id, d.application_id, d.outcome, d.reasons, d.free_text, d.notice, \
    d.photo_report, d.decided_by, c.display_name, d.decided_at, d.photo_override, d.op_key, \
    d.claim_seq";

pub const FROM: &str = "FROM decisions d LEFT JOIN clerks c ON c.id = d.decided_by";

/// Closes the application under the decider's current claim ticket; a
/// stale ticket matches nothing.
pub const CLOSE: &str = "UPDATE applications SET status = ?2, claimed_by = NULL, \
    lease_until = NULL WHERE id = ?1 AND status = 'pending' AND claimed_by = ?3 \
    AND claim_seq = ?4";

/// A new decision; the id comes back per backend.
pub const INSERT: &str = "INSERT INTO decisions (application_id, outcome, reasons, free_text, \
    notice, photo_report, decided_by, decided_at, claim_seq, photo_override, op_key) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// One row of [`COLUMNS`] [`FROM`].
pub fn record<R: RowGet>(r: R) -> Result<DecisionRecord, R::Error> {
    let c = Cols::new(r, "decisions", 0)?;
    Ok(DecisionRecord {
        id: c.id(),
        data: NewDecision {
            application_id: c.get(1)?,
            clerk: c.get(7)?,
            claim_seq: c.get(12)?,
            outcome: c.code(2, "outcome", Outcome::from_code)?,
            reasons: c.code(3, "reasons", parse_reasons)?,
            free_text: c.get(4)?,
            notice: c.get(5)?,
            photo_report: c.get(6)?,
            photo_override: c.get(10)?,
            op_key: c.get(11)?,
        },
        decided_by_name: c.get(8)?,
        decided_at: c.time(9, "decided_at")?,
    })
}

/// The comma-joined reason codes; one unknown code makes the whole list corrupt.
pub fn parse_reasons(s: &str) -> Option<Vec<Reason>> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(Reason::from_code)
        .collect()
}

pub const OUTBOX_COLUMNS: &str = "id, application_id, channel, recipient, body, created_at";

/// A new message; the id comes back per backend.
pub const ENQUEUE: &str = "INSERT INTO outbox (application_id, channel, recipient, body, \
    created_at) VALUES (?1, ?2, ?3, ?4, ?5)";

/// One row of [`OUTBOX_COLUMNS`].
pub fn outbox_row<R: RowGet>(r: R) -> Result<OutboxRow, R::Error> {
    let c = Cols::new(r, "outbox", 0)?;
    Ok(OutboxRow {
        id: c.id(),
        application_id: c.get(1)?,
        channel: c.get(2)?,
        recipient: c.get(3)?,
        body: c.get(4)?,
        created_at: c.time(5, "created_at")?,
    })
}
