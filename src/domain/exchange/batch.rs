//! The import batch: JSON Lines, one application per line (docs/exchange.md).
//! A line is parsed into [`BatchLine`] and checked by [`check_line`]; every
//! problem names its line so the clerk can send the batch back to be fixed.
//! Photos travel embedded (`base64`) or as files beside the batch named by
//! their SHA-256; either way the line carries the hash and it must match.

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::limits;
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::{AppKind, PhotoSource};
use crate::domain::{check_any, check_identity};

/// Largest photo accepted (the blob table enforces the same).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// One line as written in the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchLine {
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
pub struct BatchLicence {
    pub number: String,
    pub classes: String,
    /// Status letters, e.g. `A` or `AH`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    pub authority: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPhoto {
    /// Lower-case hex SHA-256 of the photo file.
    pub sha256: String,
    /// `held`, `album` or `camera` (ignored for `previous_photo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The photo itself; absent: a file `<sha256>.jpg`/`.png` beside the batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchIssued {
    pub classes: String,
    pub valid_until: String,
    pub authority: String,
    pub photo_source: String,
}

/// A photo a checked line refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRef {
    pub sha256: String,
    /// Decoded and hash-checked, when it was embedded.
    pub embedded: Option<Vec<u8>>,
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

/// One problem: its 1-based line and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

/// Problems of a batch: the first [`limits::MAX_PROBLEMS`] kept, all counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub shown: Vec<Problem>,
    pub total: u64,
}

