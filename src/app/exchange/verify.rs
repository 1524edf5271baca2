//! `verify-export`: an export folder is intact when its manifest carries a
//! valid signature by the public key it names (and, when given, the key the
//! receiver expects), and every listed file has the listed size, line count
//! and SHA-256.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::keys;
use crate::domain::exchange::manifest::{MANIFEST_FILE, Manifest, SIGNATURE_FILE, hex};

/// One folder's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderReport {
    pub folder: PathBuf,
    pub manifest: Option<Manifest>,
    /// What was checked, in order; problems are prefixed `✗`.
    pub lines: Vec<String>,
    pub intact: bool,
}

/// The export folders at `dir`: itself if it holds a manifest, else its
/// subfolders that do, sorted by name.
pub fn export_folders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.join(MANIFEST_FILE).exists() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.join(MANIFEST_FILE).exists())
        .collect();
    out.sort();
    Ok(out)
}

/// Checks one export folder. `expected_key`: the hex public key the
/// receiver has on file for this workstation.
pub fn verify_folder(folder: &Path, expected_key: Option<&str>) -> FolderReport {
    let mut r = FolderReport {
        folder: folder.to_path_buf(),
        manifest: None,
        lines: Vec::new(),
        intact: true,
    };
    let bad = |r: &mut FolderReport, msg: String| {
        r.intact = false;
        r.lines.push(format!("✗ {msg}"));
    };
    let bytes = match std::fs::read(folder.join(MANIFEST_FILE)) {
        Ok(b) => b,
        Err(e) => {
            bad(&mut r, format!("无法读取 {MANIFEST_FILE}：{e}"));
            return r;
        }
    };
    let m = match Manifest::parse(&bytes) {
        Ok(m) => m,
        Err(e) => {
            bad(&mut r, e);
            return r;
        }
    };
    match std::fs::read_to_string(folder.join(SIGNATURE_FILE)) {
        Ok(sig) if keys::verify(&m.public_key, &bytes, sig.trim()) => r.lines.push(format!(
            "✓ 清单签名有效（工作站公钥 {}）",
            keys::fingerprint(&m.public_key)
        )),
        Ok(_) => bad(&mut r, "清单签名无效：清单被改动，或不是该公钥签名".into()),
        Err(e) => bad(&mut r, format!("无法读取 {SIGNATURE_FILE}：{e}")),
    }
    if let Some(k) = expected_key {
        if k.trim().eq_ignore_ascii_case(&m.public_key) {
            r.lines.push("✓ 公钥与登记的工作站公钥一致".into());
        } else {
            bad(
                &mut r,
                format!(
                    "公钥 {} 不是登记的工作站公钥 {}",
                    keys::fingerprint(&m.public_key),
                    keys::fingerprint(k.trim())
                ),
            );
        }
    }
    for f in &m.files {
        match hash_file(&folder.join(&f.name)) {
            Ok((sha, bytes, lines)) => {
                if sha != f.sha256 || bytes != f.bytes {
                    bad(
                        &mut r,
                        format!("{} 的 SHA-256 或大小与清单不符（文件被改动或损坏）", f.name),
                    );
                } else if lines != f.count {
                    bad(
                        &mut r,
                        format!("{} 有 {lines} 行，清单记录 {} 条", f.name, f.count),
                    );
                } else {
                    r.lines
                        .push(format!("✓ {} {} 条，SHA-256 一致", f.name, f.count));
                }
            }
            Err(e) => bad(&mut r, format!("无法读取 {}：{e}", f.name)),
        }
    }
    if let Some(a) = &m.audit_anchor {
        r.lines.push(format!("审计链锚点：{a}"));
    }
    r.manifest = Some(m);
    r
}

/// SHA-256 (hex), size and newline count of a file, streamed.
fn hash_file(path: &Path) -> std::io::Result<(String, u64, u64)> {
    let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut h = Sha256::new();
    let (mut size, mut lines) = (0u64, 0u64);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        h.update(buf);
        size += buf.len() as u64;
        lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = buf.len();
        reader.consume(n);
    }
    Ok((hex(&h.finalize()), size, lines))
}
