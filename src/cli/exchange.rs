//! `import`, `export`, `verify-export` and `demo-data --out`: data exchange
//! from the command line.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use super::db::Db;
use super::queue::now;
use crate::app::exchange::Phase;
use crate::app::exchange::Progress;
use crate::app::exchange::demo_batch;
use crate::app::exchange::export::ExportOptions;
use crate::app::exchange::export::Settled;
use crate::app::exchange::export::export_with;
use crate::app::exchange::import::ImportError;
use crate::app::exchange::import::ImportOptions;
use crate::app::exchange::import::import_file;
use crate::app::exchange::verify::find_exports;
use crate::app::exchange::verify::verify_folder;
use crate::app::runtime::paths::DbChoice;

/// The file must exist; the office server is connected to.
fn existing_db(db: Option<DbChoice>) -> anyhow::Result<Db> {
    let db = Db::resolve(db)?;
    db.must_exist()?;
    Ok(db)
}

/// Prints the progress to stderr every 200 ms until `stop`.
fn progress_printer(progress: Arc<Progress>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut last = String::new();
        while !stop.load(Ordering::Relaxed) {
            let (done, total) = progress.counts();
            let line = match progress.phase() {
                Phase::Reading if total > 0 => format!("导入进度：读取 {}%", done * 100 / total),
                Phase::Reading => String::new(),
                Phase::Photos => format!("导入进度：核对照片 {done}/{total}"),
                Phase::Writing => format!("导入进度：写入 {done}/{total}"),
                Phase::Done => String::new(),
            };
            if !line.is_empty() && line != last {
                eprintln!("{line}");
                last = line;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    })
}

/// `counterdesk import FILE [--db PATH]`: 0 imported, 1 rejected, 2 error.
pub fn import(db: Option<DbChoice>, file: &Path, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut store = existing_db(db)?.open()?;
    let progress = Progress::new();
    let stop = Arc::new(AtomicBool::new(false));
    let printer = progress_printer(progress.clone(), stop.clone());
    let started = std::time::Instant::now();
    let result = import_file(
        &mut store,
        now(),
        None,
        file,
        &progress,
        &ImportOptions::default(),
    );
    stop.store(true, Ordering::Relaxed);
    let _ = printer.join();
    match result {
        Ok(s) => {
            writeln!(
                out,
                "已导入 {} 件申请，已存在跳过 {} 件，新照片 {} 张（共 {} 行，用时 {:.1} 秒）",
                s.imported,
                s.skipped,
                s.photos,
                s.lines,
                started.elapsed().as_secs_f64()
            )?;
            Ok(0)
        }
        Err(ImportError::Rejected(r)) => {
            writeln!(
                out,
                "批次 {} 未导入：{} 处问题（共 {} 行）。申请数据未作任何修改；本次尝试已记入审计日志。",
                r.file_name, r.problems.total, r.lines
            )?;
            for p in &r.problems.shown {
                writeln!(out, "第 {} 行：{}", p.line, p.message)?;
            }
            if r.problems.total > r.problems.shown.len() as u64 {
                writeln!(
                    out,
                    "……另有 {} 处问题未列出",
                    r.problems.total - r.problems.shown.len() as u64
                )?;
            }
            Ok(1)
        }
        Err(ImportError::Cancelled) => {
            writeln!(out, "导入已取消，数据库未作任何修改。")?;
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}

/// `counterdesk export --out DIR [--db PATH]`.
pub fn run_export(db: Option<DbChoice>, dir: &Path, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut store = existing_db(db)?.open()?;
    let s = export_with(&mut store, now(), None, dir, &ExportOptions::default())?;
    for p in &s.removed_partials {
        writeln!(out, "已删除上次中断的导出留下的临时文件夹 {}", p.display())?;
    }
    for st in &s.settled {
        match st {
            Settled::Confirmed(p) => {
                writeln!(out, "上次中断的导出 {} 已完整写出，现已确认", p.display())?
            }
            Settled::Redone(p) => writeln!(
                out,
                "上次中断的导出已按原导出编号重新写出到 {}",
                p.display()
            )?,
        }
    }
    writeln!(
        out,
        "已导出到 {}（导出编号 {}）",
        s.folder.display(),
        s.export_id
    )?;
    writeln!(
        out,
        "审核决定 {} 条，面签 {} 条，审计记录 {} 条，通知 {} 条",
        s.decisions, s.registrations, s.audit, s.notices
    )?;
    if let Some(a) = &s.anchor {
        writeln!(out, "{a}")?;
    }
    writeln!(out, "工作站公钥 {}", s.public_key)?;
    Ok(0)
}

/// `counterdesk verify-export DIR [--key HEX]`: 0 every export in the tree
/// intact, 1 any not (or a partial or manifest-less lookalike), 2 none found.
pub fn verify_export(dir: &Path, key: Option<&str>, out: &mut dyn Write) -> anyhow::Result<u8> {
    let folders = find_exports(dir).with_context(|| format!("无法读取目录 {}", dir.display()))?;
    if folders.is_empty() {
        writeln!(
            out,
            "{} 及其子文件夹中没有任何导出（没有导出清单 manifest.json，也没有导出文件夹）",
            dir.display()
        )?;
        return Ok(2);
    }
    let mut broken = 0;
    for f in &folders {
        let r = verify_folder(f, key);
        writeln!(
            out,
            "{} {}",
            if r.intact { "OK" } else { "BROKEN" },
            f.display()
        )?;
        for l in &r.lines {
            writeln!(out, "  {l}")?;
        }
        if !r.intact {
            broken += 1;
        }
    }
    if folders.len() > 1 {
        writeln!(
            out,
            "共 {} 个导出，{} 个完好，{broken} 个有问题",
            folders.len(),
            folders.len() - broken
        )?;
    }
    Ok(if broken == 0 { 0 } else { 1 })
}

/// `counterdesk demo-data --out FILE --applications N [--seed N]`.
pub fn demo_batch(file: &Path, n: u64, seed: u64, out: &mut dyn Write) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    demo_batch::write_batch(file, n, seed, now())
        .with_context(|| format!("无法写入批次文件 {}", file.display()))?;
    writeln!(
        out,
        "已生成 {n} 件申请的批次 {}（照片在同一目录，以 SHA-256 命名），用时 {:.1} 秒",
        file.display(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(0)
}

/// `counterdesk backup --out FILE [--db PATH]`: an online copy, checked.
/// The office server is refused without connecting: IT backs it up there.
pub fn backup(db: Option<DbChoice>, file: &Path, out: &mut dyn Write) -> anyhow::Result<u8> {
    let path = match existing_db(db)? {
        Db::File(p) => p,
        Db::Office(t) => return Err(crate::store::backup_not_on_server(t.to_string()).into()),
    };
    let started = std::time::Instant::now();
    let bytes = crate::app::clerks::backup::backup_file(
        &path,
        file,
        crate::app::clerks::backup::By::CommandLine,
        now(),
    )?;
    writeln!(
        out,
        "已备份到 {}（{:.1} MB，完整性检查通过，用时 {:.1} 秒）",
        file.display(),
        bytes as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    )?;
    Ok(0)
}
