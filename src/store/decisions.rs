//! Decisions family: final decisions, written with their messages in the
//! transaction that re-checks the reviewer's claim.

use super::error::StoreResult;
use super::outbox::NewMessage;
use crate::domain::review::{Outcome, Reason};
use chrono::{DateTime, Utc};

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
    /// The client-generated key of the request that made it (unique).
    pub op_key: Option<String>,
}

/// A stored decision: what was handed in (`data.clerk` decided it), with
/// the decider's name and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: i64,
    pub data: NewDecision,
    pub decided_by_name: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// `decisions`: final and append-only. [`Decisions::decide`] writes the
/// decision, closes the application and releases its claim, and queues the
/// messages; the caller adds the audit row in the same transaction.
///
/// Hot rows: every decision adds to `decision_days` and `decision_reasons`
/// (the dashboard's tallies). SQLite keeps them by trigger in the writer's
/// transaction; a server must not make twenty reviewers wait on one tally
/// row, so it keeps per-workstation rows and sums them on read.
pub trait Decisions {
    /// Closes the application under the decider's current claim, writes the
    /// decision and queues `messages`; returns the decision's id, or `None`
    /// when the ticket is stale (nothing is written then).
    ///
    /// Concurrency: the claim is re-checked by the same statement that closes
    /// the application, so a decision made under a lease someone else has
    /// since taken over never lands.
    fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    fn decision_for(&self, application_id: i64) -> StoreResult<Option<DecisionRecord>>;
}
