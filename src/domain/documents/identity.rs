//! Resident identity numbers (GB 11643): 18-digit, legacy 15-digit, and the
//! HK/Macao/Taiwan residence permits that share the 18-digit layout.

use chrono::{Datelike, NaiveDate};

use super::checksum::mod11_2;
use super::findings as code;
use super::regions;
use super::result::{CheckResult, DocKind, Fields, Finding, Gender};
use super::rules::{MAX_PLAUSIBLE_AGE, MIN_BIRTH_YEAR, is_province_prefix};

/// Full years between `birth` and `today` (0 if `today` is earlier).
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

fn num(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |acc, &b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

/// Checks a `YYYYMMDD` birth date; records it (and the age) in `fields`.
pub(crate) fn check_birth_date(
    ymd: &[u8],
    today: NaiveDate,
    findings: &mut Vec<Finding>,
    fields: &mut Fields,
) {
    let (y, m, d) = (num(&ymd[0..4]) as i32, num(&ymd[4..6]), num(&ymd[6..8]));
    let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
        findings.push(Finding::error(
            code::BIRTH_DATE_INVALID,
            format!("出生日期 {y:04}-{m:02}-{d:02} 不是真实日期：号码有误，请核对出生日期各位"),
        ));
        return;
    };
    if y < MIN_BIRTH_YEAR {
        findings.push(Finding::error(
            code::BIRTH_DATE_TOO_EARLY,
            format!("出生年份 {y} 早于 {MIN_BIRTH_YEAR} 年：号码有误，请核对出生年份"),
        ));
    } else if date > today {
        findings.push(Finding::error(
            code::BIRTH_DATE_FUTURE,
            format!("出生日期 {date} 晚于今天（{today}）：号码有误，请核对出生日期各位"),
        ));
    } else {
        let age = age_on(date, today);
        if age > MAX_PLAUSIBLE_AGE {
            findings.push(Finding::warning(
                code::AGE_OVER_120,
                format!("按号码计算年龄为 {age} 岁，超过 {MAX_PLAUSIBLE_AGE} 岁：请核对证件原件上的出生日期"),
            ));
        }
        fields.age = Some(age);
    }
    fields.birth_date = Some(date);
}

/// Checks the MOD 11-2 character of an 18-character number.
pub(crate) fn check_mod11_2(n: &[u8], findings: &mut Vec<Finding>) {
    if let Some(expected) = mod11_2(&n[..17])
        && expected != n[17]
    {
        findings.push(Finding::error(
            code::CHECK_DIGIT_MISMATCH,
            format!(
                "校验码（第 18 位）应为 {}，实际为 {}：号码有录入错误或证件不真实，请逐位核对证件原件后重新录入",
                expected as char, n[17] as char
            ),
        ));
    }
}

fn gender_of(order_last: u8) -> Gender {
    if (order_last - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    }
}

/// Resolves a resident address code against the birth year, adding the
/// province / existence / history findings.
fn check_region(
    code6: &str,
    birth_year: Option<i32>,
    findings: &mut Vec<Finding>,
    fields: &mut Fields,
) {
    let pp = num(&code6.as_bytes()[..2]) as u8;
    if !is_province_prefix(pp) {
        findings.push(Finding::error(
            code::PROVINCE_INVALID,
            format!(
                "地址码前两位 {pp:02} 不是有效的省级代码（应为 11–15、21–23、31–37、41–46、50–54、61–65）：号码有误，请核对前 6 位"
            ),
        ));
        return;
    }
    let Some(r) = regions::resolve(code6, birth_year) else {
        findings.push(Finding::error(
            code::REGION_UNKNOWN,
            format!(
                "地址码 {code6} 在 1980 年以来的行政区划代码中从未出现：号码有误，请核对前 6 位"
            ),
        ));
        return;
    };
    region_history_findings(&r, birth_year, findings);
    fields.region = Some(r.info);
}

