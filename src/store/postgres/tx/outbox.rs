//! `outbox`: result messages (SMS and in-app) waiting for delivery, written
//! in the decision's transaction.

use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::StoreError;
use crate::store::outbox::{NewMessage, Outbox, OutboxRow};
use crate::store::sql::decisions::{ENQUEUE, OUTBOX_COLUMNS as COLUMNS, outbox_row};
use crate::store::sql::pg;
use crate::store::time;

impl Outbox for PgTx<'_> {
    fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.scalar(
            &format!("{} RETURNING id", pg(ENQUEUE)),
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
        .map(|r| outbox_row(self.row(r)))
        .collect()
    }

    fn outbox_for(&self, application_id: i64) -> Result<Vec<OutboxRow>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM outbox WHERE application_id = $1 ORDER BY id"),
            &[&application_id],
        )?
        .iter()
        .map(|r| outbox_row(self.row(r)))
        .collect()
    }
}
