//! The import batch: JSON Lines, one application per line (docs/exchange.md).
//! A line is parsed into [`BatchLine`] and checked by [`check_line`]; every
//! problem names its line so the clerk can send the batch back to be fixed.
//! Photos travel embedded (`base64`) or as files beside the batch named by
//! their SHA-256; either way the line carries the hash and it must match.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::batch_photo::{BatchPhoto, PhotoRef, photo, source};
use super::{fields, limits};
use crate::domain::documents::router::{check_any, check_identity};
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::queue::cst_date;
use crate::domain::review::{AppKind, PhotoSource};

/// One line as written in the batch. Every record type refuses fields it
/// does not know (a misspelt `valid_fro` must not lose `valid_from`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchLine {
    /// The batch format's version; absent means 1. A later version that adds
    /// fields says so here, and this version refuses it by number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_version: Option<u32>,
    /// 受理号, unique; a number already in the database is skipped.
    pub app_no: String,
    /// `new`, `photo` or `renewal` (`company` is refused: made here, not imported).
    pub kind: String,
    /// RFC 3339, e.g. `2026-11-20T01:30:00Z`; the due date follows from it.
    pub submitted_at: String,
    pub doc_no: String,
    pub name: String,
    pub mobile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<BatchLicence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<BatchPhoto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_photo: Option<BatchPhoto>,
    /// `YYYY-MM-DD` of the last album/camera photo change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_photo_change: Option<String>,
    /// The e-licence already issued, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<BatchIssued>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchLicence {
    pub number: String,
    pub classes: String,
    /// Status letters, e.g. `A` or `AH`, each from GA/T 16.25's list.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD`, or 长期 for a licence without an end date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub authority: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchIssued {
    pub classes: String,
    pub valid_until: String,
    pub authority: String,
    pub photo_source: String,
}

/// A line that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLine {
    pub app_no: String,
    pub kind: AppKind,
    pub submitted_at: DateTime<Utc>,
    pub doc_no: String,
    pub name: String,
    pub mobile: String,
    pub licence: Option<CheckedLicence>,
    pub photo: Option<(PhotoRef, PhotoSource)>,
    pub previous_photo: Option<PhotoRef>,
    pub last_photo_change: Option<NaiveDate>,
    pub issued: Option<IssuedELicence>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLicence {
    pub number: String,
    pub classes: String,
    pub status: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub authority: String,
}

/// Which record an "unknown field" error came from, by the fields serde
/// says it expected (serde names the field but not the path).
fn record_of(message: &str) -> &'static str {
    if message.contains("`valid_from`") {
        "licence."
    } else if message.contains("`base64`") {
        "photo/previous_photo."
    } else if message.contains("`photo_source`") {
        "issued."
    } else {
        ""
    }
}

/// Only the version, read from a line that failed to parse: a newer batch
/// is named as such instead of as a list of unknown fields.
#[derive(Deserialize)]
struct VersionOnly {
    batch_version: Option<serde_json::Value>,
}

fn version_problem(v: Option<&serde_json::Value>) -> Option<String> {
    match v {
        None => None,
        Some(serde_json::Value::Number(n))
            if n.as_u64() == Some(u64::from(limits::BATCH_VERSION)) =>
        {
            None
        }
        Some(other) => Some(format!(
            "批次格式版本 {other} 不受支持（本程序读取第 {} 版）：请升级工作台，或请发送方按第 {} 版导出",
            limits::BATCH_VERSION,
            limits::BATCH_VERSION
        )),
    }
}

/// Parses one line (without its newline). Errors are the line's problems.
pub fn parse_line(text: &[u8], today: NaiveDate) -> Result<CheckedLine, Vec<String>> {
    let line: BatchLine = serde_json::from_slice(text).map_err(|e| {
        if e.is_data()
            && let Ok(v) = serde_json::from_slice::<VersionOnly>(text)
            && let Some(p) = version_problem(v.batch_version.as_ref())
        {
            return vec![p];
        }
        let what = if e.is_data() {
            // serde names the field: "missing field `name`" → keep the name only.
            let m = e.to_string();
            match m.split('`').nth(1) {
                Some(field) if m.starts_with("missing field") => format!("缺少字段 {field}"),
                Some(field) if m.starts_with("unknown field") => format!(
                    "未知字段 {}{field}（拼写错误？批次第 {} 版没有这个字段）",
                    record_of(&m),
                    limits::BATCH_VERSION
                ),
                Some(field) if m.starts_with("duplicate field") => {
                    format!("字段 {field} 出现了两次")
                }
                Some(field) if m.starts_with("invalid type") || m.contains("expected") => {
                    format!("字段类型不符（{field}）")
                }
                _ => "字段类型不符".to_owned(),
            }
        } else {
            format!("不是有效的 JSON（第 {} 列附近）", e.column())
        };
        vec![what]
    })?;
    check_line(&line, today)
}

