//! `decisions`: final and append-only. [`Decisions::decide`] closes the
//! application under the decider's current claim, writes the decision and
//! queues the messages; the caller appends the audit row last.
//!
//! The claim is re-checked by the `UPDATE … WHERE claimed_by AND claim_seq`
//! that closes the application: in READ COMMITTED a concurrent takeover
//! makes it wait for that commit and then match nothing, so a stale ticket
//! writes nothing. The dashboard tallies (`decision_days`,
//! `decision_reasons`) follow by trigger, in this connection's slot.

use ::postgres::Row;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::domain::review::{Outcome, Reason};
use crate::store::StoreError;
use crate::store::decisions::{DecisionRecord, Decisions, NewDecision};
use crate::store::outbox::{NewMessage, Outbox};
use crate::store::time;

pub(super) const COLUMNS: &str = "d.id, d.application_id, d.outcome, d.reasons, d.free_text, d.notice, \
    d.photo_report, d.decided_by, c.display_name, d.decided_at, d.photo_override, d.op_key";

/// The comma-joined reason codes; one unknown code makes the whole list corrupt.
fn parse_reasons(s: &str) -> Option<Vec<Reason>> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(Reason::from_code)
        .collect()
}

impl PgTx<'_> {
    pub(super) fn decision(&self, r: &Row) -> Result<DecisionRecord, StoreError> {
        let c = self.cols(r, "decisions", 0)?;
        Ok(DecisionRecord {
            id: c.id(),
            application_id: c.get(1)?,
            outcome: c.code(2, "outcome", Outcome::from_code)?,
            reasons: c.code(3, "reasons", parse_reasons)?,
            free_text: c.get(4)?,
            notice: c.get(5)?,
            photo_report: c.get(6)?,
            decided_by: c.get(7)?,
            decided_by_name: c.get(8)?,
            decided_at: c.time(9, "decided_at")?,
            photo_override: c.get(10)?,
            op_key: c.get(11)?,
        })
    }
}

impl Decisions for PgTx<'_> {
    fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let closed = self.exec(
            "UPDATE applications SET status = $2, claimed_by = NULL, lease_until = NULL \
             WHERE id = $1 AND status = 'pending' AND claimed_by = $3 AND claim_seq = $4",
            &[
                &d.application_id,
                &d.outcome.status().code(),
                &d.clerk,
                &d.claim_seq,
            ],
        )?;
        if closed != 1 {
            return Ok(None);
        }
        let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code()).collect();
        let id: i64 = self.scalar(
            "INSERT INTO decisions (application_id, outcome, reasons, free_text, notice, \
             photo_report, decided_by, decided_at, claim_seq, photo_override, op_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                &d.application_id,
                &d.outcome.code(),
                &reasons.join(","),
                &d.free_text,
                &d.notice,
                &d.photo_report,
                &d.clerk,
                &time::format(now),
                &d.claim_seq,
                &d.photo_override,
                &d.op_key,
            ],
        )?;
        for m in messages {
            self.enqueue_message(m, now)?;
        }
        Ok(Some(id))
    }

    fn decision_for(&self, application_id: i64) -> Result<Option<DecisionRecord>, StoreError> {
        self.opt(
            &format!(
                "SELECT {COLUMNS} FROM decisions d LEFT JOIN clerks c ON c.id = d.decided_by \
                 WHERE d.application_id = $1"
            ),
            &[&application_id],
        )?
        .map(|r| self.decision(&r))
        .transpose()
    }
}
