//! `counterdesk migrate --from FILE.sqlite3 --to postgres://ADMIN@host/db`:
//! moves one workstation into the office server (see docs/office.md,
//! "Moving a counter into the office"). Progress per table on stderr, the
//! summary on stdout. Exit 0 migrated, 1 refused (already migrated,
//! colliding numbers), 2 any other error.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::store::postgres::{
    Connector, MigrateInError, MigrateJob, Prompt, Target, is_office_url, migrate_in,
};

/// Parses `OLD=NEW` for `--rename-clerk`.
pub fn parse_rename(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_owned(), b.trim().to_owned()))
        }
        _ => Err(format!("应写成 旧用户名=新用户名，而不是 {s}")),
    }
}

pub fn migrate(
    from: &Path,
    to: &str,
    renames: Vec<(String, String)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    if !is_office_url(to) {
        anyhow::bail!(
            "--to 应为办公室服务器地址 postgres://管理员@主机/库名（与 office-init 相同），而不是 {to}"
        );
    }
    if !from.is_file() {
        anyhow::bail!("找不到源数据库文件 {}", from.display());
    }
    let target = Target::parse(to)?;
    let mut client = Connector::new(target.clone(), Prompt::Terminal)?
        .connect()
        .with_context(|| format!("无法连接{target}"))?;
    let job = MigrateJob {
        source: from,
        renames,
        actor: crate::app::clerks::access::cli_actor(),
    };
    writeln!(err, "正在把 {} 迁入{target}……", from.display())?;
    let mut progress = |table: &str, rows: u64| {
        let _ = writeln!(err, "已复制 {table}：{rows} 行");
    };
    let report = match migrate_in(&mut client, &target, &job, &mut progress) {
        Ok(r) => r,
        Err(e @ (MigrateInError::AlreadyMigrated { .. } | MigrateInError::Collisions { .. })) => {
            writeln!(out, "{e}")?;
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    let rows: u64 = report.copied.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "已迁入（迁入记录 {}）：{rows} 行数据，审计章节 {} 条（链头 {}），办公室审计链第 {} 条记载此次迁入。",
        report.migration_id, report.chapter_rows, report.chapter_head, report.office_seq
    )?;
    for n in &report.notes {
        writeln!(out, "注意：{n}")?;
    }
    writeln!(
        out,
        "源文件未改动。请让该工作台今后以 --db postgres://counterdesk_app@主机/库名 连接办公室服务器。"
    )?;
    Ok(0)
}
