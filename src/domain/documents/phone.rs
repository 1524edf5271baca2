//! Mobile and landline numbers (documents.md §5).

use super::findings as code;
use super::normalize::fold_width;
use super::result::{CheckResult, DocKind, Fields, Finding};
use super::rules::{MOBILE_DATA_ONLY, MOBILE_SATELLITE};

const EXT_MARKERS: [&str; 5] = ["转", "EXT", "#", ",", "X"];

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '(' | ')' | '.' | '/') || c.is_whitespace()
}

/// Splits `s` at the first extension marker: (main, extension text).
fn split_extension(s: &str) -> (&str, Option<&str>) {
    let at = EXT_MARKERS
        .iter()
        .filter_map(|m| s.find(m).map(|i| (i, m.len())))
        .min_by_key(|&(i, _)| i);
    match at {
        Some((i, len)) => (&s[..i], Some(&s[i + len..])),
        None => (s, None),
    }
}

/// Validates a landline (area code + local number). Err = finding.
fn landline(d: &str) -> Result<(usize, usize), Finding> {
    let b = d.as_bytes();
    let area_len = match (b.first(), b.get(1)) {
        (Some(b'0'), Some(b'1')) if d.starts_with("010") => 3,
        (Some(b'0'), Some(b'2')) => 3,
        (Some(b'0'), Some(b'3'..=b'9')) => 4,
        _ => {
            return Err(Finding::error(
                code::LANDLINE_AREA_CODE,
                format!(
                    "区号无效（{}）：区号应为 010、02X 或 0[3-9]XX，请核对。",
                    &d[..d.len().min(4)]
                ),
            ));
        }
    };
    let local = d.len().saturating_sub(area_len);
    let ok_len = if area_len == 3 {
        local == 8
    } else {
        local == 7 || local == 8
    };
    if !ok_len {
        let want = if area_len == 3 { "8 位" } else { "7–8 位" };
        return Err(Finding::error(
            code::LANDLINE_AREA_CODE,
            format!(
                "区号 {} 后的本地号码应为 {want}，实际 {local} 位：请核对号码。",
                // `d` is shorter than the area code while it is being typed.
                &d[..area_len.min(d.len())]
            ),
        ));
    }
    if !matches!(b[area_len], b'2'..=b'8') {
        return Err(Finding::error(
            code::LANDLINE_LOCAL_NUMBER,
            format!(
                "本地号码应以 2–8 开头，实际以 {} 开头：请核对号码。",
                b[area_len] as char
            ),
        ));
    }
    Ok((area_len, local))
}

/// Checks a mobile or landline number.
pub fn check(raw: &str) -> CheckResult {
    let folded: String = raw
        .chars()
        .map(|c| fold_width(c).to_ascii_uppercase())
        .collect();
    let folded = folded.trim();
    let mut fields = Fields::default();
    let (main, ext) = split_extension(folded);
    let main = main.trim_matches(is_separator);
    let (intl, main) = if let Some(rest) = main.strip_prefix('+') {
        match rest.trim_start_matches(is_separator).strip_prefix("86") {
            Some(r) => (true, r),
            None => (false, main),
        }
    } else if let Some(r) = main.strip_prefix("0086") {
        (true, r)
    } else {
        (false, main)
    };
    let ok_chars = main.chars().all(|c| c.is_ascii_digit() || is_separator(c));
    let groups: Vec<&str> = main.split(is_separator).filter(|g| !g.is_empty()).collect();
    let mut digits: String = groups.concat();
    let ext_digits: Option<String> = ext.map(|e| e.chars().filter(char::is_ascii_digit).collect());
    let fail = |msg: String, digits: String| {
        CheckResult::new(
            raw,
            digits,
            DocKind::Unknown,
            vec![Finding::error(code::PHONE_FORMAT, msg)],
            Fields::default(),
        )
    };
    if !ok_chars || digits.is_empty() || ext_digits.as_deref() == Some("") {
        return fail(
            "无法识别的电话号码：手机号码为 11 位（如 138 0013 8000），固定电话需带区号（如 010-62345678，分机可写“转123”）。".into(),
            digits,
        );
    }
    if intl && !digits.starts_with('0') && !(digits.len() == 11 && digits.starts_with('1')) {
        digits.insert(0, '0'); // +86 10 … drops the trunk prefix
    }
    if digits.starts_with('1') {
        let b = digits.as_bytes();
        let problem = if b.len() != 11 {
            Some(format!(
                "手机号码应为 11 位，实际 {} 位：请核对号码。",
                b.len()
            ))
        } else if !matches!(b[1], b'3'..=b'9') {
            Some(format!(
                "手机号码应以 13–19 开头，实际以 1{} 开头：请核对号码。",
                b[1] as char
            ))
        } else if ext_digits.is_some() {
            Some("手机号码不带分机号：请删去“转”或“#”后的部分。".to_owned())
        } else {
            None
        };
        if let Some(msg) = problem {
            return fail(msg, digits);
        }
        let mut findings = Vec::new();
        if MOBILE_DATA_ONLY.iter().any(|p| digits.starts_with(p)) {
            findings.push(Finding::warning(
                code::MOBILE_DATA_ONLY,
                format!("{} 号段为物联网/上网卡专用号段，可能收不到短信验证码：请申请人提供常用手机号码。", &digits[..3]),
            ));
        }
        if digits.starts_with(MOBILE_SATELLITE) {
            findings.push(Finding::warning(
                code::MOBILE_SATELLITE,
                "174 号段为卫星通信号码，可能收不到短信验证码：请申请人提供常用手机号码。",
            ));
        }
        return CheckResult::new(raw, digits, DocKind::Mobile, findings, fields);
    }
    if !digits.starts_with('0') {
        return fail(
            "缺少区号：固定电话请带区号填写（如 010-62345678），手机号码应为 11 位。".into(),
            digits,
        );
    }
    let mut result = landline(&digits);
    let mut ext_digits = ext_digits;
    // "010-62345678-123": a trailing group is an extension when the rest fits.
    if result.is_err()
        && ext_digits.is_none()
        && groups.len() >= 2
        && let Some(last) = groups.last().filter(|g| g.len() <= 6)
    {
        let head = &digits[..digits.len() - last.len()];
        if let Ok(ok) = landline(head) {
            ext_digits = Some((*last).to_owned());
            digits.truncate(head.len());
            result = Ok(ok);
        }
    }
    match result {
        Ok((area_len, _)) => {
            fields.area_code = Some(digits[..area_len].to_owned());
            fields.extension = ext_digits;
            CheckResult::new(raw, digits, DocKind::Landline, Vec::new(), fields)
        }
        Err(f) => CheckResult::new(raw, digits, DocKind::Landline, vec![f], fields),
    }
}
