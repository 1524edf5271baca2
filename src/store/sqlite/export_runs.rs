//! Exactly-once exports: rows wait in `export_pending` (queued by triggers),
//! an export run claims them under its id and target folder before anything
//! is written, and deletes them when its folder is in place. A run left
//! `writing` by a crash is finished or redone with the same id and rows.

use super::SqliteTx;
use super::error::StoreResult;
use crate::domain::clerks::anchor::Anchor;
use crate::store::exchange::{ExportRecord, ExportRun, ExportRuns, Leftover, NewExport, RunStream};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl ExportRuns for SqliteTx<'_> {
    fn begin_export(&self, e: &NewExport<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.execute(
                "INSERT INTO exports (at, folder, clerk_id, decisions, registrations, audit, \
                 notices, manifest_sha256, export_id, out_dir, state, signer) \
                 VALUES (?1, ?2, ?3, 0, 0, 0, 0, '', ?4, ?5, 'writing', ?6)",
                params![
                    time::format(now),
                    e.folder,
                    e.clerk_id,
                    e.export_id,
                    e.out_dir,
                    e.signer
                ],
            )?;
            let run = c.last_insert_rowid();
            c.execute(
                "UPDATE export_pending SET export_run = ?1 WHERE export_run IS NULL",
                [run],
            )?;
            Ok(run)
        })
    }

    fn unfinished_exports(&self, signer: Option<&str>) -> StoreResult<Vec<ExportRun>> {
        self.q(|c| {
            let mut stmt = c.prepare(
                "SELECT id, COALESCE(export_id, ''), COALESCE(out_dir, ''), folder FROM exports \
                 WHERE state = 'writing' AND (?1 IS NULL OR signer = ?1) ORDER BY id",
            )?;
            let rows = stmt.query_map([signer], |r| {
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

    fn retarget_export(&self, run: i64, out_dir: &str, folder: &str) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE exports SET out_dir = ?2, folder = ?3 WHERE id = ?1 AND state = 'writing'",
                params![run, out_dir, folder],
            )
            .map(drop)
        })
    }

    fn record_leftover(&self, run: i64, path: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "INSERT INTO export_leftovers (export_run, path, at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (path) DO NOTHING",
                params![run, path, time::format(now)],
            )
            .map(drop)
        })
    }

    fn export_leftovers(&self) -> StoreResult<Vec<Leftover>> {
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

    fn forget_leftover(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        self.q(|c| {
            c.execute(
                "UPDATE export_leftovers SET removed_at = ?2 WHERE id = ?1",
                params![id, time::format(now)],
            )
            .map(drop)
        })
    }

    fn run_stream(&self, run: i64, stream: &str) -> StoreResult<RunStream> {
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

    fn anchor_at(&self, seq: i64) -> StoreResult<Option<Anchor>> {
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

    fn finish_export(&self, run: i64, r: &ExportRecord, now: DateTime<Utc>) -> StoreResult<()> {
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
