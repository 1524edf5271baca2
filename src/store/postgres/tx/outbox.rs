//! `outbox`: result messages (SMS and in-app) waiting for delivery, written
//! in the decision's transaction.

use ::postgres::Row;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::StoreError;
use crate::store::outbox::{NewMessage, Outbox, OutboxRow};
use crate::store::time;

pub(super) const COLUMNS: &str = "id, application_id, channel, recipient, body, created_at";

impl PgTx<'_> {
    pub(super) fn outbox_row(&self, r: &Row) -> Result<OutboxRow, StoreError> {
        let c = self.cols(r, "outbox", 0)?;
        Ok(OutboxRow {
            id: c.id(),
            application_id: c.get(1)?,
            channel: c.get(2)?,
            recipient: c.get(3)?,
            body: c.get(4)?,
            created_at: c.time(5, "created_at")?,
        })
    }
}

impl Outbox for PgTx<'_> {
    fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.scalar(
            "INSERT INTO outbox (application_id, channel, recipient, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                &m.application_id,
                &m.channel.code(),
                &m.recipient,
                &m.body,
                &time::format(now),
            ],
        )
    }

    fn outbox_unsent(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1"),
            &[&i64::from(limit)],
        )?
        .iter()
        .map(|r| self.outbox_row(r))
        .collect()
    }

    fn outbox_for(&self, application_id: i64) -> Result<Vec<OutboxRow>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM outbox WHERE application_id = $1 ORDER BY id"),
            &[&application_id],
        )?
        .iter()
        .map(|r| self.outbox_row(r))
        .collect()
    }
}
