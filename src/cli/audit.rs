//! `verify-audit` and `audit-anchor`: the audit chain checked from outside
//! the window, on a read-only copy if need be.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::db::Db;
use crate::app::runtime::paths::DbChoice;
use crate::domain::clerks::anchor::Anchor;
use crate::store::{AnchorSource, AuditVerdict, NewAnchor};

/// Files larger than this are not searched for anchors (a receipt or a
/// manifest is a few kB; a photo batch is not an anchor).
const MAX_ANCHOR_FILE: u64 = 64 * 1024 * 1024;
/// How deep `--anchor DIR` looks.
const MAX_DEPTH: usize = 4;

/// `counterdesk verify-audit [--db PATH|URL] [--anchor FILE_OR_DIR]…`: prints
/// `OK <rows>` and returns 0, or `BROKEN …` and returns 1.
pub fn verify(
    db: Option<DbChoice>,
    anchors: &[PathBuf],
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let db = Db::resolve(db)?.read_only()?;
    let mut found = Vec::new();
    for a in anchors {
        collect_anchors(a, 0, &mut found)
            .with_context(|| format!("无法读取锚点 {}", a.display()))?;
    }
    if !anchors.is_empty() && found.is_empty() {
        bail!("在给出的锚点文件中没有找到审计锚点（CDANCHOR1 …）");
    }
    let rows = match db.verify_audit()? {
        AuditVerdict::Intact { rows } => rows,
        AuditVerdict::Broken { seq, reason } => {
            writeln!(out, "BROKEN row {seq}: {reason}")?;
            return Ok(1);
        }
    };
    for (anchor, source) in &found {
        if let Some(reason) = db.check_anchor(anchor)? {
            writeln!(
                out,
                "BROKEN anchor seq={} ({}): {reason}",
                anchor.seq,
                source.display()
            )?;
            return Ok(1);
        }
    }
    if found.is_empty() {
        writeln!(out, "OK {rows}")?;
        writeln!(
            out,
            "注意：未给出锚点（--anchor），这只证明哈希链前后自洽。能写数据库文件的人可以删去末尾记录并改回链头，或整条重写哈希链，这两种改动只有用离开本机的锚点（导出、回执、锚点文件）才能发现。"
        )?;
    } else {
        let newest = found.iter().map(|(a, _)| a.seq).max().unwrap_or(0);
        writeln!(out, "OK {rows} (anchors {})", found.len())?;
        writeln!(
            out,
            "锚点核对：数据库仍完整含有这些锚点记载的记录（至第 {newest} 条）；第 {newest} 条之后的记录只由哈希链本身保护。"
        )?;
    }
    Ok(0)
}

/// `counterdesk audit-anchor [--db PATH|URL] [--out FILE]`: the current chain
/// head as an anchor token, to keep outside the PC (or the server).
pub fn anchor(
    db: Option<DbChoice>,
    out_file: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let target = Db::resolve(db)?;
    let db = target.read_only()?;
    if let AuditVerdict::Broken { seq, reason } = db.verify_audit()? {
        writeln!(out, "BROKEN row {seq}: {reason}")?;
        return Ok(1);
    }
    let Some(anchor) = db.audit_anchor()? else {
        bail!("审计日志为空，没有可记录的锚点");
    };
    drop(db);
    match out_file {
        Some(f) => {
            crate::app::runtime::files::write_atomically(f, format!("{anchor}\n").as_bytes())
                .with_context(|| format!("无法写入 {}", f.display()))?;
            writeln!(out, "{anchor}")?;
            // Recorded, so the window's reminder knows an anchor left the PC.
            let recorded = target.open().and_then(|mut s| {
                Ok(s.write(|tx| {
                    let detail = f.display().to_string();
                    let anchor = NewAnchor::new(&anchor, AnchorSource::File, &detail);
                    tx.record_anchor(&anchor, super::queue::now())
                })?)
            });
            if let Err(e) = recorded {
                eprintln!(
                    "提示：锚点已写入文件，但未能记入数据库（{e}），工作台的锚点提醒不会知道这次锚点。"
                );
            }
        }
        None => writeln!(out, "{anchor}")?,
    }
    Ok(0)
}

fn collect_anchors(
    p: &Path,
    depth: usize,
    found: &mut Vec<(Anchor, PathBuf)>,
) -> anyhow::Result<()> {
    let meta = std::fs::metadata(p)?;
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(p)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            collect_anchors(&e.path(), depth + 1, found)?;
        }
    } else if meta.is_file() && meta.len() <= MAX_ANCHOR_FILE {
        let bytes = std::fs::read(p)?;
        for a in Anchor::find_all(&bytes) {
            if !found.iter().any(|(f, _)| *f == a) {
                found.push((a, p.to_path_buf()));
            }
        }
    }
    Ok(())
}
