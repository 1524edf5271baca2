//! Unified social credit codes, GB 32100-2015.

use super::checksum::{credit_check, credit_value};
use super::findings as code;
use super::normalize::normalize;
use super::org_code;
use super::regions;
use super::result::{CheckResult, DocKind, Fields, Finding, RegionInfo};
use super::rules::{CREDIT_AUTHORITIES, NATIONAL_REGISTRAR, XIAMEN_PREFIX};

/// (authority name, entity-type name) for the first two characters.
pub fn authority_and_type(r: u8, t: u8) -> (Option<&'static str>, Option<&'static str>) {
    match CREDIT_AUTHORITIES
        .iter()
        .find(|(letter, _, _)| *letter == r)
    {
        Some((_, name, types)) => (
            Some(*name),
            types.iter().find(|(l, _)| *l == t).map(|(_, n)| *n),
        ),
        None => (None, None),
    }
}

fn registrar_region(d: &str, findings: &mut Vec<Finding>) -> Option<RegionInfo> {
    if d == NATIONAL_REGISTRAR {
        return Some(RegionInfo {
            code: d.to_owned(),
            province: Some("全国"),
            prefecture: None,
            county: None,
            start_year: regions::FIRST_YEAR,
            end_year: None,
        });
    }
    match regions::resolve(d, None) {
        Some(r) => Some(r.info),
        None => {
            findings.push(Finding::warning(
                code::CREDIT_REGION_UNKNOWN,
                format!("第 3–8 位登记管理机关行政区划码 {d} 未能识别：请对照营业执照核对登记机关"),
            ));
            None
        }
    }
}

/// Positions 9–17 of a credit code: the organisation code it embeds.
pub const EMBEDDED_ORG: std::ops::Range<usize> = 8..17;

/// The organisation code (undashed) that a normalised code stands for: the
/// one embedded in an 18-character credit code, or a 9-character organisation
/// code itself. `None` for any other length.
pub fn org_code_of(code: &str) -> Option<&str> {
    match code.len() {
        18 => code.get(EMBEDDED_ORG),
        9 => Some(code),
        _ => None,
    }
}

/// Checks an 18-character normalised credit code.
pub fn check(raw: &str, n: String) -> CheckResult {
    let mut findings = Vec::new();
    let mut fields = Fields::default();
    let b = n.as_bytes();
    if b.len() != 18 {
        findings.push(Finding::error(
            code::FORMAT_UNRECOGNIZED,
            format!(
                "统一社会信用代码应为 18 位，实际 {} 位：请核对后重新录入",
                n.chars().count()
            ),
        ));
        return CheckResult::new(raw, n, DocKind::CreditCode, findings, fields);
    }
    if let Some(pos) = b.iter().position(|&c| credit_value(c).is_none()) {
        let c = n[pos..].chars().next().unwrap_or('?');
        findings.push(Finding::error(
            code::CREDIT_BAD_CHAR,
            format!(
                "第 {} 位「{c}」不在统一社会信用代码字符集中（不使用 I、O、S、V、Z）：可能把数字 1/0/5/2 误录为字母，请核对营业执照",
                pos + 1
            ),
        ));
    }
    let (authority, entity_type) = authority_and_type(b[0], b[1]);
    match authority {
        None => findings.push(Finding::error(
            code::CREDIT_AUTHORITY_UNKNOWN,
            format!(
                "第 1 位登记管理部门代码「{}」不存在：代码有误，请核对营业执照",
                b[0] as char
            ),
        )),
        Some(a) if entity_type.is_none() => findings.push(Finding::error(
            code::CREDIT_ENTITY_TYPE_UNKNOWN,
            format!(
                "第 2 位机构类别「{}」在登记管理部门「{a}」下不存在：代码有误，请核对营业执照",
                b[1] as char
            ),
        )),
        Some(_) => {}
    }
    fields.authority = authority;
    fields.entity_type = entity_type;
    if let Some(d) = n.get(2..8) {
        fields.region = registrar_region(d, &mut findings);
    }
    let all_in_alphabet = findings.iter().all(|f| f.code != code::CREDIT_BAD_CHAR);
    if all_in_alphabet {
        if org_code::check_body(
            &b[EMBEDDED_ORG],
            code::CREDIT_ORG_CHECK_MISMATCH,
            &mut findings,
        ) {
            fields.org_code = org_code_of(&n).map(org_code::display);
        }
        if let Some(expected) = credit_check(&b[..17])
            && expected != b[17]
        {
            findings.push(Finding::error(
                code::CREDIT_CHECK_MISMATCH,
                format!(
                    "第 18 位校验码应为 {}，实际为 {}：代码有录入错误或不真实，请逐位核对营业执照原件",
                    expected as char, b[17] as char
                ),
            ));
            if n[2..].starts_with(XIAMEN_PREFIX) {
                findings.push(Finding::warning(
                    code::CREDIT_CHECK_XIAMEN_OVERRIDE,
                    "厦门（3502）2016 年前登记的部分代码存在校验位不符的已知情况：仍判为无效；如核实营业执照原件无误，可由主管审批并记录理由后放行",
                ));
            }
        }
    }
    CheckResult::new(raw, n, DocKind::CreditCode, findings, fields)
}

/// When both are given, positions 9–17 of the credit code must equal the
/// organisation code. `None` when they agree.
pub fn check_agree(credit: &str, org: &str) -> Option<Finding> {
    let (c, o) = (normalize(credit), normalize(org));
    if c.len() == 18 && org_code_of(&c) == Some(o.as_str()) {
        return None;
    }
    let embedded = c
        .get(EMBEDDED_ORG)
        .map_or_else(|| "（无法取出）".to_owned(), org_code::display);
    Some(Finding::error(
        code::CREDIT_ORG_DISAGREE,
        format!(
            "统一社会信用代码第 9–17 位为 {embedded}，与填写的组织机构代码 {} 不一致：请核对两份证照是否属于同一单位",
            org.trim()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_code_of_credit_and_org_codes() {
        assert_eq!(org_code_of("91110000600037341L"), Some("600037341"));
        assert_eq!(org_code_of("600037341"), Some("600037341"));
        assert_eq!(org_code_of("9111000060003734"), None);
        assert_eq!(org_code_of(""), None);
    }
}
