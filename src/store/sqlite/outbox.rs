//! `outbox`: result messages (SMS and in-app) waiting for delivery. Written in
//! the decision's transaction, so a decision never exists without its message.

use super::SqliteTx;
use super::error::StoreResult;
use crate::store::outbox::{NewMessage, Outbox, OutboxRow};
use crate::store::sql::decisions::{ENQUEUE, OUTBOX_COLUMNS, outbox_row};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::params;

impl Outbox for SqliteTx<'_> {
    fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.prepare_cached(ENQUEUE)?.execute(params![
                m.application_id,
                m.channel.code(),
                m.recipient,
                m.body,
                time::format(now)
            ])?;
            Ok(c.last_insert_rowid())
        })
    }

    fn outbox_unsent(&self, limit: u32) -> StoreResult<Vec<OutboxRow>> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], |r| outbox_row(r))?;
            rows.collect()
        })
    }

    fn outbox_for(&self, application_id: i64) -> StoreResult<Vec<OutboxRow>> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE application_id = ?1 ORDER BY id"
            ))?;
            let rows = stmt.query_map([application_id], |r| outbox_row(r))?;
            rows.collect()
        })
    }
}
