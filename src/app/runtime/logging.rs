//! Logs that exist: a daily rolling file in the data directory (always, at
//! `info` unless `RUST_LOG` says otherwise) plus stderr when `RUST_LOG` is
//! set. Nothing personal is ever logged: the code logs kinds, counts and
//! timings, never names, numbers, passwords or typed user names.
//!
//! A panic writes a crash report beside the log (location and backtrace,
//! never the panic message, which can quote what the clerk typed); the next
//! start tells the clerk.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Overrides the log folder (tests, portable installs).
pub const LOG_DIR_ENV: &str = "COUNTERDESK_LOG_DIR";
const KEEP_DAYS: usize = 30;
const CRASH_PREFIX: &str = "crash-";

pub fn log_dir() -> PathBuf {
    if let Some(d) = std::env::var_os(LOG_DIR_ENV) {
        return PathBuf::from(d);
    }
    directories::ProjectDirs::from("cn", "CounterDesk", "CounterDesk")
        .map(|d| d.data_dir().join("logs"))
        .unwrap_or_else(|| std::env::temp_dir().join("counterdesk-logs"))
}

/// Installs the subscriber. `to_file` is for the window; the headless
/// commands log to stderr only, and only with `RUST_LOG`. Keep the guard
/// alive until exit, or buffered lines are lost.
pub fn init(to_file: bool) -> Option<WorkerGuard> {
    let env = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let filter = |default: &str| {
        EnvFilter::try_new(env.as_deref().unwrap_or(default))
            .unwrap_or_else(|_| EnvFilter::new(default))
    };
    let stderr = env.is_some().then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter("warn"))
    });
    let mut guard = None;
    let file = if to_file {
        let dir = log_dir();
        let appender = std::fs::create_dir_all(&dir).ok().and_then(|()| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .filename_prefix("counterdesk")
                .filename_suffix("log")
                .max_log_files(KEEP_DAYS)
                .build(&dir)
                .ok()
        });
        appender.map(|a| {
            let (writer, g) = tracing_appender::non_blocking(a);
            guard = Some(g);
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter("counterdesk=info,warn"))
        })
    } else {
        None
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    guard
}

/// Writes `crash-<time>.txt` into `dir` on panic, then runs the default hook.
pub fn install_panic_hook(dir: PathBuf) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let at = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "未知位置".to_owned());
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        let report = format!(
            "CounterDesk {} 故障报告\n时间（UTC）：{at}\n线程：{thread}\n位置：{location}\n\
             （不含故障信息原文：其中可能含有录入的个人信息）\n\n{}\n",
            env!("CARGO_PKG_VERSION"),
            std::backtrace::Backtrace::force_capture()
        );
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{CRASH_PREFIX}{at}.txt")), report);
        tracing::error!(%location, thread, "panic; crash report written");
        default(info);
    }));
}

/// Crash reports not yet shown; each is marked as seen (renamed) so the
/// notice appears once.
pub fn take_crash_reports(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(CRASH_PREFIX) && name.ends_with(".txt") {
            let seen = e.path().with_extension("txt.seen");
            if std::fs::rename(e.path(), &seen).is_ok() {
                out.push(seen);
            }
        }
    }
    out.sort();
    out
}

/// The sentence the login screen shows after a crash.
pub fn crash_notice(reports: &[PathBuf]) -> Option<String> {
    let last = reports.last()?;
    Some(format!(
        "工作台上次意外退出。已自动保存的草稿会在登录后恢复；故障报告（不含个人信息）已保存在 {}，请交信息科。",
        last.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_reports_are_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("crash-20261123-010203.txt"), "x").unwrap();
        std::fs::write(dir.path().join("counterdesk.2026-11-23.log"), "x").unwrap();
        let first = take_crash_reports(dir.path());
        assert_eq!(first.len(), 1);
        assert!(crash_notice(&first).unwrap().contains("故障报告"));
        assert!(take_crash_reports(dir.path()).is_empty());
    }
}
