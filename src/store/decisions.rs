//! `decisions`: final and append-only. [`Tx::decide`] writes the decision,
//! closes the application and releases its claim, and queues the messages;
//! the caller adds the audit row in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::error::StoreError;
use super::outbox::NewMessage;
use super::{Tx, time};
use crate::domain::review::{Outcome, Reason};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub application_id: i64,
    pub clerk: i64,
    /// The claim ticket the decision was made under.
    pub claim_seq: i64,
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
    pub free_text: String,
    pub notice: String,
    /// What the reviewer saw: the photo-check summary.
    pub photo_report: String,
    /// Why an approval went ahead although the photo check failed.
    pub photo_override: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: i64,
    pub application_id: i64,
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
    pub free_text: String,
    pub notice: String,
    pub photo_report: String,
    pub photo_override: Option<String>,
    pub decided_by: i64,
    pub decided_by_name: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// Refusal when the ticket no longer holds the application.
pub const STALE_CLAIM: &str =
    "审核时限已过且该申请已被他人接手或放回队列，本次审核结果未保存。请重新打开该申请后再审核。";

impl Tx<'_> {
    /// Closes the application under the decider's current claim, writes the
    /// decision and queues `messages`. A stale ticket is refused and nothing
    /// is written (the caller's transaction rolls back on any error).
    pub fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
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
            return Err(StoreError::Rejected(STALE_CLAIM.to_owned()));
        }
        let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code()).collect();
        let id = self.q(|c| {
            c.prepare_cached(
                "INSERT INTO decisions (application_id, outcome, reasons, free_text, notice, \
                 photo_report, decided_by, decided_at, claim_seq, photo_override) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
                d.photo_override
            ])?;
            Ok(c.last_insert_rowid())
        })?;
        for m in messages {
            self.enqueue_message(m, now)?;
        }
        Ok(id)
    }

    pub fn decision_for(&self, application_id: i64) -> Result<Option<DecisionRecord>, StoreError> {
        self.q(|c| {
            c.prepare_cached(
                "SELECT d.id, d.application_id, d.outcome, d.reasons, d.free_text, d.notice, \
                 d.photo_report, d.decided_by, c.display_name, d.decided_at, d.photo_override \
                 FROM decisions d LEFT JOIN clerks c ON c.id = d.decided_by WHERE d.application_id = ?1",
            )?
            .query_row([application_id], |r| {
                let outcome: String = r.get(2)?;
                let reasons: String = r.get(3)?;
                let at: String = r.get(9)?;
                Ok(DecisionRecord {
                    id: r.get(0)?,
                    application_id: r.get(1)?,
                    outcome: Outcome::from_code(&outcome).unwrap_or(Outcome::Reject),
                    reasons: reasons.split(',').filter_map(Reason::from_code).collect(),
                    free_text: r.get(4)?,
                    notice: r.get(5)?,
                    photo_report: r.get(6)?,
                    photo_override: r.get(10)?,
                    decided_by: r.get(7)?,
                    decided_by_name: r.get(8)?,
                    decided_at: time::parse(&at).unwrap_or_default(),
                })
            })
            .optional()
        })
    }
}
