//! Working days: Monday–Friday unless a statutory holiday, plus weekend days
//! declared make-up working days (调休上班). Data: assets/holidays/cn-holidays.tsv.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::findings as code;
use super::result::Finding;

static DATA: &str = include_str!("../../../assets/holidays/cn-holidays.tsv");

/// How the schedule marks a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMark {
    Holiday,
    MakeUpWorkday,
}

struct Schedule {
    marks: HashMap<NaiveDate, DayMark>,
    first_year: i32,
    last_year: i32,
}

fn schedule() -> &'static Schedule {
    static S: OnceLock<Schedule> = OnceLock::new();
    S.get_or_init(|| parse(DATA))
}

fn parse(text: &str) -> Schedule {
    let mut marks = HashMap::new();
    let (mut first_year, mut last_year) = (i32::MAX, i32::MIN);
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#years\t") {
            let mut it = rest
                .split('\t')
                .filter_map(|y| y.trim().parse::<i32>().ok());
            if let (Some(a), Some(b)) = (it.next(), it.next()) {
                first_year = a;
                last_year = b;
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(date), Some(kind)) = (cols.next(), cols.next()) else {
            continue;
        };
        let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            continue;
        };
        let mark = match kind {
            "holiday" => DayMark::Holiday,
            "workday" => DayMark::MakeUpWorkday,
            _ => continue,
        };
        first_year = first_year.min(date.year());
        last_year = last_year.max(date.year());
        marks.insert(date, mark);
    }
    Schedule {
        marks,
        first_year,
        last_year,
    }
}

/// Years the bundled schedule covers (inclusive).
pub fn data_years() -> (i32, i32) {
    let s = schedule();
    (s.first_year, s.last_year)
}

/// An answer plus whether any date it depends on lies outside the data, in
/// which case weekends-only was assumed and the clerk must be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated<T> {
    pub value: T,
    pub beyond_data: bool,
}

impl<T> Dated<T> {
    /// The warning to show when the answer is an estimate.
    pub fn warning(&self) -> Option<Finding> {
        self.beyond_data.then(|| {
            let (a, b) = data_years();
            Finding::warning(
                code::HOLIDAY_DATA_MISSING,
                format!(
                    "节假日数据只覆盖 {a}–{b} 年，超出部分按周一至周五估算，未计法定节假日和调休：请更新节假日数据（tools/holidays）后再确认期限"
                ),
            )
        })
    }
}

fn covered(date: NaiveDate) -> bool {
    let s = schedule();
    (s.first_year..=s.last_year).contains(&date.year())
}

fn working(date: NaiveDate) -> bool {
    match schedule().marks.get(&date) {
        Some(DayMark::Holiday) => false,
        Some(DayMark::MakeUpWorkday) => true,
        None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// Whether `date` is a working day.
pub fn is_working_day(date: NaiveDate) -> Dated<bool> {
    Dated {
        value: working(date),
        beyond_data: !covered(date),
    }
}

/// The `n`-th working day after `date` (`n = 0` → `date` itself).
/// Saturates at chrono's maximum date rather than panicking.
pub fn add_working_days(date: NaiveDate, n: u32) -> Dated<NaiveDate> {
    let mut d = date;
    let mut beyond = false;
    let mut left = n;
    while left > 0 {
        let Some(next) = d.checked_add_days(Days::new(1)) else {
            break;
        };
        d = next;
        beyond |= !covered(d);
        if working(d) {
            left -= 1;
        }
    }
    Dated {
        value: d,
        beyond_data: beyond,
    }
}

/// "Due within 1 working day": the end (23:59:59) of the next working day
/// after the submission date.
pub fn review_deadline(submitted_at: NaiveDateTime) -> Dated<NaiveDateTime> {
    let day = add_working_days(submitted_at.date(), 1);
    let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    Dated {
        value: day.value.and_time(end),
        beyond_data: day.beyond_data || !covered(submitted_at.date()),
    }
}
