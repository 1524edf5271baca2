//! The queue's filters, counts and deadlines. Days are China Standard Time
//! days (UTC+8, no DST), whatever the PC's own setting.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use super::application::AppKind;
use crate::domain::documents::holidays::review_deadline;

/// UTC+8, checked at compile time.
pub const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// Which part of the queue a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Not yet decided (待审核, including 审核中).
    Open,
    /// Claimed by anyone, lease running.
    InReview,
    /// Undecided and due today.
    DueToday,
    /// Undecided and due before today.
    Overdue,
    /// Claimed by the asking clerk, lease running.
    Mine,
    Approved,
    Returned,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Open,
        Scope::InReview,
        Scope::DueToday,
        Scope::Overdue,
        Scope::Mine,
        Scope::Approved,
        Scope::Returned,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Scope::Open => "待审核",
            Scope::InReview => "审核中",
            Scope::DueToday => "今日到期",
            Scope::Overdue => "已超期",
            Scope::Mine => "我领取的",
            Scope::Approved => "已通过",
            Scope::Returned => "已退回",
        }
    }
}

/// Position after the last row of the previous page (keyset paging by due time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursor {
    pub due_at: DateTime<Utc>,
    pub id: i64,
}

/// Counts of one kind (or of all kinds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub open: i64,
    pub due_today: i64,
    pub overdue: i64,
    pub approved: i64,
    pub returned: i64,
}

impl KindCounts {
    pub fn add(&mut self, o: &KindCounts) {
        self.open += o.open;
        self.due_today += o.due_today;
        self.overdue += o.overdue;
        self.approved += o.approved;
        self.returned += o.returned;
    }
}

/// Every count the queue's filter bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub total: KindCounts,
    pub per_kind: Vec<(AppKind, KindCounts)>,
    pub in_review: i64,
    pub mine: i64,
}

impl QueueCounts {
    /// The number shown next to a filter (all kinds, or one).
    pub fn for_scope(&self, scope: Scope, kind: Option<AppKind>) -> i64 {
        let k = match kind {
            None => self.total,
            Some(kind) => self
                .per_kind
                .iter()
                .find(|(x, _)| *x == kind)
                .map(|(_, c)| *c)
                .unwrap_or_default(),
        };
        match scope {
            Scope::Open => k.open,
            Scope::DueToday => k.due_today,
            Scope::Overdue => k.overdue,
            Scope::Approved => k.approved,
            Scope::Returned => k.returned,
            // Leases are few; they are not split by kind.
            Scope::InReview => self.in_review,
            Scope::Mine => self.mine,
        }
    }
}

/// The CST date of an instant.
pub fn cst_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&CST).date_naive()
}

/// Start of a CST day, in UTC.
pub fn cst_day_start(d: NaiveDate) -> DateTime<Utc> {
    CST.from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// When an application is due: the end of the first working day after the
/// day it was submitted (CST). Also says whether the holiday data ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub beyond_data: bool,
}

pub fn due_for(submitted_at: DateTime<Utc>) -> Due {
    let local = submitted_at.with_timezone(&CST).naive_local();
    let d = review_deadline(local);
    let at = CST
        .from_local_datetime(&d.value)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(submitted_at);
    Due {
        at,
        day: d.value.date(),
        beyond_data: d.beyond_data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_is_the_end_of_the_next_working_day_in_cst() {
        // 2026-09-30 10:00 CST → the National Day holiday → 2026-10-08 23:59:59 CST.
        let t = Utc.with_ymd_and_hms(2026, 9, 30, 2, 0, 0).unwrap();
        let d = due_for(t);
        assert_eq!(d.day, NaiveDate::from_ymd_opt(2026, 10, 8).unwrap());
        assert_eq!(d.at, Utc.with_ymd_and_hms(2026, 10, 8, 15, 59, 59).unwrap());
        assert!(!d.beyond_data);
        // Friday 23:30 CST is already Friday in CST (15:30 UTC): due Monday.
        let fri = Utc.with_ymd_and_hms(2026, 11, 20, 15, 30, 0).unwrap();
        assert_eq!(
            due_for(fri).day,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        // Friday 16:30 UTC is Saturday 00:30 CST: due Monday as well.
        let sat = Utc.with_ymd_and_hms(2026, 11, 20, 16, 30, 0).unwrap();
        assert_eq!(
            due_for(sat).day,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn cst_days() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 16, 0, 0).unwrap();
        assert_eq!(cst_date(t), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(cst_day_start(cst_date(t)), t);
    }

    #[test]
    fn counts_per_scope() {
        let mut c = QueueCounts {
            per_kind: vec![(
                AppKind::New,
                KindCounts {
                    open: 3,
                    overdue: 1,
                    ..KindCounts::default()
                },
            )],
            in_review: 2,
            ..QueueCounts::default()
        };
        c.total.add(&c.per_kind[0].1);
        assert_eq!(c.for_scope(Scope::Open, None), 3);
        assert_eq!(c.for_scope(Scope::Overdue, Some(AppKind::New)), 1);
        assert_eq!(c.for_scope(Scope::Open, Some(AppKind::PhotoChange)), 0);
        assert_eq!(c.for_scope(Scope::InReview, Some(AppKind::New)), 2);
    }
}
