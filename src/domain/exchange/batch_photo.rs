//! A photo in an import batch: how a line carries it (embedded in base64, or
//! a file beside the batch named by its SHA-256), what a checked line keeps
//! of it, and the checks on its hash, size and type.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::fields;
use super::limits::MAX_PHOTO_BYTES;
use crate::domain::digest::{is_sha256_hex, sha256_hex};
use crate::domain::review::PhotoSource;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// A photo a checked line refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRef {
    pub sha256: String,
    /// Decoded and hash-checked, when it was embedded.
    pub embedded: Option<Vec<u8>>,
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

pub(super) fn source(s: &str, what: &str, errs: &mut Vec<String>) -> Option<PhotoSource> {
    let p = PhotoSource::from_code(s);
    if p.is_none() {
        errs.push(format!(
            "{what}“{}”未知（应为 held、album 或 camera）",
            fields::short(s)
        ));
    }
    p
}

pub(super) fn photo(p: &BatchPhoto, what: &str, errs: &mut Vec<String>) -> Option<PhotoRef> {
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
