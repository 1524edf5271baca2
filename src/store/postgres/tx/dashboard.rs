//! 工作台's numbers on the server. Every statement reads an index or a
//! small tally (`queue_counts`, `decision_days`, `decision_reasons`, kept
//! per connection slot and summed here), never a table scan.

use chrono::{Duration, NaiveDate};

use super::PgTx;
use crate::domain::review::AppKind;
use crate::store::StoreError;
use crate::store::dashboard::{Dashboard, DashboardData, DayOutcomes, OverdueRow};
use crate::store::queue::{Applications, QueueClock};
use crate::store::time;

const MY_TODAY_SQL: &str = "SELECT count(*) FROM decisions \
     WHERE decided_by = $1 AND decided_at >= $2 AND decided_at < $3";

const DAYS_SQL: &str = "SELECT day, outcome, sum(n)::bigint FROM decision_days \
     WHERE day >= $1 AND day <= $2 GROUP BY day, outcome";

const REASONS_SQL: &str = "SELECT reason, sum(n)::bigint FROM decision_reasons \
     WHERE day >= $1 AND day <= $2 GROUP BY reason \
     ORDER BY 2 DESC, reason COLLATE \"C\"";

const OVERDUE_SQL: &str = "SELECT id, app_no, kind, due_at FROM applications \
     WHERE status = 'pending' AND due_at < $1 ORDER BY due_at, id LIMIT $2";

/// Decisions not yet in a confirmed export wait in the export queue.
const UNEXPORTED_SQL: &str = "SELECT count(*) FROM export_pending WHERE stream = 'decisions'";

const OLDEST_UNEXPORTED_SQL: &str = "SELECT d.id, d.decided_at FROM export_pending p \
     JOIN decisions d ON d.id = p.row_id WHERE p.stream = 'decisions' \
     ORDER BY p.row_id LIMIT 1";

const LAST_EXPORT_SQL: &str =
    "SELECT id, at FROM exports WHERE state = 'done' ORDER BY id DESC LIMIT 1";

impl Dashboard for PgTx<'_> {
    fn dashboard(
        &self,
        clock: &QueueClock,
        days: u32,
        overdue: u32,
    ) -> Result<DashboardData, StoreError> {
        let counts = self.queue_counts(clock)?;
        let my_decisions_today = self.scalar(
            MY_TODAY_SQL,
            &[
                &clock.clerk,
                &time::format(clock.today_start),
                &time::format(clock.tomorrow_start),
            ],
        )?;
        let first = clock.today - Duration::days(i64::from(days.max(1)) - 1);
        let mut per_day: Vec<DayOutcomes> = (0..days.max(1))
            .map(|i| DayOutcomes {
                day: first + Duration::days(i64::from(i)),
                ..DayOutcomes::default()
            })
            .collect();
        let range = [first.to_string(), clock.today.to_string()];
        for r in self.rows(DAYS_SQL, &[&range[0], &range[1]])? {
            let (day, outcome, n): (String, String, i64) =
                (self.get(&r, 0)?, self.get(&r, 1)?, self.get(&r, 2)?);
            // As on SQLite: a tally row of a day that does not parse is
            // left out (the tallies are derived, the decisions are not).
            let Ok(d) = day.parse::<NaiveDate>() else {
                continue;
            };
            if let Some(slot) = per_day.iter_mut().find(|x| x.day == d) {
                match outcome.as_str() {
                    "approved" => slot.approved += n,
                    _ => slot.returned += n,
                }
            }
        }
        let reasons = self
            .rows(REASONS_SQL, &[&range[0], &range[1]])?
            .iter()
            .map(|r| Ok((self.get(r, 0)?, self.get(r, 1)?)))
            .collect::<Result<_, StoreError>>()?;
        let oldest_overdue = self
            .rows(
                OVERDUE_SQL,
                &[&time::format(clock.today_start), &i64::from(overdue)],
            )?
            .iter()
            .map(|r| {
                let c = self.cols(r, "applications", 0)?;
                Ok(OverdueRow {
                    id: c.id(),
                    app_no: c.get(1)?,
                    kind: c.code(2, "kind", AppKind::from_code)?,
                    due_at: c.time(3, "due_at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let unexported = self.scalar(UNEXPORTED_SQL, &[])?;
        let oldest_unexported = self
            .opt(OLDEST_UNEXPORTED_SQL, &[])?
            .map(|r| self.cols(&r, "decisions", 0)?.time(1, "decided_at"))
            .transpose()?;
        let last_export = self
            .opt(LAST_EXPORT_SQL, &[])?
            .map(|r| self.cols(&r, "exports", 0)?.time(1, "at"))
            .transpose()?;
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

    fn explain_dashboard(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let now = "2026-11-20T01:30:00.000Z";
        let (from, to) = ("2026-11-07", "2026-11-20");
        Ok(vec![
            (
                "my decisions today".into(),
                self.explain(MY_TODAY_SQL, &[&1i64, &now, &now])?,
            ),
            ("days".into(), self.explain(DAYS_SQL, &[&from, &to])?),
            ("reasons".into(), self.explain(REASONS_SQL, &[&from, &to])?),
            (
                "oldest overdue".into(),
                self.explain(OVERDUE_SQL, &[&now, &8i64])?,
            ),
            ("unexported head".into(), self.explain(UNEXPORTED_SQL, &[])?),
            (
                "oldest unexported".into(),
                self.explain(OLDEST_UNEXPORTED_SQL, &[])?,
            ),
            ("last export".into(), self.explain(LAST_EXPORT_SQL, &[])?),
        ])
    }
}
