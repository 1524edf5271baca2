//! Outbox family: notices waiting for SMS or in-app delivery.

use super::error::StoreResult;
use chrono::{DateTime, Utc};

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

/// `outbox`: result messages (SMS and in-app) waiting for delivery. Written in
/// the decision's transaction, so a decision never exists without its message.
pub trait Outbox {
    fn enqueue_message(&self, m: &NewMessage, now: DateTime<Utc>) -> StoreResult<i64>;

    /// Undelivered messages, oldest first.
    fn outbox_unsent(&self, limit: u32) -> StoreResult<Vec<OutboxRow>>;

    fn outbox_for(&self, application_id: i64) -> StoreResult<Vec<OutboxRow>>;
}
