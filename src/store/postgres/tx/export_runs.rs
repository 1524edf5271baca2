//! Exactly-once exports on the server: rows wait in `export_pending`
//! (queued by SECURITY DEFINER triggers as they are inserted), a run claims
//! the committed ones under its id before anything is written, and deletes
//! them when its folder is in place. Rows still in flight when a run begins
//! are not visible to it and wait for the next run; two runs beginning at
//! once never claim the same row (the second one's UPDATE waits for the
//! first's commit and then skips what it took).

use chrono::{DateTime, Utc};

use super::{PgTx, big};
use crate::domain::clerks::anchor::Anchor;
use crate::store::StoreError;
use crate::store::exchange::{ExportRecord, ExportRun, ExportRuns, Leftover, NewExport, RunStream};
use crate::store::time;

impl ExportRuns for PgTx<'_> {
    fn begin_export(&self, e: &NewExport<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let run: i64 = self.scalar(
            "INSERT INTO exports (at, folder, clerk_id, decisions, registrations, audit, \
             notices, manifest_sha256, export_id, out_dir, state, signer) \
             VALUES ($1, $2, $3, 0, 0, 0, 0, '', $4, $5, 'writing', $6) RETURNING id",
            &[
                &time::format(now),
                &e.folder,
                &e.clerk_id,
                &e.export_id,
                &e.out_dir,
                &e.signer,
            ],
        )?;
        // Staged audit rows enter export_pending as they link.
        self.link_staged()?;
        self.exec(
            "UPDATE export_pending SET export_run = $1 WHERE export_run IS NULL",
            &[&run],
        )?;
        Ok(run)
    }

    fn unfinished_exports(&self, signer: Option<&str>) -> Result<Vec<ExportRun>, StoreError> {
        self.rows(
            "SELECT id, COALESCE(export_id, ''), COALESCE(out_dir, ''), folder FROM exports \
             WHERE state = 'writing' AND ($1::text IS NULL OR signer = $1) ORDER BY id",
            &[&signer],
        )?
        .iter()
        .map(|r| {
            Ok(ExportRun {
                id: self.get(r, 0)?,
                export_id: self.get(r, 1)?,
                out_dir: self.get(r, 2)?,
                folder: self.get(r, 3)?,
            })
        })
        .collect()
    }

    fn retarget_export(&self, run: i64, out_dir: &str, folder: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE exports SET out_dir = $2, folder = $3 WHERE id = $1 AND state = 'writing'",
            &[&run, &out_dir, &folder],
        )
        .map(drop)
    }

    fn record_leftover(&self, run: i64, path: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO export_leftovers (export_run, path, at) VALUES ($1, $2, $3) \
             ON CONFLICT (path) DO NOTHING",
            &[&run, &path, &time::format(now)],
        )
        .map(drop)
    }

    fn export_leftovers(&self) -> Result<Vec<Leftover>, StoreError> {
        self.rows(
            "SELECT id, path FROM export_leftovers WHERE removed_at IS NULL ORDER BY id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Leftover {
                id: self.get(r, 0)?,
                path: self.get(r, 1)?,
            })
        })
        .collect()
    }

    fn forget_leftover(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.exec(
            "UPDATE export_leftovers SET removed_at = $2 WHERE id = $1",
            &[&id, &time::format(now)],
        )
        .map(drop)
    }

    fn run_stream(&self, run: i64, stream: &str) -> Result<RunStream, StoreError> {
        let r = self.one(
            "SELECT count(*), COALESCE(min(row_id), 0), COALESCE(max(row_id), 0) \
             FROM export_pending WHERE stream = $1 AND export_run = $2",
            &[&stream, &run],
        )?;
        let count: i64 = self.get(&r, 0)?;
        Ok(RunStream {
            count: u64::try_from(count).unwrap_or(0),
            first: self.get(&r, 1)?,
            last: self.get(&r, 2)?,
        })
    }

    fn anchor_at(&self, seq: i64) -> Result<Option<Anchor>, StoreError> {
        self.link_staged()?;
        self.opt("SELECT seq, hash FROM audit_log WHERE seq = $1", &[&seq])?
            .map(|r| {
                Ok(Anchor {
                    seq: self.get(&r, 0)?,
                    hash: self.get(&r, 1)?,
                })
            })
            .transpose()
    }

    fn finish_export(
        &self,
        run: i64,
        r: &ExportRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec("DELETE FROM export_pending WHERE export_run = $1", &[&run])?;
        self.exec(
            "UPDATE exports SET state = 'done', at = $2, decisions = $3, registrations = $4, \
             audit = $5, notices = $6, manifest_sha256 = $7 WHERE id = $1",
            &[
                &run,
                &time::format(now),
                &big(r.decisions),
                &big(r.registrations),
                &big(r.audit),
                &big(r.notices),
                &r.manifest_sha256,
            ],
        )
        .map(drop)
    }
}
