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
        None => crate::app::paths::default_db_path()?,
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
            Ok(0)
        }
        Err(e @ StoreError::Corrupt { .. }) => {
            writeln!(out, "{e}")?;
            Ok(1)
        }
        Err(e) => {
            writeln!(out, "无法检查：{e}")?;
            Ok(2)
        }
    }
}
