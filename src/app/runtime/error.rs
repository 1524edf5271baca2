//! The one error type every use case returns. Screens format it; nothing in
//! the store builds a sentence about who holds what.

use chrono::{DateTime, Utc};

use crate::domain::documents::result::sentence;
use crate::domain::review::application::held_by_sentence;
use crate::store::StoreError;

/// A record that already exists, so the UI can open it instead of creating a twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// What kind of record: `registration`, `application`, …
    pub kind: &'static str,
    pub id: i64,
    /// The number the clerk knows it by (registration or application number).
    pub number: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A rule said no; the message is Chinese and says what to fix.
    #[error("{0}")]
    Rejected(String),
    /// Someone else holds the record (a review claim).
    #[error("{}", held_by_sentence(Some(clerk), &crate::app::runtime::clock::fmt_hm(*until)))]
    HeldBy { clerk: String, until: DateTime<Utc> },
    /// The clerk's claim ticket no longer holds the application: the lease
    /// ran out and someone else took it, or it went back to the queue.
    #[error(
        "审核时限已过且该申请已被他人接手或放回队列，本次审核结果未保存。请重新打开该申请后再审核。"
    )]
    Stale { application: i64 },
    /// The clerk signed in at another counter since: this window's session
    /// was taken over (one counter at a time per clerk).
    #[error("{}", signed_in_elsewhere(workstation.as_deref()))]
    SignedInElsewhere {
        /// The other counter's host; `None`: another window on this PC.
        workstation: Option<String>,
    },
    /// The record exists already.
    #[error("已有记录 {}", .0.number)]
    Duplicate(RecordRef),
    #[error(transparent)]
    Store(StoreError),
}

fn signed_in_elsewhere(workstation: Option<&str>) -> String {
    let (where_, other) = match workstation {
        Some(ws) => (format!("工作站 {ws}"), "另一工作站"),
        None => ("本机的另一个窗口".to_owned(), "另一个窗口"),
    };
    format!(
        "您的账号已在{where_}登录，这里的登录已结束，本次操作未保存。如需在这里继续，请重新登录（{other}的登录将随之结束）。"
    )
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl AppError {
    pub fn rejected(msg: impl Into<String>) -> Self {
        AppError::Rejected(sentence(msg.into()).into_owned())
    }

    /// The driver's own words for a storage fault (详情 and the log).
    pub fn technical(&self) -> Option<String> {
        match self {
            AppError::Store(e) => e.technical(),
            _ => None,
        }
    }

    /// A short Chinese title, for dialogs and logs (never personal data).
    pub fn title(&self) -> &'static str {
        match self {
            AppError::Rejected(_) => "操作被拒绝",
            AppError::HeldBy { .. } => "正由他人处理",
            AppError::Stale { .. } => "领取已失效",
            AppError::SignedInElsewhere { .. } => "已在其他工作站登录",
            AppError::Duplicate(_) => "记录已存在",
            AppError::Store(e) => e.title(),
        }
    }
}
