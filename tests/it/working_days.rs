//! Holiday data against the published 2026 schedule (documents.md §7).

use chrono::{Datelike, NaiveDate, Weekday};
use counterdesk::domain::documents::findings as code;
use counterdesk::domain::documents::holidays::{
    add_working_days, data_years, is_working_day, review_deadline,
};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

#[test]
fn one_working_day_after_national_day_eve() {
    let r = add_working_days(d(9, 30), 1);
    assert_eq!(r.value, d(10, 8));
    assert!(!r.beyond_data);
    assert_eq!(add_working_days(d(9, 30), 0).value, d(9, 30));
    assert_eq!(add_working_days(d(10, 8), 2).value, d(10, 10)); // Saturday make-up day
}

#[test]
fn whole_2026_schedule() {
    let holidays: Vec<(u32, u32, u32)> = vec![
        (1, 1, 3),
        (2, 15, 23),
        (4, 4, 6),
        (5, 1, 5),
        (6, 19, 21),
        (9, 25, 27),
        (10, 1, 7),
    ];
    let workdays = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)];
    let is_holiday = |date: NaiveDate| {
        holidays
            .iter()
            .any(|&(m, a, b)| date.month() == m && (a..=b).contains(&date.day()))
    };
    let is_makeup = |date: NaiveDate| workdays.iter().any(|&(m, day)| date == d(m, day));
    let mut date = d(1, 1);
    let mut statutory_weekdays = 0;
    while date.year() == 2026 {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let expected = if is_holiday(date) {
            false
        } else if is_makeup(date) {
            true
        } else {
            !weekend
        };
        let got = is_working_day(date);
        assert_eq!(got.value, expected, "{date}");
        assert!(!got.beyond_data);
        if is_holiday(date) && !weekend {
            statutory_weekdays += 1;
        }
        date = date.succ_opt().unwrap();
    }
    assert!(statutory_weekdays > 0);
}

#[test]
fn review_deadline_is_end_of_next_working_day() {
    let at = d(9, 30).and_hms_opt(16, 45, 0).unwrap();
    let r = review_deadline(at);
    assert_eq!(r.value, d(10, 8).and_hms_opt(23, 59, 59).unwrap());
    assert!(r.warning().is_none());
    // Friday → Monday.
    let r = review_deadline(d(11, 20).and_hms_opt(9, 0, 0).unwrap());
    assert_eq!(r.value.date(), d(11, 23));
}

#[test]
fn past_the_data_warns_instead_of_guessing_silently() {
    let (_, last) = data_years();
    let late = NaiveDate::from_ymd_opt(last + 1, 3, 2).unwrap();
    let r = is_working_day(late);
    assert!(r.beyond_data);
    assert_eq!(r.warning().unwrap().code, code::HOLIDAY_DATA_MISSING);
    let r = add_working_days(NaiveDate::from_ymd_opt(last, 12, 31).unwrap(), 1);
    assert!(r.beyond_data);
    assert_eq!(r.value.year(), last + 1);
    // Far future and the end of chrono's range do not panic.
    let _ = add_working_days(NaiveDate::MAX, 3);
    let _ = review_deadline(NaiveDate::MAX.and_hms_opt(12, 0, 0).unwrap());
}
