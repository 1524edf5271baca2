//! The export manifest: what an export folder holds (counts and SHA-256 per
//! file), which rows (id ranges), the audit chain head as an anchor token,
//! and the workstation's public key. `manifest.sig` beside it is the Ed25519
//! signature over the exact bytes of `manifest.json`.

use serde::{Deserialize, Serialize};

/// The manifest's own format tag; a reader refuses others.
pub const FORMAT: &str = "counterdesk-export/1";
pub const MANIFEST_FILE: &str = "manifest.json";
pub const SIGNATURE_FILE: &str = "manifest.sig";

/// The four streams an export carries, with their file names.
pub const STREAMS: [(&str, &str); 4] = [
    ("decisions", "decisions.jsonl"),
    ("registrations", "registrations.jsonl"),
    ("audit", "audit.jsonl"),
    ("notices", "notices.jsonl"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub stream: String,
    pub name: String,
    /// Records (lines) in the file.
    pub count: u64,
    pub bytes: u64,
    pub sha256: String,
    /// The file's rows lie in `(after, upto]` of the stream's ids (the lowest
    /// id minus one and the highest); a row in that range may have left in
    /// an earlier export. Receivers key rows on their own ids.
    pub after: i64,
    pub upto: i64,
}

/// Prefix of every export folder's name.
pub const FOLDER_PREFIX: &str = "counterdesk-export-";

/// The hidden name an export is written under until it is complete.
pub fn partial_name(folder: &str) -> String {
    format!(".{folder}.partial")
}

/// Whether a folder name is an unfinished export (`.NAME.partial`).
pub fn is_partial_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".partial") && name.contains(FOLDER_PREFIX)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub office: String,
    pub created_at: String,
    /// `CDANCHOR1 seq=N hash=…`, found by `verify-audit --anchor`.
    pub audit_anchor: Option<String>,
    /// Hex Ed25519 public key that signed this manifest.
    pub public_key: String,
    pub files: Vec<FileEntry>,
    /// This export's id (random, 32 hex digits). A crashed export redone
    /// carries the same id and rows: receivers de-duplicate by export id
    /// and row id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_id: Option<String>,
    /// The folder's final name, signed: a renamed copy (or a renamed
    /// unfinished `.partial` folder) fails verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

impl Manifest {
    /// The bytes written to (and signed in) `manifest.json`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| format!("清单无法读取：{e}"))?;
        if m.format != FORMAT {
            return Err(format!("清单格式“{}”不受支持", m.format));
        }
        for f in &m.files {
            // Names are fixed: a manifest must not point outside its folder.
            if !STREAMS.iter().any(|(_, n)| *n == f.name) {
                return Err(format!("清单列出了未知文件“{}”", f.name));
            }
        }
        Ok(m)
    }

    /// Total records of one stream.
    pub fn count(&self, stream: &str) -> u64 {
        self.files
            .iter()
            .filter(|f| f.stream == stream)
            .map(|f| f.count)
            .sum()
    }
}

/// Lower-case hex of bytes (keys, signatures).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from lower-case or upper-case hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_foreign_names_refused() {
        assert_eq!(
            unhex(&hex(&[0, 1, 254, 255])).unwrap(),
            vec![0, 1, 254, 255]
        );
        assert!(unhex("abc").is_none());
        let m = Manifest {
            format: FORMAT.into(),
            office: "x".into(),
            created_at: "t".into(),
            audit_anchor: None,
            public_key: String::new(),
            export_id: None,
            folder: None,
            files: vec![FileEntry {
                stream: "decisions".into(),
                name: "../etc/passwd".into(),
                count: 0,
                bytes: 0,
                sha256: String::new(),
                after: 0,
                upto: 0,
            }],
        };
        assert!(Manifest::parse(&m.to_bytes()).is_err());
    }
}
