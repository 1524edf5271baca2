//! Driving licences: status letters, e-licence eligibility, 准驾车型, 档案编号.

use super::findings as code;
use super::normalize::normalize;
use super::result::Finding;
use super::rules::{
    ARCHIVE_NUMBER_LEN, ELICENCE_ALLOWED, ELICENCE_ARTICLE, ELICENCE_ARTICLE_WORDING,
    ELICENCE_EXTENSION, LICENCE_CLASSES, LICENCE_STATUSES,
};

/// A 长期 (long-term) licence's end date. A holder who renewed twice gets a
/// licence without an end date; in memory that is the latest date, so every
/// "still valid?" comparison holds, and it is written and shown as 长期.
pub const LONG_TERM: chrono::NaiveDate = chrono::NaiveDate::MAX;
/// How 长期 is written in batches, the database and on screen.
pub const LONG_TERM_TEXT: &str = "长期";

/// `YYYY-MM-DD` or 长期.
pub fn parse_valid_until(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    if s == LONG_TERM_TEXT {
        return Some(LONG_TERM);
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The inverse of [`parse_valid_until`].
pub fn valid_until_text(d: chrono::NaiveDate) -> String {
    if d == LONG_TERM {
        LONG_TERM_TEXT.to_owned()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// Chinese name of a GA/T 16.25 status letter.
pub fn status_name(letter: char) -> Option<&'static str> {
    LICENCE_STATUSES
        .iter()
        .find(|(l, _)| *l == letter)
        .map(|(_, n)| *n)
}

/// Whether an e-licence may be applied for, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ELicenceDecision {
    pub allowed: bool,
    /// Each letter with its name (`None` = unknown letter).
    pub statuses: Vec<(char, Option<&'static str>)>,
    /// Errors block; warnings inform.
    pub findings: Vec<Finding>,
}

/// Shown name of a status in messages (J is announced publicly).
fn shown(letter: char, name: &'static str) -> &'static str {
    if letter == 'J' {
        "公告停止使用"
    } else {
        name
    }
}

/// Decides e-licence eligibility from a status string such as `A`, `HM`.
pub fn e_licence_eligibility(status: &str) -> ELicenceDecision {
    let n = normalize(status);
    let mut findings = Vec::new();
    let statuses: Vec<(char, Option<&'static str>)> =
        n.chars().map(|c| (c, status_name(c))).collect();
    if statuses.is_empty() {
        findings.push(Finding::error(
            code::LICENCE_STATUS_EMPTY,
            "驾驶证状态为空：请在系统中重新查询驾驶证状态后再办理",
        ));
    }
    for &(letter, name) in &statuses {
        match name {
            None => findings.push(Finding::error(
                code::LICENCE_STATUS_UNKNOWN,
                format!("驾驶证状态「{}」含未知状态字母「{letter}」，不能申领电子驾驶证：请联系系统管理员核实", status.trim()),
            )),
            Some(_) if ELICENCE_ALLOWED.contains(&letter) => {}
            Some(name) if ELICENCE_EXTENSION.contains(&letter) => findings.push(Finding::warning(
                code::LICENCE_STATUS_EXTENSION,
                format!("驾驶证状态为「{name}」：延期期内视同正常，可以申领；请提醒申请人在延期届满前办理"),
            )),
            Some(name) if ELICENCE_ARTICLE.contains(&letter) => findings.push(Finding::error(
                code::LICENCE_STATUS_ABNORMAL,
                format!("驾驶证状态为「{}」，{ELICENCE_ARTICLE_WORDING}", shown(letter, name)),
            )),
            Some(name) => findings.push(Finding::error(
                code::LICENCE_STATUS_BLOCKS,
                format!("驾驶证状态为「{name}」，不能申领电子驾驶证：请申请人先到驾驶证业务窗口处理"),
            )),
        }
    }
    let allowed = findings
        .iter()
        .all(|f| f.severity == super::result::Severity::Warning);
    ELicenceDecision {
        allowed,
        statuses,
        findings,
    }
}

/// One 准驾车型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceClass(usize);

impl LicenceClass {
    pub fn from_code(code: &str) -> Option<Self> {
        LICENCE_CLASSES
            .iter()
            .position(|(c, _, _)| *c == code)
            .map(LicenceClass)
    }
    pub fn code(self) -> &'static str {
        LICENCE_CLASSES[self.0].0
    }
    pub fn name(self) -> &'static str {
        LICENCE_CLASSES[self.0].1
    }
    /// Classes this one also permits (not including itself).
    pub fn covers(self) -> Vec<LicenceClass> {
        LICENCE_CLASSES[self.0]
            .2
            .iter()
            .filter_map(|c| LicenceClass::from_code(c))
            .collect()
    }
}

/// Parses a class string such as `C1E` or `A2D` greedily
/// (`A[1-3]|B[12]|C[1-6]|[DEFMNP]`); duplicates are dropped.
pub fn parse_classes(s: &str) -> Result<Vec<LicenceClass>, Finding> {
    let n = normalize(s);
    let b = n.as_bytes();
    let mut out: Vec<LicenceClass> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let two = n.get(i..i + 2).and_then(LicenceClass::from_code);
        let (class, step) = match (b[i], two) {
            (b'A' | b'B' | b'C', Some(c)) => (Some(c), 2),
            (b'D' | b'E' | b'F' | b'M' | b'N' | b'P', _) => {
                (n.get(i..i + 1).and_then(LicenceClass::from_code), 1)
            }
            _ => (None, 1),
        };
        let Some(class) = class else {
            let rest: String = n[i..].chars().take(2).collect();
            return Err(Finding::error(
                code::LICENCE_CLASS_INVALID,
                format!(
                    "准驾车型「{}」在「{rest}」处无法识别：应由 A1–A3、B1–B2、C1–C6、D、E、F、M、N、P 组成，如 C1E",
                    s.trim()
                ),
            ));
        };
        if !out.contains(&class) {
            out.push(class);
        }
        i += step;
    }
    if out.is_empty() {
        return Err(Finding::error(
            code::LICENCE_CLASS_INVALID,
            "准驾车型为空：请按驾驶证填写，如 C1",
        ));
    }
    Ok(out)
}

/// Every class the given ones permit (themselves plus what they cover), in table order.
pub fn permitted_classes(classes: &[LicenceClass]) -> Vec<LicenceClass> {
    let mut all: Vec<LicenceClass> = classes
        .iter()
        .flat_map(|c| std::iter::once(*c).chain(c.covers()))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// "C1 小型汽车、E 普通二轮摩托车".
pub fn describe(classes: &[LicenceClass]) -> String {
    classes
        .iter()
        .map(|c| format!("{} {}", c.code(), c.name()))
        .collect::<Vec<_>>()
        .join("、")
}

/// 档案编号: 12 digits. Returns the normalised number.
pub fn check_archive_number(s: &str) -> Result<String, Finding> {
    let n = normalize(s);
    if n.len() == ARCHIVE_NUMBER_LEN && n.bytes().all(|b| b.is_ascii_digit()) {
        Ok(n)
    } else {
        Err(Finding::error(
            code::ARCHIVE_NUMBER_FORMAT,
            format!(
                "档案编号应为 {ARCHIVE_NUMBER_LEN} 位数字，实际为「{}」：请按驾驶证副页核对",
                s.trim()
            ),
        ))
    }
}
