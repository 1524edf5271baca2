//! `decisions`: final and append-only. [`Tx::decide`] writes the decision,
//! closes the application and releases its claim, and queues the messages;
//! the caller adds the audit row in the same transaction.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::domain::review::{Outcome, Reason};
use crate::store::decisions::{DecisionRecord, Decisions, NewDecision};
use crate::store::outbox::NewMessage;
use crate::store::outbox::Outbox;
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

pub(super) const DECISION_COLUMNS: &str = "d.id, d.application_id, d.outcome, d.reasons, \
    d.free_text, d.notice, d.photo_report, d.decided_by, c.display_name, d.decided_at, \
    d.photo_override, d.op_key";
pub(super) const DECISION_FROM: &str = "FROM decisions d LEFT JOIN clerks c ON c.id = d.decided_by";

pub(super) fn decision_row(r: &Row<'_>) -> rusqlite::Result<DecisionRecord> {
    let c = Cols::new(r, "decisions", 0)?;
    Ok(DecisionRecord {
        id: c.id(),
        application_id: r.get(1)?,
        outcome: c.code(2, "outcome", Outcome::from_code)?,
        reasons: c.code(3, "reasons", parse_reasons)?,
        free_text: r.get(4)?,
        notice: r.get(5)?,
        photo_report: r.get(6)?,
        photo_override: r.get(10)?,
        decided_by: r.get(7)?,
        decided_by_name: r.get(8)?,
        decided_at: c.time(9, "decided_at")?,
        op_key: r.get(11)?,
    })
}

/// The comma-joined reason codes; one unknown code makes the whole list corrupt.
fn parse_reasons(s: &str) -> Option<Vec<Reason>> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(Reason::from_code)
        .collect()
}

impl Decisions for SqliteTx<'_> {
    fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let closed = self.q(|c| {
            c.prepare_cached(
                "UPDATE applications SET status = ?2, claimed_by = NULL, lease_until = NULL \
                 WHERE id = ?1 AND status = 'pending' AND claimed_by = ?3 AND claim_seq = ?4",
            )?
            .execute(params![
                d.application_id,
                d.outcome.status().code(),
                d.clerk,
                d.claim_seq
            ])
        })?;
        if closed != 1 {
            return Ok(None);
        }
        let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code()).collect();
        let id = self.q(|c| {
            c.prepare_cached(
                "INSERT INTO decisions (application_id, outcome, reasons, free_text, notice, \
                 photo_report, decided_by, decided_at, claim_seq, photo_override, op_key) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                d.application_id,
                d.outcome.code(),
                reasons.join(","),
                d.free_text,
                d.notice,
                d.photo_report,
                d.clerk,
                time::format(now),
                d.claim_seq,
                d.photo_override,
                d.op_key
            ])?;
            Ok(c.last_insert_rowid())
        })?;
        for m in messages {
            self.enqueue_message(m, now)?;
        }
        Ok(Some(id))
    }

    fn decision_for(&self, application_id: i64) -> StoreResult<Option<DecisionRecord>> {
        self.q(|c| {
            c.prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} {DECISION_FROM} WHERE d.application_id = ?1"
            ))?
            .query_row([application_id], decision_row)
            .optional()
        })
    }
}
