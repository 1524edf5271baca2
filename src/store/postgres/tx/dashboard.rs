//! 工作台's numbers on the server. Every statement reads an index or a
//! small tally (`queue_counts`, `decision_days`, `decision_reasons`, kept
//! per connection slot and summed here), never a table scan.

use super::{Params, PgTx};
use crate::store::StoreError;
use crate::store::dashboard::{Dashboard, DashboardData};
use crate::store::queue::{Applications, QueueClock};
use crate::store::sql::dashboard::{
    LAST_EXPORT, MY_TODAY, OLDEST_UNEXPORTED, OVERDUE, UNEXPORTED, first_day, overdue_row, per_day,
};
use crate::store::sql::pg;
use crate::store::time;

const DAYS_SQL: &str = "SELECT day, outcome, sum(n)::bigint FROM decision_days \
     WHERE day >= $1 AND day <= $2 GROUP BY day, outcome";

const REASONS_SQL: &str = "SELECT reason, sum(n)::bigint FROM decision_reasons \
     WHERE day >= $1 AND day <= $2 GROUP BY reason \
     ORDER BY 2 DESC, reason COLLATE \"C\"";

impl Dashboard for PgTx<'_> {
    fn dashboard(
        &self,
        clock: &QueueClock,
        days: u32,
        overdue: u32,
    ) -> Result<DashboardData, StoreError> {
        let first = first_day(clock.today, days);
        let range = [first.to_string(), clock.today.to_string()];
        let range: &Params<'_> = &[&range[0], &range[1]];
        let tallies = self
            .rows(DAYS_SQL, range)?
            .iter()
            .map(|r| Ok((self.get(r, 0)?, self.get(r, 1)?, self.get(r, 2)?)))
            .collect::<Result<_, StoreError>>()?;
        let today = [
            time::format(clock.today_start),
            time::format(clock.tomorrow_start),
        ];
        let before = time::format(clock.today_start);
        Ok(DashboardData {
            counts: self.queue_counts(clock)?,
            my_decisions_today: self
                .scalar(&pg(MY_TODAY), &[&clock.clerk, &today[0], &today[1]])?,
            days: per_day(first, days, tallies),
            reasons: self
                .rows(REASONS_SQL, range)?
                .iter()
                .map(|r| Ok((self.get(r, 0)?, self.get(r, 1)?)))
                .collect::<Result<_, StoreError>>()?,
            oldest_overdue: self
                .rows(&pg(OVERDUE), &[&before, &i64::from(overdue)])?
                .iter()
                .map(|r| overdue_row(self.row(r)))
                .collect::<Result<_, StoreError>>()?,
            unexported: self.scalar(UNEXPORTED, &[])?,
            oldest_unexported: self
                .opt(OLDEST_UNEXPORTED, &[])?
                .map(|r| self.cols(&r, "decisions", 0)?.time(1, "decided_at"))
                .transpose()?,
            last_export: self
                .opt(LAST_EXPORT, &[])?
                .map(|r| self.cols(&r, "exports", 0)?.time(1, "at"))
                .transpose()?,
        })
    }

    fn explain_dashboard(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let now = "2026-11-20T01:30:00.000Z";
        let (from, to) = ("2026-11-07", "2026-11-20");
        Ok(vec![
            (
                "my decisions today".into(),
                self.explain(&pg(MY_TODAY), &[&1i64, &now, &now])?,
            ),
            ("days".into(), self.explain(DAYS_SQL, &[&from, &to])?),
            ("reasons".into(), self.explain(REASONS_SQL, &[&from, &to])?),
            (
                "oldest overdue".into(),
                self.explain(&pg(OVERDUE), &[&now, &8i64])?,
            ),
            ("unexported head".into(), self.explain(UNEXPORTED, &[])?),
            (
                "oldest unexported".into(),
                self.explain(OLDEST_UNEXPORTED, &[])?,
            ),
            ("last export".into(), self.explain(LAST_EXPORT, &[])?),
        ])
    }
}
