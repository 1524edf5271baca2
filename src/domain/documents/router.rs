//! Routes an input to the right rules by its shape (documents.md §1.5).

use chrono::NaiveDate;

use super::findings as code;
use super::normalize::normalize;
use super::result::{CheckResult, DocKind, Fields, Finding};
use super::rules::HMT_PERMIT_CODES;
use super::{credit_code, foreign_pr, identity, org_code, phone};

fn is_id18(b: &[u8]) -> bool {
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
}

fn unknown(raw: &str, n: String, f: Finding) -> CheckResult {
    CheckResult::new(raw, n, DocKind::Unknown, vec![f], Fields::default())
}

/// "无法识别的{what}（N 位）：{accepted}" — says which lengths are accepted.
fn unrecognized(raw: &str, n: String, what: &str, accepted: &str) -> CheckResult {
    let len = n.chars().count();
    let message = format!("无法识别的{what}（{len} 位）：{accepted}");
    unknown(raw, n, Finding::error(code::FORMAT_UNRECOGNIZED, message))
}

/// `[A-Z]{3}[0-9]{12}`: the old permanent-resident card.
fn is_legacy_pr(b: &[u8]) -> bool {
    b.len() == 15
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b[3..].iter().all(u8::is_ascii_digit)
}

fn empty(raw: &str) -> CheckResult {
    unknown(
        raw,
        String::new(),
        Finding::error(code::EMPTY_INPUT, "没有输入号码：请录入或刷卡读取证件号码"),
    )
}

/// Identity numbers: resident ID, HMT permit, foreign PR (new/old), legacy 15.
pub fn check_identity(raw: &str, today: NaiveDate) -> CheckResult {
    route_identity(raw, normalize(raw), today)
}

/// As [`check_identity`] with an already-normalised string (saves a copy in hot loops).
pub fn route_identity(raw: &str, n: String, today: NaiveDate) -> CheckResult {
    let b = n.as_bytes();
    if b.is_empty() {
        return empty(raw);
    }
    if is_id18(b) {
        return if HMT_PERMIT_CODES.iter().any(|(p, _)| n.starts_with(p)) {
            identity::check_18(raw, n, DocKind::HmtPermit, today)
        } else if b[0] == b'9' {
            foreign_pr::check_new(raw, n, today)
        } else if (b'1'..=b'6').contains(&b[0]) {
            identity::check_18(raw, n, DocKind::ResidentId, today)
        } else {
            unknown(
                raw,
                n,
                Finding::error(
                    code::ID_PREFIX_INVALID,
                    "18 位号码首位应为 1–6（居民身份证）或 9（外国人永久居留身份证），港澳台居民居住证以 810000/820000/830000 开头：请核对前 6 位",
                ),
            )
        };
    }
    if b.len() == 15 && b.iter().all(u8::is_ascii_digit) {
        return identity::check_legacy15(raw, n, today);
    }
    if is_legacy_pr(b) {
        return foreign_pr::check_legacy(raw, n, today);
    }
    unrecognized(
        raw,
        n,
        "证件号码",
        "可接受 18 位（居民身份证、港澳台居民居住证、外国人永久居留身份证，末位可为 X）或 15 位（旧身份证号码，或 3 个字母加 12 位数字的旧版永居证）。请核对位数和字符",
    )
}

/// Unified social credit codes (18) and organisation codes (9, dash optional).
pub fn check_code(raw: &str, _today: NaiveDate) -> CheckResult {
    let n = normalize(raw);
    match n.len() {
        0 => empty(raw),
        18 => credit_code::check(raw, n),
        9 => org_code::check(raw, n),
        _ => unrecognized(
            raw,
            n,
            "代码",
            "统一社会信用代码为 18 位，组织机构代码为 9 位（如 60003734-1）。请核对位数",
        ),
    }
}

/// Mobile and landline numbers.
pub fn check_phone(raw: &str, _today: NaiveDate) -> CheckResult {
    if raw.trim().is_empty() {
        return empty(raw);
    }
    phone::check(raw)
}

/// Any input: identity numbers first, then codes, then phones, by shape.
pub fn check_any(raw: &str, today: NaiveDate) -> CheckResult {
    let n = normalize(raw);
    let b = n.as_bytes();
    if b.is_empty() {
        return empty(raw);
    }
    let id_shaped =
        is_id18(b) || is_legacy_pr(b) || (b.len() == 15 && b.iter().all(u8::is_ascii_digit));
    if id_shaped {
        // An all-digit credit code (e.g. 9… or 1…) has the same shape as an
        // ID; prefer whichever reading is valid.
        let id = route_identity(raw, n, today);
        if !id.is_valid() && id.normalized.len() == 18 {
            let code = check_code(raw, today);
            if code.is_valid() {
                return code;
            }
        }
        return id;
    }
    if b.len() == 18 || b.len() == 9 {
        return check_code(raw, today);
    }
    let phone_like = raw
        .chars()
        .map(super::normalize::fold_width)
        .any(|c| c.is_ascii_digit() || c == '+')
        && b.len() <= 24;
    if phone_like {
        let r = check_phone(raw, today);
        if r.kind != DocKind::Unknown {
            return r;
        }
    }
    unrecognized(
        raw,
        n,
        "号码",
        "证件号码为 18 位或 15 位，统一社会信用代码 18 位，组织机构代码 9 位，手机号码 11 位，固定电话需带区号。请核对",
    )
}
