//! `decisions`: final and append-only. [`Tx::decide`] writes the decision,
//! closes the application and releases its claim, and queues the messages;
//! the caller adds the audit row in the same transaction.

use super::SqliteTx;
use super::error::StoreResult;
use crate::store::decisions::{DecisionRecord, Decisions, NewDecision};
use crate::store::outbox::NewMessage;
use crate::store::outbox::Outbox;
use crate::store::sql::decisions::{CLOSE, COLUMNS, FROM, INSERT, record};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Decisions for SqliteTx<'_> {
    fn decide(
        &self,
        d: &NewDecision,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let closed = self.q(|c| {
            c.prepare_cached(CLOSE)?.execute(params![
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
            c.prepare_cached(INSERT)?.execute(params![
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
                "SELECT {COLUMNS} {FROM} WHERE d.application_id = ?1"
            ))?
            .query_row([application_id], |r| record(r))
            .optional()
        })
    }
}