impl Problems {
    pub fn push(&mut self, line: u64, message: impl Into<String>) {
        self.total += 1;
        if self.shown.len() < limits::MAX_PROBLEMS {
            self.shown.push(Problem {
                line,
                message: message.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `s` looks like a SHA-256 in lower-case hex.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// The photo's MIME type from its first bytes (JPEG or PNG only).
pub fn photo_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

fn date(s: &str, what: &str, errs: &mut Vec<String>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(format!("{what}“{}”不是 YYYY-MM-DD 日期", short(s)));
            None
        }
    }
}

fn source(s: &str, what: &str, errs: &mut Vec<String>) -> Option<PhotoSource> {
    let p = PhotoSource::from_code(s);
    if p.is_none() {
        errs.push(format!(
            "{what}“{}”未知（应为 held、album 或 camera）",
            short(s)
        ));
    }
    p
}

/// At most 24 characters of a value, for messages (never a whole photo).
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}

fn photo(p: &BatchPhoto, what: &str, errs: &mut Vec<String>) -> Option<PhotoRef> {
    if !is_sha256_hex(&p.sha256) {
        errs.push(format!("{what}的 sha256 应为 64 位小写十六进制"));
        return None;
    }
    let embedded = match &p.base64 {
        None => None,
        Some(b64) => {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
                errs.push(format!("{what}的 base64 内容无法解码"));
                return None;
            };
            if bytes.is_empty() || bytes.len() > MAX_PHOTO_BYTES {
                errs.push(format!(
                    "{what}大小 {} 字节超出允许范围（1 字节至 8 MB）",
                    bytes.len()
                ));
                return None;
            }
            if sha256_hex(&bytes) != p.sha256 {
                errs.push(format!("{what}内容与 sha256 不符（文件已损坏或被改动）"));
                return None;
            }
            if photo_mime(&bytes).is_none() {
                errs.push(format!("{what}不是 JPEG 或 PNG 图片"));
                return None;
            }
            Some(bytes)
        }
    };
    Some(PhotoRef {
        sha256: p.sha256.clone(),
        embedded,
    })
}

/// Parses one line (without its newline). Errors are the line's problems.
pub fn parse_line(text: &[u8], today: NaiveDate) -> Result<CheckedLine, Vec<String>> {
    let line: BatchLine = serde_json::from_slice(text).map_err(|e| {
        let what = if e.is_data() {
            // serde names the field: "missing field `name`" → keep the name only.
            let m = e.to_string();
            match m.split('`').nth(1) {
                Some(field) if m.starts_with("missing field") => format!("缺少字段 {field}"),
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

/// Checks every field of a parsed line; all problems at once.
pub fn check_line(l: &BatchLine, today: NaiveDate) -> Result<CheckedLine, Vec<String>> {
    let mut errs = Vec::new();
    let app_no = l.app_no.trim();
    if app_no.is_empty()
        || app_no.len() > limits::MAX_APP_NO
        || !app_no
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
    {
        errs.push(format!(
            "受理号“{}”应为 1–{} 位字母、数字或连字符",
            short(app_no),
            limits::MAX_APP_NO
        ));
    }
    // 单位注册复核 comes from this office's own 单位面签, never from a batch.
    let kind = AppKind::from_code(&l.kind).filter(|k| *k != AppKind::CompanyRegistration);
    if kind.is_none() {
        errs.push(format!(
            "业务类型“{}”不能导入（应为 new、photo 或 renewal；单位注册复核由本所单位面签产生）",
            short(&l.kind)
        ));
    }
    let submitted_at = DateTime::parse_from_rfc3339(l.submitted_at.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            errs.push(format!(
                "提交时间“{}”不是 RFC 3339 时间",
                short(&l.submitted_at)
            ))
        })
        .ok();
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
    let name = l.name.trim();
    if name.is_empty() || name.chars().count() > limits::MAX_NAME_CHARS {
        errs.push(format!("姓名/名称应为 1–{} 个字", limits::MAX_NAME_CHARS));
    }
    let mobile = l.mobile.trim();
    // A malformed number is the reviewer's pre-check, not a reason to refuse the batch.
    if mobile.is_empty() || mobile.chars().count() > limits::MAX_MOBILE_CHARS {
        errs.push(format!("手机号应为 1–{} 个字符", limits::MAX_MOBILE_CHARS));
    }
    let needs_licence = kind.is_some_and(AppKind::has_licence);
    let licence = match (&l.licence, needs_licence) {
        (Some(x), _) => {
            let valid_from = x
                .valid_from
                .as_deref()
                .and_then(|s| date(s, "驾驶证有效期起", &mut errs));
            let valid_until = x
                .valid_until
                .as_deref()
                .and_then(|s| date(s, "驾驶证有效期止", &mut errs));
            if x.number.trim().is_empty() || x.classes.trim().is_empty() {
                errs.push("驾驶证号码和准驾车型不能为空".to_owned());
            }
            Some(CheckedLicence {
                number: x.number.trim().to_owned(),
                classes: x.classes.trim().to_owned(),
                status: x.status.trim().to_owned(),
                valid_from,
                valid_until,
                authority: x.authority.trim().to_owned(),
            })
        }
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
        .and_then(|s| date(s, "上次换照片日期", &mut errs));
    let issued = l.issued.as_ref().and_then(|i| {
        let until = date(&i.valid_until, "已发电子驾驶证有效期止", &mut errs);
        let src = source(&i.photo_source, "已发电子驾驶证照片来源", &mut errs);
        Some(IssuedELicence {
            classes: i.classes.trim().to_owned(),
            valid_until: until?,
            authority: i.authority.trim().to_owned(),
            photo_source: src?,
        })
    });
    match (kind, submitted_at) {
        (Some(kind), Some(submitted_at)) if errs.is_empty() => Ok(CheckedLine {
            app_no: app_no.to_owned(),
            kind,
            submitted_at,
            doc_no: doc.normalized.clone(),
            name: name.to_owned(),
            mobile: mobile.to_owned(),
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
    fn bad_json_and_missing_fields() {
        let e = parse_line(b"{\"app_no\": ", today()).unwrap_err();
        assert!(e[0].contains("不是有效的 JSON"), "{e:?}");
        let e = parse_line(b"{\"app_no\": \"X1\"}", today()).unwrap_err();
        assert!(e[0].contains("缺少字段"), "{e:?}");
    }

    #[test]
    fn problems_keep_the_first_hundred_and_count_all() {
        let mut p = Problems::default();
        for i in 0..250 {
            p.push(i, "x");
        }
        assert_eq!(p.shown.len(), limits::MAX_PROBLEMS);
        assert_eq!(p.total, 250);
    }
}
