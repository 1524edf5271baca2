//! The batch's field rules, one home each: text (no control or direction
//! characters, a cap per field), dates inside sane windows, and the closed
//! lists of enumerated values. Every function pushes its problem in Chinese
//! and returns what to store.

use chrono::{Months, NaiveDate};

use super::limits;
use crate::domain::documents::licence::{
    LONG_TERM, LONG_TERM_TEXT, parse_classes, parse_valid_until,
};
use crate::domain::documents::rules::LICENCE_STATUSES;

/// At most 24 characters of a value, for messages (never a whole photo).
pub fn short(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(24)
        .map(|c| if hidden(c) { '\u{FFFD}' } else { c })
        .collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}

/// Characters that are invisible or change how text around them is shown:
/// C0/C1 controls (NUL, tab, newline …), the bidi overrides, embeddings and
/// isolates (U+202A–U+202E, U+2066–U+2069) and marks, zero-width characters,
/// the line/paragraph separators and the byte-order mark.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// A text field: trimmed, 1..=`max` characters, nothing hidden.
pub fn text(value: &str, what: &str, max: usize, errs: &mut Vec<String>) -> String {
    let v = value.trim();
    if let Some(c) = v.chars().find(|&c| hidden(c)) {
        errs.push(format!(
            "{what}含有不可见或控制字符 U+{:04X}（如 NUL、换行、从右向左覆盖）：请按证件重新填写",
            c as u32
        ));
    } else if v.is_empty() {
        errs.push(format!("{what}不能为空"));
    } else if v.chars().count() > max {
        errs.push(format!(
            "{what}长 {} 个字，超过上限 {max} 个字",
            v.chars().count()
        ));
    }
    v.to_owned()
}

/// 受理号 as 12123 issues it: upper-case letters, digits and `-`. A lower-case
/// letter is refused rather than changed: the number the applicant holds
/// must stay the number stored.
pub fn app_no(value: &str, errs: &mut Vec<String>) -> String {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= limits::MAX_APP_NO
        && v.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-');
    if !ok {
        let hint = if v.bytes().any(|c| c.is_ascii_lowercase()) {
            "；含小写字母（12123 受理号为大写，不会代为改写）"
        } else {
            ""
        };
        errs.push(format!(
            "受理号“{}”应为 1–{} 位大写字母、数字或连字符{hint}",
            short(v),
            limits::MAX_APP_NO
        ));
    }
    v.to_owned()
}

/// `YYYY-MM-DD` within `window` (inclusive).
pub fn date_in(
    value: &str,
    what: &str,
    window: (NaiveDate, NaiveDate),
    errs: &mut Vec<String>,
) -> Option<NaiveDate> {
    let Ok(d) = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") else {
        errs.push(format!("{what}“{}”不是 YYYY-MM-DD 日期", short(value)));
        return None;
    };
    if d < window.0 || d > window.1 {
        errs.push(format!("{what} {d} 不在 {} 至 {} 之间", window.0, window.1));
        return None;
    }
    Some(d)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Submission dates: 2000-01-01 to tomorrow (clocks drift; a batch from the
/// future or from year 0000 is a broken batch).
pub fn submission_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        ymd(limits::SUBMITTED_FROM_YEAR, 1, 1),
        today.succ_opt().unwrap_or(today),
    )
}

/// A licence's first day: 1950 to today.
pub fn valid_from_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (ymd(limits::LICENCE_FROM_YEAR, 1, 1), today)
}

/// Photo-change dates: as submissions, but never after today.
pub fn past_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (ymd(limits::SUBMITTED_FROM_YEAR, 1, 1), today)
}

/// A licence's end: after `from`, at most [`limits::MAX_LICENCE_YEARS`] later,
/// or 长期. Without `from` (an issued e-licence) the end must lie between
/// 1950 and that many years from today.
pub fn valid_until(
    value: &str,
    what: &str,
    from: Option<NaiveDate>,
    today: NaiveDate,
    errs: &mut Vec<String>,
) -> Option<NaiveDate> {
    let Some(d) = parse_valid_until(value) else {
        errs.push(format!(
            "{what}“{}”应为 YYYY-MM-DD 日期或“{LONG_TERM_TEXT}”",
            short(value)
        ));
        return None;
    };
    if d == LONG_TERM {
        return Some(d);
    }
    let years = Months::new(12 * limits::MAX_LICENCE_YEARS);
    let (low, high) = match from {
        Some(f) => (f.succ_opt().unwrap_or(f), f.checked_add_months(years)),
        None => (
            ymd(limits::LICENCE_FROM_YEAR, 1, 1),
            today.checked_add_months(years),
        ),
    };
    let high = high.unwrap_or(low);
    if d < low || d > high {
        let rule = match from {
            Some(f) => format!(
                "应晚于有效期起 {f}，且至多 {} 年（或“{LONG_TERM_TEXT}”）",
                limits::MAX_LICENCE_YEARS
            ),
            None => format!("应在 {low} 至 {high} 之间（或“{LONG_TERM_TEXT}”）"),
        };
        errs.push(format!("{what} {d} 不合理：{rule}"));
        return None;
    }
    Some(d)
}

