//! `counterdesk check-db`: the full integrity check of a database file, which
//! start-up skips for files over 8 MiB. Read-only: the file is never changed.
//! On the office server: every row a clerk reads decoded in one read-only
//! snapshot; the server's own files (pages, indexes) are IT's to check there.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use super::db::Db;
use crate::app::runtime::paths::DbChoice;
use crate::store::postgres::Target;
use crate::store::{ReadOnlyDb, StoreError, full_check};

/// Exit codes: 0 intact, 1 damaged, 2 cannot open (missing, not a workstation
/// database, newer version, busy; on the server: unreachable, other version).
pub fn run(db: Option<DbChoice>, out: &mut impl Write) -> anyhow::Result<u8> {
    let path = match Db::resolve(db)? {
        Db::File(p) => p,
        Db::Office(t) => return run_office(*t, out),
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
            unfinished_exports(&crate::store::ReadOnlyDb::open(&path)?, None, out)?;
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

/// The office server: each table's rows through the store's decoders.
fn run_office(target: Target, out: &mut impl Write) -> anyhow::Result<u8> {
    let started = Instant::now();
    let db = match ReadOnlyDb::open_office(target.clone(), crate::store::postgres::Prompt::Terminal)
    {
        Ok(db) => db,
        Err(e) => {
            writeln!(out, "无法检查：{e}")?;
            return Ok(2);
        }
    };
    let counts = match db.check_server_values() {
        Ok(c) => c.unwrap_or_default(),
        Err(e @ StoreError::CorruptRow { .. }) => {
            writeln!(out, "{e}")?;
            return Ok(1);
        }
        Err(e) => {
            writeln!(out, "无法检查：{e}")?;
            return Ok(2);
        }
    };
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(secs, "office server value check");
    let rows: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n} 行")).collect();
    writeln!(
        out,
        "数据核对通过：{target}（{}，用时 {secs:.1} 秒）",
        rows.join("，")
    )?;
    writeln!(
        out,
        "说明：工作台在服务器上只能逐行核对数据；服务器文件本身的完整性（数据页、索引）由信息科在服务器上检查（例如 pg_amcheck）和备份。"
    )?;
    // This workstation's interrupted exports only: another's are on its PC.
    let key = crate::app::exchange::keys::office_home()
        .and_then(|home| crate::app::exchange::keys::existing_public(&home));
    match key {
        Ok(Some(k)) => unfinished_exports(&db, Some(&k), out)?,
        Ok(None) => {}
        Err(e) => writeln!(
            out,
            "注意：无法读取本机签名密钥，未核对本机中断的导出（{e}）。"
        )?,
    }
    Ok(0)
}

/// Exports a crash left unconfirmed, with the folders they left: a partial
/// folder holds full identity numbers until the next export removes it.
/// `signer`: only that workstation key's runs (the office server).
fn unfinished_exports(
    db: &ReadOnlyDb,
    signer: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
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
    let runs = db.unfinished_exports(signer)?;
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