/// History warnings shared by every kind that carries an address code.
fn region_history_findings(
    r: &regions::Resolved,
    birth_year: Option<i32>,
    findings: &mut Vec<Finding>,
) {
    // Names are only formatted when a warning needs them (the hot path has none).
    let code6 = &r.info.code;
    if r.not_county {
        findings.push(Finding::warning(
            code::REGION_NOT_COUNTY,
            format!(
                "地址码 {code6}（{}）是省级或地级代码而非县级代码：早期证件偶有此情况，请核对证件原件",
                r.info.display_name()
            ),
        ));
    }
    if r.newer_than_year
        && let Some(y) = birth_year
    {
        findings.push(Finding::warning(
            code::REGION_NEWER_THAN_BIRTH,
            format!(
                "地址码 {code6}（{}）自 {} 年启用，晚于出生年份 {y}：可能是该区划设立后首次办证，属可能的正常情况，请核对证件原件",
                r.info.display_name(),
                r.info.start_year
            ),
        ));
    }
    if r.abolished {
        let end = r
            .info
            .end_year
            .map_or_else(String::new, |e| format!("，{e} 年后已撤销"));
        findings.push(Finding::warning(
            code::REGION_ABOLISHED,
            format!(
                "地址码 {code6}（{}）{} 年起使用{end}：身份号码终身不变，旧地址码属正常情况，无需更改，核对证件原件即可",
                r.info.display_name(),
                r.info.start_year
            ),
        ));
    }
}

/// 18-character resident ID or HMT permit (`kind` decides the region rules).
/// `n` is the normalised form, already known to match `[0-9]{17}[0-9X]`.
pub fn check_18(raw: &str, n: String, kind: DocKind, today: NaiveDate) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields::default();
    let b = n.as_bytes();
    check_mod11_2(b, &mut findings);
    check_birth_date(&b[6..14], today, &mut findings, &mut fields);
    fields.gender = Some(gender_of(b[16]));
    let birth_year = fields.birth_date.map(|d| d.year());
    if kind == DocKind::HmtPermit {
        if let Some(r) = regions::resolve(&n[..6], birth_year) {
            fields.region = Some(r.info);
        }
    } else {
        check_region(&n[..6], birth_year, &mut findings, &mut fields);
    }
    CheckResult::new(raw, n, kind, findings, fields)
}

/// Converts a legacy 15-digit number to 18 digits (inserts `19`, appends the
/// check). `None` unless the input is 15 ASCII digits.
pub fn legacy15_to_18(n15: &str) -> Option<String> {
    let b = n15.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut s = String::with_capacity(18);
    s.push_str(&n15[..6]);
    s.push_str("19");
    s.push_str(&n15[6..]);
    let check = mod11_2(s.as_bytes())?;
    s.push(check as char);
    Some(s)
}

/// Legacy 15-digit number: converted and parsed, but never valid as a current document.
pub fn check_legacy15(raw: &str, n: String, today: NaiveDate) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields::default();
    let Some(n18) = legacy15_to_18(&n) else {
        findings.push(Finding::error(
            code::FORMAT_UNRECOGNIZED,
            "15 位旧身份证号码应全部为数字：请核对后重新录入",
        ));
        return CheckResult::new(raw, n, DocKind::ResidentIdLegacy15, findings, fields);
    };
    findings.push(Finding::error(
        code::LEGACY15_NOT_CURRENT,
        format!(
            "15 位旧号码（第一代身份证）自 2013 年 1 月 1 日起停止使用，不能作为现行有效证件：请申请人出示第二代居民身份证。换算后的 18 位号码 {n18} 仅用于匹配旧档案"
        ),
    ));
    let b = n18.as_bytes();
    check_birth_date(&b[6..14], today, &mut findings, &mut fields);
    fields.gender = Some(gender_of(b[16]));
    let birth_year = fields.birth_date.map(|d| d.year());
    check_region(&n18[..6], birth_year, &mut findings, &mut fields);
    fields.converted_18 = Some(n18);
    CheckResult::new(raw, n, DocKind::ResidentIdLegacy15, findings, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_legacy() {
        assert_eq!(
            legacy15_to_18("110101900307001").as_deref(),
            Some("110101199003070011")
        );
        assert_eq!(legacy15_to_18("11010190030700A"), None);
    }

    #[test]
    fn age() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 2, 28)), 25);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 3, 1)), 26);
    }
}
