//! 工作台's numbers: the statements both backends run as they are, the
//! decoder of an overdue row, and the days folded from the tally rows.

use chrono::{Duration, NaiveDate};

use super::row::{Cols, RowGet, parse_day};
use crate::domain::review::AppKind;
use crate::store::dashboard::{DayOutcomes, OverdueRow};

pub const MY_TODAY: &str = "SELECT count(*) FROM decisions \
    WHERE decided_by = ?1 AND decided_at >= ?2 AND decided_at < ?3";

/// The oldest overdue applications ([`overdue_row`] reads them).
pub const OVERDUE: &str = "SELECT id, app_no, kind, due_at FROM applications \
    WHERE status = 'pending' AND due_at < ?1 ORDER BY due_at, id LIMIT ?2";

/// Decisions not yet in a confirmed export wait in the export queue.
pub const UNEXPORTED: &str = "SELECT count(*) FROM export_pending WHERE stream = 'decisions'";

pub const OLDEST_UNEXPORTED: &str = "SELECT d.id, d.decided_at FROM export_pending p \
    JOIN decisions d ON d.id = p.row_id WHERE p.stream = 'decisions' \
    ORDER BY p.row_id LIMIT 1";

pub const LAST_EXPORT: &str =
    "SELECT id, at FROM exports WHERE state = 'done' ORDER BY id DESC LIMIT 1";

/// One row of [`OVERDUE`].
pub fn overdue_row<R: RowGet>(r: R) -> Result<OverdueRow, R::Error> {
    let c = Cols::new(r, "applications", 0)?;
    Ok(OverdueRow {
        id: c.id(),
        app_no: c.get(1)?,
        kind: c.code(2, "kind", AppKind::from_code)?,
        due_at: c.time(3, "due_at")?,
    })
}

/// The first of `days` days ending `today` (at least one).
pub fn first_day(today: NaiveDate, days: u32) -> NaiveDate {
    today - Duration::days(i64::from(days.max(1)) - 1)
}

/// The days from `first`, `days` of them, with the tally rows (day,
/// outcome, count) added in. A tally row of a day that does not parse is
/// left out: the tallies are derived, the decisions are not.
pub fn per_day(
    first: NaiveDate,
    days: u32,
    tallies: Vec<(String, String, i64)>,
) -> Vec<DayOutcomes> {
    let mut out: Vec<DayOutcomes> = (0..days.max(1))
        .map(|i| DayOutcomes {
            day: first + Duration::days(i64::from(i)),
            ..DayOutcomes::default()
        })
        .collect();
    for (day, outcome, n) in tallies {
        let Some(d) = parse_day(&day) else {
            continue;
        };
        if let Some(slot) = out.iter_mut().find(|x| x.day == d) {
            match outcome.as_str() {
                "approved" => slot.approved += n,
                _ => slot.returned += n,
            }
        }
    }
    out
}
