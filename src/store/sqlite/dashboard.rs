//! 工作台's numbers. Every statement reads an index or a small aggregate
//! (`queue_counts`, `decision_days`, `decision_reasons`), never a table scan:
//! tests/exchange.rs checks the plans, benches/exchange.rs the time at a
//! million applications.

use super::SqliteTx;
use super::decode::Cols;
use super::error::StoreResult;
use crate::domain::review::AppKind;
use crate::store::dashboard::{Dashboard, DashboardData, DayOutcomes, OverdueRow};
use crate::store::queue::Applications;
use crate::store::queue::QueueClock;
use crate::store::time;
use chrono::{Duration, NaiveDate};
use rusqlite::{OptionalExtension, params};

const MY_TODAY_SQL: &str = "SELECT COUNT(*) FROM decisions \
     WHERE decided_by = ?1 AND decided_at >= ?2 AND decided_at < ?3";

const DAYS_SQL: &str = "SELECT day, outcome, n FROM decision_days WHERE day >= ?1 AND day <= ?2";

const REASONS_SQL: &str = "SELECT reason, SUM(n) FROM decision_reasons \
     WHERE day >= ?1 AND day <= ?2 GROUP BY reason ORDER BY 2 DESC, reason";

const OVERDUE_SQL: &str = "SELECT id, app_no, kind, due_at FROM applications \
     WHERE status = 'pending' AND due_at < ?1 ORDER BY due_at, id LIMIT ?2";

/// Decisions not yet in a confirmed export wait in the export queue.
const UNEXPORTED_SQL: &str = "SELECT COUNT(*) FROM export_pending WHERE stream = 'decisions'";

const OLDEST_UNEXPORTED_SQL: &str = "SELECT d.id, d.decided_at FROM export_pending p \
     JOIN decisions d ON d.id = p.row_id WHERE p.stream = 'decisions' ORDER BY p.row_id LIMIT 1";

const LAST_EXPORT_SQL: &str =
    "SELECT id, at FROM exports WHERE state = 'done' ORDER BY id DESC LIMIT 1";

impl Dashboard for SqliteTx<'_> {
    fn dashboard(&self, clock: &QueueClock, days: u32, overdue: u32) -> StoreResult<DashboardData> {
        let counts = self.queue_counts(clock)?;
        let my_decisions_today = self.q(|c| {
            c.prepare_cached(MY_TODAY_SQL)?.query_row(
                params![
                    clock.clerk,
                    time::format(clock.today_start),
                    time::format(clock.tomorrow_start)
                ],
                |r| r.get(0),
            )
        })?;
        let first = clock.today - Duration::days(i64::from(days.max(1)) - 1);
        let mut per_day: Vec<DayOutcomes> = (0..days.max(1))
            .map(|i| DayOutcomes {
                day: first + Duration::days(i64::from(i)),
                ..DayOutcomes::default()
            })
            .collect();
        let rows: Vec<(String, String, i64)> = self.q(|c| {
            let mut stmt = c.prepare_cached(DAYS_SQL)?;
            let rows = stmt
                .query_map(params![first.to_string(), clock.today.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            rows.collect()
        })?;
        for (day, outcome, n) in rows {
            let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                continue;
            };
            if let Some(slot) = per_day.iter_mut().find(|x| x.day == d) {
                match outcome.as_str() {
                    "approved" => slot.approved += n,
                    _ => slot.returned += n,
                }
            }
        }
        let reasons = self.q(|c| {
            let mut stmt = c.prepare_cached(REASONS_SQL)?;
            let rows = stmt
                .query_map(params![first.to_string(), clock.today.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            rows.collect()
        })?;
        let oldest_overdue = self.q(|c| {
            let mut stmt = c.prepare_cached(OVERDUE_SQL)?;
            let rows = stmt.query_map(params![time::format(clock.today_start), overdue], |r| {
                let c = Cols::new(r, "applications", 0)?;
                Ok(OverdueRow {
                    id: c.id(),
                    app_no: c.get(1)?,
                    kind: c.code(2, "kind", AppKind::from_code)?,
                    due_at: c.time(3, "due_at")?,
                })
            })?;
            rows.collect()
        })?;
        let unexported: i64 = self.q(|c| {
            c.prepare_cached(UNEXPORTED_SQL)?
                .query_row([], |r| r.get(0))
        })?;
        let oldest_unexported = self.q(|c| {
            c.prepare_cached(OLDEST_UNEXPORTED_SQL)?
                .query_row([], |r| Cols::new(r, "decisions", 0)?.time(1, "decided_at"))
                .optional()
        })?;
        let last_export = self.q(|c| {
            c.prepare_cached(LAST_EXPORT_SQL)?
                .query_row([], |r| Cols::new(r, "exports", 0)?.time(1, "at"))
                .optional()
        })?;
        Ok(DashboardData {
            counts,
            my_decisions_today,
            days: per_day,
            reasons,
            oldest_overdue,
            unexported,
            oldest_unexported,
            last_export,
        })
    }

    fn explain_dashboard(&self) -> StoreResult<Vec<(String, Vec<String>)>> {
        let now = "2026-11-20T01:30:00.000Z";
        let queries: [(&str, &str, Vec<rusqlite::types::Value>); 7] = [
            (
                "my decisions today",
                MY_TODAY_SQL,
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
                OVERDUE_SQL,
                vec![now.to_owned().into(), 8.into()],
            ),
            ("unexported head", UNEXPORTED_SQL, vec![]),
            ("oldest unexported", OLDEST_UNEXPORTED_SQL, vec![]),
            ("last export", LAST_EXPORT_SQL, vec![]),
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
