//! `outbox`: result messages (SMS and in-app) waiting for delivery. Written in
//! the decision's transaction, so a decision never exists without its message.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::store::outbox::{NewMessage, Outbox, OutboxRow};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

pub(super) const OUTBOX_COLUMNS: &str = "id, application_id, channel, recipient, body, created_at";

pub(super) fn outbox_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let c = Cols::new(r, "outbox", 0)?;
    Ok(OutboxRow {
        id: c.id(),
        application_id: r.get(1)?,
        channel: r.get(2)?,
        recipient: r.get(3)?,
        body: r.get(4)?,
        created_at: c.time(5, "created_at")?,
    })
}

impl Outbox for SqliteTx<'_> {
    fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.prepare_cached(
                "INSERT INTO outbox (application_id, channel, recipient, body, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
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
            let rows = stmt.query_map([limit], outbox_row)?;
            rows.collect()
        })
    }

    fn outbox_for(&self, application_id: i64) -> StoreResult<Vec<OutboxRow>> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE application_id = ?1 ORDER BY id"
            ))?;
            let rows = stmt.query_map([application_id], outbox_row)?;
            rows.collect()
        })
    }
}
