//! `outbox`: result messages (SMS and in-app) waiting for delivery. Written in
//! the decision's transaction, so a decision never exists without its message.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::error::StoreError;
use super::{Tx, time};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    App,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::App => "app",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub application_id: i64,
    pub channel: Channel,
    /// Mobile number for SMS, the account's document number for the app.
    pub recipient: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub application_id: i64,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl Tx<'_> {
    pub fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> Result<i64, StoreError> {
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

    /// Undelivered messages, oldest first.
    pub fn outbox_unsent(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, application_id, channel, recipient, body, created_at FROM outbox \
                 WHERE sent_at IS NULL ORDER BY id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                let at: String = r.get(5)?;
                Ok(OutboxRow {
                    id: r.get(0)?,
                    application_id: r.get(1)?,
                    channel: r.get(2)?,
                    recipient: r.get(3)?,
                    body: r.get(4)?,
                    created_at: time::parse(&at).unwrap_or_default(),
                })
            })?;
            rows.collect()
        })
    }

    pub fn outbox_for(&self, application_id: i64) -> Result<Vec<OutboxRow>, StoreError> {
        self.q(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, application_id, channel, recipient, body, created_at FROM outbox \
                 WHERE application_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([application_id], |r| {
                let at: String = r.get(5)?;
                Ok(OutboxRow {
                    id: r.get(0)?,
                    application_id: r.get(1)?,
                    channel: r.get(2)?,
                    recipient: r.get(3)?,
                    body: r.get(4)?,
                    created_at: time::parse(&at).unwrap_or_default(),
                })
            })?;
            rows.collect()
        })
    }
}
