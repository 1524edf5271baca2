//! Foreign permanent-resident ID cards: the 2023 18-digit card and the old
//! 15-character card (documents.md §1.4, secondary sources).

use chrono::NaiveDate;

use super::findings as code;
use super::identity::{age_on, check_birth_date, check_mod11_2};
use super::regions;
use super::result::{CheckResult, DocKind, Fields, Finding, Gender};
use super::rules::is_province_prefix;

/// New card: `9` + province + ISO numeric nationality + birth date + order + MOD 11-2.
/// `n` already matches `9[0-9]{16}[0-9X]`.
pub fn check_new(raw: &str, n: String, today: NaiveDate) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields::default();
    let b = n.as_bytes();
    check_mod11_2(b, &mut findings);
    let pp = (b[1] - b'0') * 10 + (b[2] - b'0');
    if is_province_prefix(pp) {
        fields.region = regions::resolve(&format!("{pp:02}0000"), None).map(|r| r.info);
    } else {
        findings.push(Finding::error(
            code::FOREIGN_PR_PROVINCE_INVALID,
            format!("第 2–3 位受理地省级代码 {pp:02} 无效：号码有误，请核对证件原件"),
        ));
    }
    if &n[3..6] == "000" {
        findings.push(Finding::error(
            code::FOREIGN_PR_NATIONALITY_INVALID,
            "第 4–6 位国籍代码 000 无效：号码有误，请核对证件原件",
        ));
    }
    fields.nationality_code = Some(n[3..6].to_owned());
    check_birth_date(&b[6..14], today, &mut findings, &mut fields);
    fields.gender = Some(if (b[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    });
    CheckResult::new(raw, n, DocKind::ForeignPr, findings, fields)
}

/// Old card: alpha-3 nationality + 4-digit office + `YYMMDD` + 2 digits.
/// No public check algorithm, so only the format and the date are checked.
/// `n` already matches `[A-Z]{3}[0-9]{12}`.
pub fn check_legacy(raw: &str, n: String, today: NaiveDate) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields {
        nationality_code: Some(n[..3].to_owned()),
        ..Fields::default()
    };
    let digits = |r: std::ops::Range<usize>| n[r].parse::<u32>().unwrap_or(0);
    let (yy, mm, dd) = (digits(7..9) as i32, digits(9..11), digits(11..13));
    // The card has no century: take the latest date that is not after today.
    let date = [2000 + yy, 1900 + yy]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, mm, dd))
        .find(|d| *d <= today);
    match date {
        Some(d) => {
            fields.birth_date = Some(d);
            fields.age = Some(age_on(d, today));
        }
        None => findings.push(Finding::error(
            code::BIRTH_DATE_INVALID,
            format!(
                "第 8–13 位出生日期 {yy:02}{mm:02}{dd:02} 不是真实日期：号码有误，请核对证件原件"
            ),
        )),
    }
    findings.push(Finding::warning(
        code::FOREIGN_PR_LEGACY_NO_CHECK,
        "旧版外国人永久居留证没有公开的校验算法，只核对了格式和出生日期：请核对证件原件",
    ));
    CheckResult::new(raw, n, DocKind::ForeignPrLegacy, findings, fields)
}
