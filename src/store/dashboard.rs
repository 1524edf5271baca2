//! Dashboard family: 工作台's numbers, read from small aggregates kept by
//! the backend, never from a table scan.

use super::error::StoreResult;
use super::queue::QueueClock;
use crate::domain::review::{AppKind, QueueCounts};
use chrono::{DateTime, NaiveDate, Utc};

/// Decisions of one CST day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayOutcomes {
    pub day: NaiveDate,
    pub approved: i64,
    pub returned: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueRow {
    pub id: i64,
    pub app_no: String,
    pub kind: AppKind,
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardData {
    pub counts: QueueCounts,
    pub my_decisions_today: i64,
    /// Oldest day first, `days` entries ending today.
    pub days: Vec<DayOutcomes>,
    /// Reason codes and how often they were used in the same days, most first.
    pub reasons: Vec<(String, i64)>,
    pub oldest_overdue: Vec<OverdueRow>,
    /// Decisions not yet exported, and when the oldest of them was made.
    pub unexported: i64,
    pub oldest_unexported: Option<DateTime<Utc>>,
    pub last_export: Option<DateTime<Utc>>,
}

/// 工作台's numbers. Every statement reads an index or a small aggregate
/// (`queue_counts`, `decision_days`, `decision_reasons`), never a table scan:
/// tests/exchange.rs checks the plans, benches/exchange.rs the time at a
/// million applications.
pub trait Dashboard {
    /// Everything 工作台 shows, in one read snapshot.
    fn dashboard(&self, clock: &QueueClock, days: u32, overdue: u32) -> StoreResult<DashboardData>;

    /// `EXPLAIN QUERY PLAN` of the dashboard's own statements (the counts
    /// are covered by [`Tx::explain_queue`]).
    fn explain_dashboard(&self) -> StoreResult<Vec<(String, Vec<String>)>>;
}
