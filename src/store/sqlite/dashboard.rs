//! 工作台's numbers. Every statement reads an index or a small aggregate
//! (`queue_counts`, `decision_days`, `decision_reasons`), never a table scan:
//! tests/exchange.rs checks the plans, benches/exchange.rs the time at a
//! million applications.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::store::dashboard::{Dashboard, DashboardData};
use crate::store::queue::Applications;
use crate::store::queue::QueueClock;
use crate::store::sql::dashboard::{
    LAST_EXPORT, MY_TODAY, OLDEST_UNEXPORTED, OVERDUE, UNEXPORTED, first_day, overdue_row, per_day,
};
use crate::store::time;
use rusqlite::{OptionalExtension, params};

const DAYS_SQL: &str = "SELECT day, outcome, n FROM decision_days WHERE day >= ?1 AND day <= ?2";

const REASONS_SQL: &str = "SELECT reason, SUM(n) FROM decision_reasons \
     WHERE day >= ?1 AND day <= ?2 GROUP BY reason ORDER BY 2 DESC, reason";

impl Dashboard for SqliteTx<'_> {
    fn dashboard(&self, clock: &QueueClock, days: u32, overdue: u32) -> StoreResult<DashboardData> {
        let first = first_day(clock.today, days);
        let range = params![first.to_string(), clock.today.to_string()];
        let tallies = self.q(|c| {
            let mut stmt = c.prepare_cached(DAYS_SQL)?;
            let rows = stmt.query_map(range, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })?;
        Ok(DashboardData {
            counts: self.queue_counts(clock)?,
            my_decisions_today: self.q(|c| {
                let today = params![
                    clock.clerk,
                    time::format(clock.today_start),
                    time::format(clock.tomorrow_start)
                ];
                c.prepare_cached(MY_TODAY)?.query_row(today, |r| r.get(0))
            })?,
            days: per_day(first, days, tallies),
            reasons: self.q(|c| {
                let mut stmt = c.prepare_cached(REASONS_SQL)?;
                let rows = stmt.query_map(range, |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect()
            })?,
            oldest_overdue: self.q(|c| {
                let mut stmt = c.prepare_cached(OVERDUE)?;
                let before = params![time::format(clock.today_start), overdue];
                let rows = stmt.query_map(before, |r| overdue_row(r))?;
                rows.collect()
            })?,
            unexported: self.q(|c| c.prepare_cached(UNEXPORTED)?.query_row([], |r| r.get(0)))?,
            oldest_unexported: self.q(|c| {
                c.prepare_cached(OLDEST_UNEXPORTED)?
                    .query_row([], |r| Cols::new(r, "decisions", 0)?.time(1, "decided_at"))
                    .optional()
            })?,
            last_export: self.q(|c| {
                c.prepare_cached(LAST_EXPORT)?
                    .query_row([], |r| Cols::new(r, "exports", 0)?.time(1, "at"))
                    .optional()
            })?,
        })
    }

    fn explain_dashboard(&self) -> StoreResult<Vec<(String, Vec<String>)>> {
        let now = "2026-11-20T01:30:00.000Z";
        let queries: [(&str, &str, Vec<rusqlite::types::Value>); 7] = [
            (
                "my decisions today",
                MY_TODAY,
                vec![1.into(), now.to_owned().into(), now.to_owned().into()],
            ),
            (
                "days",
                DAYS_SQL,
                vec![
                    "2026-11-07".to_owned().into(),
                    "2026-11-20".to_owned().into(),
                ],
            ),
            (
                "reasons",
                REASONS_SQL,
                vec![
                    "2026-11-07".to_owned().into(),
                    "2026-11-20".to_owned().into(),
                ],
            ),
            (
                "oldest overdue",
                OVERDUE,
                vec![now.to_owned().into(), 8.into()],
            ),
            ("unexported head", UNEXPORTED, vec![]),
            ("oldest unexported", OLDEST_UNEXPORTED, vec![]),
            ("last export", LAST_EXPORT, vec![]),
        ];
        let mut out = Vec::new();
        for (name, sql, p) in queries {
            let lines = self.q(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows =
                    stmt.query_map(rusqlite::params_from_iter(p), |r| r.get::<_, String>(3))?;
                rows.collect::<rusqlite::Result<Vec<String>>>()
            })?;
            out.push((name.to_owned(), lines));
        }
        Ok(out)
    }
}
