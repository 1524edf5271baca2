//! `decisions`: final and append-only. [`Decisions::decide`] closes the
//! application under the decider's current claim, writes the decision and
//! queues the messages; the caller appends the audit row last.
//!
//! The claim is re-checked by the `UPDATE … WHERE claimed_by AND claim_seq`
//! that closes the application: in READ COMMITTED a concurrent takeover
//! makes it wait for that commit and then match nothing, so a stale ticket
//! writes nothing. The dashboard tallies (`decision_days`,
//! `decision_reasons`) follow by trigger, in this connection's slot.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::StoreError;
use crate::store::decisions::{DecisionRecord, Decisions, NewDecision};
use crate::store::outbox::{NewMessage, Outbox};
use crate::store::sql::decisions::{CLOSE, COLUMNS, FROM, INSERT, record};
use crate::store::sql::pg;
use crate::store::time;

impl Decisions for PgTx<'_> {
    fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let closed = self.exec(
            &pg(CLOSE),
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
            &format!("{} RETURNING id", pg(INSERT)),
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
            &format!("SELECT {COLUMNS} {FROM} WHERE d.application_id = $1"),
            &[&application_id],
        )?
        .map(|r| record(self.row(&r)))
        .transpose()
    }
}
