//! Exactly-once exports: rows wait in `export_pending` (queued by triggers),
//! an export run claims them under its id and target folder before anything
//! is written, and deletes them when its folder is in place. A run left
//! `writing` by a crash is finished or redone with the same id and rows.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::error::StoreError;
use super::{Tx, time};
use crate::domain::clerks::anchor::Anchor;

/// An export that claimed its rows but was not confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRun {
    pub id: i64,
    pub export_id: String,
    /// The folder the export was being written into, and its final name.
    pub out_dir: String,
    pub folder: String,
}

/// A partial folder an interrupted export may have left out of reach of
/// the export that redid it (see migration 9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub id: i64,
    pub path: String,
}

/// One stream of a run: how many rows, and the lowest and highest id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStream {
    pub count: u64,
    pub first: i64,
    pub last: i64,
}

/// What a confirmed export carried, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRecord {
    pub decisions: u64,
    pub registrations: u64,
    pub audit: u64,
    pub notices: u64,
    pub manifest_sha256: String,
}

impl Tx<'_> {
    /// Starts an export: records its id and target, and claims every queued
    /// row for it (one statement, so rows committed meanwhile wait for the next).
    pub fn begin_export(
        &self,
        export_id: &str,
        out_dir: &str,
        folder: &str,
        clerk_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.q(|c| {
            c.execute(
                "INSERT INTO exports (at, folder, clerk_id, decisions, registrations, audit, \
                 notices, manifest_sha256, export_id, out_dir, state) \
                 VALUES (?1, ?2, ?3, 0, 0, 0, 0, '', ?4, ?5, 'writing')",
                params![time::format(now), folder, clerk_id, export_id, out_dir],
            )?;
            let run = c.last_insert_rowid();
            c.execute(
                "UPDATE export_pending SET export_run = ?1 WHERE export_run IS NULL",
                [run],
            )?;
            Ok(run)
        })
    }

    /// Exports left `writing` by a crash (this database's only).
    pub fn unfinished_exports(&self) -> Result<Vec<ExportRun>, StoreError> {
        self.q(|c| {
            let mut stmt = c.prepare(
                "SELECT id, COALESCE(export_id, ''), COALESCE(out_dir, ''), folder FROM exports \
                 WHERE state = 'writing' ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(ExportRun {
                    id: r.get(0)?,
                    export_id: r.get(1)?,
                    out_dir: r.get(2)?,
                    folder: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// A run being redone elsewhere: the new target is recorded first.
    pub fn retarget_export(&self, run: i64, out_dir: &str, folder: &str) -> Result<(), StoreError> {
        self.q(|c| {
            c.execute(
                "UPDATE exports SET out_dir = ?2, folder = ?3 WHERE id = ?1 AND state = 'writing'",
                params![run, out_dir, folder],
            )
            .map(drop)
        })
    }

    /// Remembers a partial folder of `run` that could not be reached (it
    /// may be on an unplugged stick, or never have been written).
    pub fn record_leftover(
        &self,
        run: i64,
        path: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.q(|c| {
            c.execute(
                "INSERT INTO export_leftovers (export_run, path, at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (path) DO NOTHING",
                params![run, path, time::format(now)],
            )
            .map(drop)
        })
    }

    /// Every partial folder remembered and not yet removed, oldest first.
    pub fn export_leftovers(&self) -> Result<Vec<Leftover>, StoreError> {
        self.q(|c| {
            let mut stmt = c.prepare(
                "SELECT id, path FROM export_leftovers WHERE removed_at IS NULL ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Leftover {
                    id: r.get(0)?,
                    path: r.get(1)?,
                })
            })?;
            rows.collect()
        })
    }

    /// The folder was found and removed (or was never an export's).
    pub fn forget_leftover(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.q(|c| {
            c.execute(
                "UPDATE export_leftovers SET removed_at = ?2 WHERE id = ?1",
                params![id, time::format(now)],
            )
            .map(drop)
        })
    }

    /// Count and id range of one stream's rows claimed by `run`.
    pub fn run_stream(&self, run: i64, stream: &str) -> Result<RunStream, StoreError> {
        self.q(|c| {
            c.prepare_cached(
                "SELECT COUNT(*), COALESCE(MIN(row_id), 0), COALESCE(MAX(row_id), 0) \
                 FROM export_pending WHERE stream = ?1 AND export_run = ?2",
            )?
            .query_row(params![stream, run], |r| {
                Ok(RunStream {
                    count: r.get::<_, i64>(0)?.max(0) as u64,
                    first: r.get(1)?,
                    last: r.get(2)?,
                })
            })
        })
    }

    /// The chain head as of the newest audit row `run` carries (the
    /// receiver continues the chain from the rows it got).
    pub fn anchor_at(&self, seq: i64) -> Result<Option<Anchor>, StoreError> {
        self.q(|c| {
            c.query_row(
                "SELECT seq, hash FROM audit_log WHERE seq = ?1",
                [seq],
                |r| {
                    Ok(Anchor {
                        seq: r.get(0)?,
                        hash: r.get(1)?,
                    })
                },
            )
            .optional()
        })
    }

    /// The folder is in place: the rows leave the queue, the run is done.
    pub fn finish_export(
        &self,
        run: i64,
        r: &ExportRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.q(|c| {
            c.execute("DELETE FROM export_pending WHERE export_run = ?1", [run])?;
            c.execute(
                "UPDATE exports SET state = 'done', at = ?2, decisions = ?3, registrations = ?4, \
                 audit = ?5, notices = ?6, manifest_sha256 = ?7 WHERE id = ?1",
                params![
                    run,
                    time::format(now),
                    r.decisions as i64,
                    r.registrations as i64,
                    r.audit as i64,
                    r.notices as i64,
                    r.manifest_sha256
                ],
            )
            .map(drop)
        })
    }
}
