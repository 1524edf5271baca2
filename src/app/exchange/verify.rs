//! `verify-export`: an export folder is intact when its manifest carries a
//! valid signature by the public key it names (and, when given, the key the
//! receiver expects), the folder has the name the manifest signed, every
//! listed file has the listed size, line count and SHA-256, and the folder
//! holds nothing else. A tree is searched at any depth: every export in it
//! must be intact, and anything that looks like an export without a valid
//! manifest, or an unfinished `.partial` folder, fails it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::app::exchange::keys;
use crate::domain::exchange::manifest::{
    FOLDER_PREFIX, MANIFEST_FILE, Manifest, SIGNATURE_FILE, hex, is_partial_name,
};

/// One folder's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderReport {
    pub folder: PathBuf,
    pub manifest: Option<Manifest>,
    /// What was checked, in order; problems are prefixed `✗`.
    pub lines: Vec<String>,
    pub intact: bool,
}

impl FolderReport {
    fn new(folder: &Path) -> Self {
        FolderReport {
            folder: folder.to_path_buf(),
            manifest: None,
            lines: Vec::new(),
            intact: true,
        }
    }

    fn bad(&mut self, msg: String) {
        self.intact = false;
        self.lines.push(format!("✗ {msg}"));
    }
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What a folder in the tree is.
enum Found {
    Export,
    Partial,
    /// Named like an export or holding `.jsonl` files, but no manifest.
    Lookalike,
    Other,
}

fn classify(dir: &Path) -> Found {
    let name = name_of(dir);
    if is_partial_name(&name) {
        return Found::Partial;
    }
    if dir.join(MANIFEST_FILE).exists() {
        return Found::Export;
    }
    let has_jsonl = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        })
        .unwrap_or(false);
    if name.starts_with(FOLDER_PREFIX) || has_jsonl {
        Found::Lookalike
    } else {
        Found::Other
    }
}

/// Every export-like folder under `dir` (itself included), at any depth,
/// sorted; links are not followed, so the walk ends.
pub fn find_exports(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    let meta = std::fs::metadata(dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "不是文件夹",
        ));
    }
    while let Some(d) = todo.pop() {
        match classify(&d) {
            Found::Other => {
                for e in std::fs::read_dir(&d)?.filter_map(Result::ok) {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        todo.push(e.path());
                    }
                }
            }
            // An export's own contents are checked by `verify_folder`.
            _ => out.push(d),
        }
    }
    out.sort();
    Ok(out)
}

/// Checks one folder found by [`find_exports`] (or named directly).
/// `expected_key`: the hex public key the receiver has on file.
pub fn verify_folder(folder: &Path, expected_key: Option<&str>) -> FolderReport {
    let mut r = FolderReport::new(folder);
    let name = name_of(folder);
    match classify(folder) {
        Found::Partial => {
            r.bad(format!(
                "{name} 是未完成的导出（导出中断时留下的临时文件夹），不能使用；导出它的工作站下次导出时会清理并重新导出"
            ));
            return r;
        }
        Found::Lookalike => {
            r.bad(format!(
                "{name} 看起来是导出文件夹，但没有清单 {MANIFEST_FILE}（不完整或被改动）"
            ));
            return r;
        }
        Found::Export | Found::Other => {}
    }
    let bytes = match std::fs::read(folder.join(MANIFEST_FILE)) {
        Ok(b) => b,
        Err(e) => {
            r.bad(format!("无法读取 {MANIFEST_FILE}：{e}"));
            return r;
        }
    };
    let m = match Manifest::parse(&bytes) {
        Ok(m) => m,
        Err(e) => {
            r.bad(e);
            return r;
        }
    };
    match std::fs::read_to_string(folder.join(SIGNATURE_FILE)) {
        Ok(sig) if keys::verify(&m.public_key, &bytes, sig.trim()) => r.lines.push(format!(
            "✓ 清单签名有效（工作站公钥 {}）",
            keys::fingerprint(&m.public_key)
        )),
        Ok(_) => r.bad("清单签名无效：清单被改动，或不是该公钥签名".into()),
        Err(e) => r.bad(format!("无法读取 {SIGNATURE_FILE}：{e}")),
    }
    if let Some(k) = expected_key {
        if k.trim().eq_ignore_ascii_case(&m.public_key) {
            r.lines.push("✓ 公钥与登记的工作站公钥一致".into());
        } else {
            r.bad(format!(
                "公钥 {} 不是登记的工作站公钥 {}",
                keys::fingerprint(&m.public_key),
                keys::fingerprint(k.trim())
            ));
        }
    }
    match &m.folder {
        Some(signed) if *signed == name => {}
        Some(signed) => r.bad(format!(
            "文件夹名 {name} 与清单签名的名称 {signed} 不符（被改名的副本或未完成的导出）"
        )),
        None => r
            .lines
            .push("旧版清单：未记录文件夹名和导出编号".to_owned()),
    }
    for f in &m.files {
        match hash_file(&folder.join(&f.name)) {
            Ok((sha, bytes, lines)) => {
                if sha != f.sha256 || bytes != f.bytes {
                    r.bad(format!(
                        "{} 的 SHA-256 或大小与清单不符（文件被改动或损坏）",
                        f.name
                    ));
                } else if lines != f.count {
                    r.bad(format!("{} 有 {lines} 行，清单记录 {} 条", f.name, f.count));
                } else {
                    r.lines
                        .push(format!("✓ {} {} 条，SHA-256 一致", f.name, f.count));
                }
            }
            Err(e) => r.bad(format!("无法读取 {}（清单中列出）：{e}", f.name)),
        }
    }
    // Nothing but the listed files, the manifest and its signature.
    match std::fs::read_dir(folder) {
        Ok(rd) => {
            let mut extra: Vec<String> = rd
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n != MANIFEST_FILE
                        && n != SIGNATURE_FILE
                        && !m.files.iter().any(|f| f.name == *n)
                })
                .collect();
            extra.sort();
            for n in extra {
                r.bad(format!("{n} 不在清单中（导出后被放入的文件）"));
            }
        }
        Err(e) => r.bad(format!("无法列出文件夹内容：{e}")),
    }
    if let Some(id) = &m.export_id {
        r.lines.push(format!("导出编号：{id}"));
    }
    if let Some(a) = &m.audit_anchor {
        r.lines.push(format!("审计链锚点：{a}"));
    }
    r.manifest = Some(m);
    r
}

/// SHA-256 (hex), size and newline count of a file, streamed.
fn hash_file(path: &Path) -> std::io::Result<(String, u64, u64)> {
    // A FIFO put in place of a data file must not hang the check.
    let mut reader = BufReader::with_capacity(
        1 << 20,
        crate::app::exchange::batch_file::open_regular(path)?,
    );
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
