//! `counterdesk check-db`: the full integrity check of a database file, which
//! start-up skips for files over 8 MiB. Read-only: the file is never changed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::store::{StoreError, full_check};

/// Exit codes: 0 intact, 1 damaged, 2 cannot open (missing, not a workstation
/// database, newer version, busy).
pub fn run(db: Option<PathBuf>, out: &mut impl Write) -> anyhow::Result<u8> {
    let path = match db {
        Some(p) => p,
        None => crate::app::runtime::paths::default_db_path()?,
    };
    if !path.exists() {
        writeln!(out, "错误：数据库文件 {} 不存在。", path.display())?;
        return Ok(2);
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let verdict = full_check(&path);
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(ok = verdict.is_ok(), size, secs, "full database check");
    match verdict {
        Ok(()) => {
            writeln!(
                out,
                "完整性检查通过：{}（{:.1} MB，用时 {secs:.1} 秒）",
                path.display(),
                size as f64 / 1_048_576.0
            )?;
            unfinished_exports(&path, out)?;
            Ok(0)
        }
        Err(e @ (StoreError::Corrupt { .. } | StoreError::CorruptRow { .. })) => {
            writeln!(out, "{e}")?;
            Ok(1)
        }
        Err(e) => {
            writeln!(out, "无法检查：{e}")?;
            Ok(2)
        }
    }
}

/// Exports a crash left unconfirmed, with the folders they left: a partial
/// folder holds full identity numbers until the next export removes it.
fn unfinished_exports(path: &std::path::Path, out: &mut impl Write) -> anyhow::Result<()> {
    let db = crate::store::ReadOnlyDb::open(path)?;
    // Folders of exports redone elsewhere, found again (a stick plugged back in).
    for l in db.export_leftovers()? {
        let p = std::path::Path::new(&l.path);
        if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
            writeln!(
                out,
                "注意：中断的导出留下了临时文件夹 {}（含完整证件号码），该导出已在别处重新写出；下次导出时会自动删除它。",
                p.display()
            )?;
        }
    }
    let runs = db.unfinished_exports()?;
    for run in runs {
        let dir = PathBuf::from(&run.out_dir);
        let partial = dir.join(crate::domain::exchange::manifest::partial_name(&run.folder));
        let folder = dir.join(&run.folder);
        if partial.exists() {
            writeln!(
                out,
                "注意：中断的导出留下了临时文件夹 {}（含完整证件号码），下次导出时会自动删除并以原导出编号重新导出。",
                partial.display()
            )?;
        } else if folder.exists() {
            writeln!(
                out,
                "注意：导出 {} 已写出但未确认，下次导出时会核对并确认。",
                folder.display()
            )?;
        } else {
            writeln!(
                out,
                "注意：导出 {} 中断（文件夹不在本机，可能在拔下的 U 盘上），下次导出时会以原导出编号重新导出。",
                folder.display()
            )?;
        }
    }
    Ok(())
}
