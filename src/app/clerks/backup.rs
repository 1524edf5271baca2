//! Backups: `counterdesk backup --out FILE`, 系统设置 → 立即备份, and the
//! daily automatic backup into the folder set there (keeping the newest N).
//! Each copy is made with SQLite's online backup (safe while windows are
//! open), checked with the full integrity check, logged and audited. Runs on
//! a background job or the command line, never on the UI thread.

use crate::domain::clerks::audit_target::AuditTarget;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::anchor::backup_overdue;
use crate::domain::clerks::audit::AuditAction;
use crate::store::{NewAuditEvent, NewBackup, Store, backup_to};

/// Prefix and suffix of the files the automatic backup makes (and prunes).
const PREFIX: &str = "counterdesk-backup-";
const SUFFIX: &str = ".sqlite3";

/// Who made a copy, for the audit: a clerk, the command line or the timer.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Clerk(&'a SessionClerk),
    CommandLine,
    Daily,
}

/// Copies the database at `db` to `dest` (new file), checks, logs and
/// audits it; returns the copy's size.
pub fn backup_file(
    db: &Path,
    dest: &Path,
    by: By<'_>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let bytes = backup_to(db, dest)?;
    let (actor_id, actor, how) = match by {
        By::Clerk(c) => (Some(c.id), c.username.clone(), "手动备份"),
        By::CommandLine => (
            None,
            crate::app::clerks::access::cli_actor(),
            "命令行 backup",
        ),
        By::Daily => (
            None,
            format!("自动备份 {}", crate::app::runtime::os_account::os_actor()),
            "每日自动备份",
        ),
    };
    let mut store = Store::open(db)?;
    store.write(|tx| {
        let backup = NewBackup {
            file: dest,
            bytes,
            auto: matches!(by, By::Daily),
        };
        tx.record_backup(&backup, now)?;
        tx.append_audit(
            &NewAuditEvent {
                actor_id,
                actor,
                action: AuditAction::DatabaseBackedUp,
                target: AuditTarget::Backup,
                detail: format!(
                    "{how}：{}（{:.1} MB，完整性检查通过）",
                    dest.display(),
                    bytes as f64 / 1_048_576.0
                ),
            },
            now,
        )
        .map(drop)
    })?;
    tracing::info!(bytes, "database backed up");
    Ok(bytes)
}

/// A new backup in `dir`, then only the newest `keep` of ours are kept.
pub fn backup_to_folder(
    db: &Path,
    dir: &Path,
    keep: u32,
    by: By<'_>,
    now: DateTime<Utc>,
) -> Result<PathBuf, AppError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| AppError::Rejected(crate::app::runtime::files::write_failed(dir, &e)))?;
    let stamp = crate::app::runtime::clock::to_local(now)
        .format("%Y%m%d-%H%M%S")
        .to_string();
    let mut dest = dir.join(format!("{PREFIX}{stamp}{SUFFIX}"));
    let mut n = 1;
    while dest.exists() {
        n += 1;
        dest = dir.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
    }
    backup_file(db, &dest, by, now)?;
    prune(dir, keep);
    Ok(dest)
}

/// Deletes our oldest backups beyond `keep` (names sort by time).
fn prune(dir: &Path, keep: u32) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut ours: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    ours.sort();
    let extra = ours.len().saturating_sub(keep.max(1) as usize);
    for p in ours.into_iter().take(extra) {
        if let Err(e) = std::fs::remove_file(&p) {
            tracing::warn!(error = %e, "old backup not removed");
        }
    }
}

/// The daily backup, if it is switched on and the last one is a day old.
pub fn daily_if_due(db: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>, AppError> {
    let (settings, last) =
        Store::open_reader(db)?.read(|tx| Ok((tx.settings()?, tx.last_backup_at()?)))?;
    if !settings.backup_daily || settings.backup_dir.is_empty() || !backup_overdue(last, now) {
        return Ok(None);
    }
    backup_to_folder(
        db,
        Path::new(&settings.backup_dir),
        settings.backup_keep,
        By::Daily,
        now,
    )
    .map(Some)
}