/// Licence status letters (GA/T 16.25), each from the closed list; a
/// blocking letter is the reviewer's business, an unknown one a broken batch.
pub fn licence_status(value: &str, errs: &mut Vec<String>) -> String {
    let v = value.trim();
    let known = |c: char| LICENCE_STATUSES.iter().any(|(l, _)| *l == c);
    let mut seen = Vec::new();
    let ok = !v.is_empty()
        && v.len() <= limits::MAX_STATUS_LETTERS
        && v.chars().all(|c| {
            let fresh = !seen.contains(&c);
            seen.push(c);
            known(c) && fresh
        });
    if !ok {
        let letters: String = LICENCE_STATUSES.iter().map(|(l, _)| *l).collect();
        errs.push(format!(
            "驾驶证状态“{}”应为 1–{} 个不重复的状态字母，取自 {letters}",
            short(v),
            limits::MAX_STATUS_LETTERS
        ));
    }
    v.to_owned()
}

/// 准驾车型 such as `C1` or `A2D`, from the closed list.
pub fn classes(value: &str, what: &str, errs: &mut Vec<String>) -> String {
    let v = text(value, what, limits::MAX_CLASSES_CHARS, errs);
    if !v.is_empty()
        && v.chars().count() <= limits::MAX_CLASSES_CHARS
        && let Err(f) = parse_classes(&v)
    {
        errs.push(format!("{what}：{}", f.message));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        ymd(2026, 11, 20)
    }

    #[test]
    fn hidden_characters_and_caps() {
        for bad in [
            "王\0伟",
            "王\u{202E}伟",
            "王\u{2066}伟",
            "王\n伟",
            "王\u{200B}伟",
        ] {
            let mut e = Vec::new();
            text(bad, "姓名", 50, &mut e);
            assert!(e[0].contains("不可见或控制字符"), "{bad:?}: {e:?}");
        }
        let mut e = Vec::new();
        text(&"王".repeat(51), "姓名", 50, &mut e);
        assert!(e[0].contains("超过上限 50"), "{e:?}");
        let mut e = Vec::new();
        assert_eq!(text(" 王伟 ", "姓名", 50, &mut e), "王伟");
        assert!(e.is_empty());
        // Messages never echo a hidden character.
        assert!(!short("a\u{202E}b").contains('\u{202E}'));
    }

    #[test]
    fn application_numbers_are_upper_case() {
        let mut e = Vec::new();
        app_no("SL2026-0001", &mut e);
        assert!(e.is_empty());
        app_no("sl20260001", &mut e);
        assert!(e[0].contains("小写"), "{e:?}");
    }

    #[test]
    fn date_windows() {
        let mut e = Vec::new();
        let w = submission_window(today());
        assert!(date_in("2026-11-21", "提交", w, &mut e).is_some());
        assert!(date_in("2026-11-22", "提交", w, &mut e).is_none());
        assert!(date_in("1999-12-31", "提交", w, &mut e).is_none());
        let from = ymd(2020, 1, 1);
        assert!(valid_until("2031-01-01", "止", Some(from), today(), &mut e).is_some());
        assert!(valid_until("2031-01-02", "止", Some(from), today(), &mut e).is_none());
        assert!(valid_until("2020-01-01", "止", Some(from), today(), &mut e).is_none());
        assert!(valid_until("9999-12-31", "止", Some(from), today(), &mut e).is_none());
        assert_eq!(
            valid_until("长期", "止", Some(from), today(), &mut e),
            Some(LONG_TERM)
        );
        assert!(date_in("1949-12-31", "起", valid_from_window(today()), &mut e).is_none());
    }

    #[test]
    fn closed_lists() {
        let mut e = Vec::new();
        licence_status("AH", &mut e);
        classes("C1E", "准驾车型", &mut e);
        assert!(e.is_empty(), "{e:?}");
        licence_status("QZ", &mut e);
        licence_status("AA", &mut e);
        classes("C9", "准驾车型", &mut e);
        assert_eq!(e.len(), 3, "{e:?}");
    }
}
