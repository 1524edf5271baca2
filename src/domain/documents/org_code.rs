//! Organisation codes, GB 11714-1997 (legacy 组织机构代码证).

use super::checksum::org_check;
use super::findings as code;
use super::result::{CheckResult, DocKind, Fields, Finding};

/// `XXXXXXXX-X` display form of 9 normalised characters.
pub fn display(n9: &str) -> String {
    format!("{}-{}", &n9[..8], &n9[8..])
}

/// Findings for 9 characters (8 body + check), shared with the credit code.
/// `err_code` lets the credit code report the mismatch under its own name.
pub(crate) fn check_body(
    n9: &[u8],
    mismatch_code: &'static str,
    findings: &mut Vec<Finding>,
) -> bool {
    match org_check(&n9[..8]) {
        None => {
            findings.push(Finding::error(
                code::ORG_CODE_FORMAT,
                "组织机构代码前 8 位只能是数字或大写字母：请核对证件后重新录入",
            ));
            false
        }
        Some(expected) if expected != n9[8] => {
            findings.push(Finding::error(
                mismatch_code,
                format!(
                    "组织机构代码 {}-{} 的校验码应为 {}：代码有录入错误，请核对证件原件",
                    String::from_utf8_lossy(&n9[..8]),
                    n9[8] as char,
                    expected as char
                ),
            ));
            false
        }
        Some(_) => true,
    }
}

/// Standalone organisation code, with or without the dash.
pub fn check(raw: &str, n: String) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields::default();
    let b = n.as_bytes();
    let shape_ok = b.len() == 9
        && b[..8]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && (b[8].is_ascii_digit() || b[8] == b'X');
    if !shape_ok {
        findings.push(Finding::error(
            code::ORG_CODE_FORMAT,
            "组织机构代码应为 8 位数字或大写字母加 1 位校验码（数字或 X），如 60003734-1：请核对后重新录入",
        ));
        return CheckResult::new(raw, n, DocKind::OrgCode, findings, fields);
    }
    check_body(b, code::ORG_CODE_CHECK_MISMATCH, &mut findings);
    fields.org_code = Some(display(&n));
    CheckResult::new(raw, n, DocKind::OrgCode, findings, fields)
}