fn licence(x: &BatchLicence, today: NaiveDate, errs: &mut Vec<String>) -> CheckedLicence {
    let number = fields::text(&x.number, "驾驶证号码", limits::MAX_LICENCE_NO_CHARS, errs);
    let classes = fields::classes(&x.classes, "准驾车型", errs);
    let status = fields::licence_status(&x.status, errs);
    let authority = fields::text(&x.authority, "发证机关", limits::MAX_ORG_NAME_CHARS, errs);
    let valid_from = match &x.valid_from {
        Some(s) => fields::date_in(s, "驾驶证有效期起", fields::valid_from_window(today), errs),
        None => {
            errs.push("缺少字段 licence.valid_from（驾驶证有效期起）".to_owned());
            None
        }
    };
    let valid_until = match &x.valid_until {
        // Without a valid start there is nothing to judge the end against.
        Some(s) if valid_from.is_some() || x.valid_from.is_none() => {
            fields::valid_until(s, "驾驶证有效期止", valid_from, today, errs)
        }
        Some(_) => None,
        None => {
            errs.push(format!(
                "缺少字段 licence.valid_until（驾驶证有效期止，日期或“{}”）",
                crate::domain::documents::licence::LONG_TERM_TEXT
            ));
            None
        }
    };
    CheckedLicence {
        number,
        classes,
        status,
        valid_from,
        valid_until,
        authority,
    }
}

