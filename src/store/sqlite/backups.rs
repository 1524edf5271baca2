//! Backups: SQLite's online backup API copies the live database page by page
//! under one read transaction (safe while windows write to it), into a
//! temporary file that is checked with the full integrity check before it
//! takes its name. `backups` logs each copy for the reminder.

use super::SqliteTx;
use super::decode::Cols;
use super::error::{StoreError, io_error};
use super::open;
use crate::store::error::StoreResult;
use crate::store::exchange::{Backups, NewBackup};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Copies the database at `src` to `dest` (which must not exist yet) and
/// checks the copy; returns its size. Nothing is left at `dest` on failure.
pub fn backup_to(src: &Path, dest: &Path) -> StoreResult<u64> {
    if dest.exists() {
        return Err(StoreError::BackupExists {
            path: dest.to_path_buf(),
        });
    }
    let mut tmp = dest.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let result = copy_and_check(src, &tmp, dest);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn copy_and_check(src: &Path, tmp: &Path, dest: &Path) -> StoreResult<u64> {
    let source = open::open_read_only(src)?;
    // Errors name the file asked for, not the temporary one.
    let sql = |e| super::error::from_sqlite(dest, e);
    {
        let _ = std::fs::remove_file(tmp);
        // A backup holds every identity number: owner-only from its first
        // byte (SQLite gives its journal the same mode).
        crate::store::create_private_file(tmp).map_err(io_error(dest))?;
        let mut target = Connection::open(tmp).map_err(sql)?;
        let backup = Backup::new(&source, &mut target).map_err(sql)?;
        // -1: every page in one step, so the copy is one consistent snapshot.
        loop {
            match backup.step(-1).map_err(sql)? {
                StepResult::Done => break,
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    drop(source);
    open::full_check(tmp)?;
    let file = std::fs::File::open(tmp).map_err(io_error(dest))?;
    file.sync_all().map_err(io_error(dest))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    drop(file);
    std::fs::rename(tmp, dest).map_err(io_error(dest))?;
    if let Some(dir) = dest.parent() {
        crate::store::sync_dir(dir).map_err(io_error(dir))?;
    }
    Ok(bytes)
}

impl Backups for SqliteTx<'_> {
    fn record_backup(&self, b: &NewBackup<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "INSERT INTO backups (at, file, bytes, auto) VALUES (?1, ?2, ?3, ?4)",
                params![
                    time::format(now),
                    b.file.to_string_lossy(),
                    b.bytes as i64,
                    b.auto
                ],
            )
            .map(drop)
        })
    }

    fn last_backup_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        self.q(|c| {
            c.prepare_cached("SELECT id, at FROM backups ORDER BY id DESC LIMIT 1")?
                .query_row([], |r| Cols::new(r, "backups", 0)?.time(1, "at"))
                .optional()
        })
    }
}