/// Checks every field of a parsed line; all problems at once.
pub fn check_line(l: &BatchLine, today: NaiveDate) -> Result<CheckedLine, Vec<String>> {
    let mut errs = Vec::new();
    if let Some(p) = version_problem(l.batch_version.map(serde_json::Value::from).as_ref()) {
        return Err(vec![p]);
    }
    let app_no = fields::app_no(&l.app_no, &mut errs);
    // 单位注册复核 comes from this office's own 单位面签, never from a batch.
    let kind = AppKind::from_code(&l.kind).filter(|k| *k != AppKind::CompanyRegistration);
    if kind.is_none() {
        errs.push(format!(
            "业务类型“{}”不能导入（应为 new、photo 或 renewal；单位注册复核由本所单位面签产生）",
            fields::short(&l.kind)
        ));
    }
    let submitted_at = match DateTime::parse_from_rfc3339(l.submitted_at.trim()) {
        Ok(t) => {
            let t = t.with_timezone(&Utc);
            let (from, to) = fields::submission_window(today);
            let day = cst_date(t);
            if day < from || day > to {
                errs.push(format!(
                    "提交时间 {day} 不在 {from} 至 {to} 之间（年份 0000、9999 之类是错误数据）"
                ));
                None
            } else {
                Some(t)
            }
        }
        Err(_) => {
            errs.push(format!(
                "提交时间“{}”不是 RFC 3339 时间",
                fields::short(&l.submitted_at)
            ));
            None
        }
    };
    let doc = match kind {
        Some(AppKind::CompanyRegistration) => check_any(&l.doc_no, today),
        _ => check_identity(&l.doc_no, today),
    };
    if kind.is_some() && !doc.is_valid() {
        let why = doc
            .errors()
            .next()
            .map(|f| f.message.to_string())
            .unwrap_or_default();
        errs.push(format!("证件号码无效：{why}"));
    }
    let name = fields::text(&l.name, "姓名", limits::MAX_NAME_CHARS, &mut errs);
    // A malformed number is the reviewer's pre-check, not a reason to refuse the batch.
    let mobile = fields::text(&l.mobile, "手机号", limits::MAX_MOBILE_CHARS, &mut errs);
    let needs_licence = kind.is_some_and(AppKind::has_licence);
    let licence = match (&l.licence, needs_licence) {
        (Some(x), _) => Some(licence(x, today, &mut errs)),
        (None, true) => {
            errs.push("缺少字段 licence（驾驶证信息）".to_owned());
            None
        }
        (None, false) => None,
    };
    let photo_ref = match (&l.photo, needs_licence) {
        (Some(p), _) => {
            let src = match p.source.as_deref() {
                Some(s) => source(s, "照片来源", &mut errs),
                None => {
                    errs.push("缺少字段 photo.source（照片来源）".to_owned());
                    None
                }
            };
            match (photo(p, "照片", &mut errs), src) {
                (Some(r), Some(s)) => Some((r, s)),
                _ => None,
            }
        }
        (None, true) => {
            errs.push("缺少字段 photo（申请照片）".to_owned());
            None
        }
        (None, false) => None,
    };
    let previous_photo = l
        .previous_photo
        .as_ref()
        .and_then(|p| photo(p, "原照片", &mut errs));
    let last_photo_change = l
        .last_photo_change
        .as_deref()
        .and_then(|s| fields::date_in(s, "上次换照片日期", fields::past_window(today), &mut errs));
    let issued = l.issued.as_ref().and_then(|i| {
        let classes = fields::classes(&i.classes, "已发电子驾驶证准驾车型", &mut errs);
        let authority = fields::text(
            &i.authority,
            "已发电子驾驶证发证机关",
            limits::MAX_ORG_NAME_CHARS,
            &mut errs,
        );
        let until = fields::valid_until(
            &i.valid_until,
            "已发电子驾驶证有效期止",
            None,
            today,
            &mut errs,
        );
        let src = source(&i.photo_source, "已发电子驾驶证照片来源", &mut errs);
        Some(IssuedELicence {
            classes,
            valid_until: until?,
            authority,
            photo_source: src?,
        })
    });
    match (kind, submitted_at) {
        (Some(kind), Some(submitted_at)) if errs.is_empty() => Ok(CheckedLine {
            app_no,
            kind,
            submitted_at,
            doc_no: doc.normalized.clone(),
            name,
            mobile,
            licence,
            photo: photo_ref,
            previous_photo,
            last_photo_change,
            issued,
        }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    use crate::domain::digest::sha256_hex;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    const PHOTO: &[u8] = b"\xFF\xD8\xFFfake jpeg body";

    fn good() -> BatchLine {
        BatchLine {
            app_no: "SL202611200000001".into(),
            kind: "new".into(),
            submitted_at: "2026-11-19T02:00:00Z".into(),
            doc_no: "11010519491231002X".into(),
            name: "王伟".into(),
            mobile: "13800138000".into(),
            licence: Some(BatchLicence {
                number: "11010519491231002X".into(),
                classes: "C1".into(),
                status: "A".into(),
                valid_from: Some("2020-01-01".into()),
                valid_until: Some("2030-01-01".into()),
                authority: "北京市公安局公安交通管理局".into(),
            }),
            photo: Some(BatchPhoto {
                sha256: sha256_hex(PHOTO),
                source: Some("camera".into()),
                base64: Some(base64::engine::general_purpose::STANDARD.encode(PHOTO)),
            }),
            ..BatchLine::default()
        }
    }

    #[test]
    fn a_good_line_passes_and_round_trips() {
        let l = good();
        let text = serde_json::to_vec(&l).unwrap();
        let c = parse_line(&text, today()).unwrap();
        assert_eq!(c.kind, AppKind::New);
        assert_eq!(c.photo.unwrap().0.embedded.as_deref(), Some(PHOTO));
    }

    type Breaker = Box<dyn Fn(&mut BatchLine)>;

    #[test]
    fn each_fault_is_named() {
        let cases: Vec<(Breaker, &str)> = vec![
            (Box::new(|l| l.kind = "visa".into()), "业务类型"),
            (
                Box::new(|l| l.doc_no = "110105194912310021".into()),
                "证件号码无效",
            ),
            (
                Box::new(|l| l.submitted_at = "yesterday".into()),
                "提交时间",
            ),
            (Box::new(|l| l.photo = None), "缺少字段 photo"),
            (Box::new(|l| l.licence = None), "缺少字段 licence"),
            (
                Box::new(|l| l.photo.as_mut().unwrap().sha256 = "ab".repeat(32)),
                "与 sha256 不符",
            ),
            (
                Box::new(|l| l.photo.as_mut().unwrap().base64 = Some("!!".into())),
                "无法解码",
            ),
            (Box::new(|l| l.app_no = "SL 1".into()), "受理号"),
        ];
        each_fault_names(cases);
    }

    /// Each broken line is refused with a problem containing its words.
    fn each_fault_names(cases: Vec<(Breaker, &str)>) {
        for (break_it, expect) in cases {
            let mut l = good();
            break_it(&mut l);
            let errs = check_line(&l, today()).unwrap_err();
            assert!(
                errs.iter().any(|e| e.contains(expect)),
                "{expect}: {errs:?}"
            );
        }
    }

    #[test]
    fn strict_schema_dates_lists_and_text() {
        let cases: Vec<(Breaker, &str)> = vec![
            (
                Box::new(|l| l.submitted_at = "9999-12-31T00:00:00Z".into()),
                "提交时间 9999-12-31 不在",
            ),
            (
                Box::new(|l| l.submitted_at = "0000-01-01T00:00:00Z".into()),
                "提交时间",
            ),
            (
                Box::new(|l| l.licence.as_mut().unwrap().valid_from = Some("1949-01-01".into())),
                "驾驶证有效期起 1949-01-01 不在",
            ),
            (
                Box::new(|l| l.licence.as_mut().unwrap().valid_until = Some("2032-01-01".into())),
                "至多 11 年",
            ),
            (
                Box::new(|l| l.licence.as_mut().unwrap().valid_until = None),
                "缺少字段 licence.valid_until",
            ),
            (
                Box::new(|l| l.licence.as_mut().unwrap().status = "QZ".into()),
                "驾驶证状态",
            ),
            (
                Box::new(|l| l.licence.as_mut().unwrap().classes = "C9".into()),
                "准驾车型",
            ),
            (Box::new(|l| l.name = "王\0伟".into()), "不可见或控制字符"),
            (Box::new(|l| l.name = "王\u{202E}伟".into()), "U+202E"),
            (Box::new(|l| l.name = "王".repeat(51)), "超过上限 50"),
            (
                Box::new(|l| l.licence.as_mut().unwrap().authority = "局".repeat(101)),
                "超过上限 100",
            ),
            (Box::new(|l| l.app_no = "sl202611200000001".into()), "小写"),
            (Box::new(|l| l.batch_version = Some(2)), "批次格式版本 2"),
        ];
        each_fault_names(cases);
        // 长期 is a valid end, stored as the latest date and written back as 长期.
        let mut l = good();
        l.licence.as_mut().unwrap().valid_until = Some("长期".into());
        let c = check_line(&l, today()).unwrap();
        assert_eq!(
            c.licence.unwrap().valid_until,
            Some(crate::domain::documents::licence::LONG_TERM)
        );
        // A blocking but known status is the reviewer's business, not a broken batch.
        let mut l = good();
        l.licence.as_mut().unwrap().status = "D".into();
        assert!(check_line(&l, today()).is_ok());
    }

    #[test]
    fn unknown_fields_and_newer_versions_are_named() {
        let text = serde_json::to_string(&good()).unwrap();
        let typo = text.replace("\"valid_from\"", "\"valid_fro\"");
        let e = parse_line(typo.as_bytes(), today()).unwrap_err();
        assert!(e[0].contains("未知字段 licence.valid_fro"), "{e:?}");
        let extra = text.replacen('{', "{\"nickname\":\"x\",", 1);
        let e = parse_line(extra.as_bytes(), today()).unwrap_err();
        assert!(e[0].contains("未知字段 nickname"), "{e:?}");
        let v2 = text.replacen('{', "{\"batch_version\":2,\"nickname\":\"x\",", 1);
        let e = parse_line(v2.as_bytes(), today()).unwrap_err();
        assert!(e[0].contains("批次格式版本 2 不受支持"), "{e:?}");
        let v1 = text.replacen('{', "{\"batch_version\":1,", 1);
        assert!(parse_line(v1.as_bytes(), today()).is_ok());
    }

    #[test]
    fn bad_json_and_missing_fields() {
        let e = parse_line(b"{\"app_no\": ", today()).unwrap_err();
        assert!(e[0].contains("不是有效的 JSON"), "{e:?}");
        let e = parse_line(b"{\"app_no\": \"X1\"}", today()).unwrap_err();
        assert!(e[0].contains("缺少字段"), "{e:?}");
    }
}
