//! Data exchange: imports (applications skipped by number), the rows an
//! export run carries (see `export_runs` for the runs), and the import log.

use std::ops::ControlFlow;

use super::SqliteTx;
use super::error::{StoreError, StoreResult};
use crate::store::exchange::{
    AuditExport, BulkInsert, DecisionExport, Exchange, ImportRecord, NoticeExport,
    RegistrationExport,
};
use crate::store::sql::registrations::{EXPORT, export_row};
use crate::store::time;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

fn list(s: String) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Exchange for SqliteTx<'_> {
    fn application_exists(&self, app_no: &str) -> StoreResult<bool> {
        self.q(|c| {
            c.prepare_cached("SELECT 1 FROM applications WHERE app_no = ?1")?
                .query_row([app_no], |_| Ok(()))
                .optional()
                .map(|r| r.is_some())
        })
    }

    fn begin_bulk_insert(&self) -> StoreResult<BulkInsert> {
        let sql: Option<String> = self.q(|c| {
            c.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' \
                 AND name = 'applications_count_insert'",
                [],
                |r| r.get(0),
            )
            .optional()
        })?;
        if sql.is_some() {
            self.q(|c| c.execute_batch("DROP TRIGGER applications_count_insert;"))?;
        }
        Ok(BulkInsert(sql))
    }

    fn end_bulk_insert(&self, token: BulkInsert, first: i64) -> StoreResult<()> {
        let Some(sql) = token.0 else {
            return Ok(());
        };
        self.q(|c| {
            c.execute(
                "INSERT INTO queue_counts (kind, status, due_day, n) \
                 SELECT kind, status, due_day, COUNT(*) FROM applications WHERE id >= ?1 \
                 GROUP BY kind, status, due_day \
                 ON CONFLICT (kind, status, due_day) DO UPDATE SET n = n + excluded.n",
                [first],
            )?;
            c.execute_batch(&sql)
        })
    }

    fn blob_id(&self, sha256: &str) -> StoreResult<Option<i64>> {
        self.q(|c| {
            c.prepare_cached("SELECT id FROM blobs WHERE sha256 = ?1")?
                .query_row([sha256], |r| r.get(0))
                .optional()
        })
    }

    fn record_import(&self, r: &ImportRecord, now: DateTime<Utc>) -> StoreResult<i64> {
        self.q(|c| {
            c.execute(
                "INSERT INTO imports (at, file_name, file_sha256, lines, imported, skipped, \
                 clerk_id, photos, op_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    time::format(now),
                    r.file_name,
                    r.file_sha256,
                    r.lines as i64,
                    r.imported as i64,
                    r.skipped as i64,
                    r.clerk_id,
                    r.photos as i64,
                    r.op_key
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    fn import_by_op(&self, op_key: &str) -> StoreResult<Option<ImportRecord>> {
        self.q(|c| {
            c.prepare_cached(
                "SELECT file_name, file_sha256, lines, imported, skipped, clerk_id, photos, op_key \
                 FROM imports WHERE op_key = ?1",
            )?
            .query_row([op_key], |r| {
                Ok(ImportRecord {
                    file_name: r.get(0)?,
                    file_sha256: r.get(1)?,
                    lines: r.get::<_, i64>(2)?.max(0) as u64,
                    imported: r.get::<_, i64>(3)?.max(0) as u64,
                    skipped: r.get::<_, i64>(4)?.max(0) as u64,
                    clerk_id: r.get(5)?,
                    photos: r.get::<_, i64>(6)?.max(0) as u64,
                    op_key: r.get(7)?,
                })
            })
            .optional()
        })
    }

    fn export_decisions(
        &self,
        run: i64,
        f: &mut dyn FnMut(DecisionExport) -> ControlFlow<()>,
    ) -> StoreResult<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT d.id, a.app_no, a.kind, d.outcome, d.reasons, d.free_text, d.notice, \
                 d.photo_report, COALESCE(c.username, ''), COALESCE(c.display_name, ''), d.decided_at, \
                 d.photo_override \
                 FROM export_pending p JOIN decisions d ON d.id = p.row_id \
                 JOIN applications a ON a.id = d.application_id \
                 LEFT JOIN clerks c ON c.id = d.decided_by \
                 WHERE p.stream = 'decisions' AND p.export_run = ?1 ORDER BY p.row_id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let row = self.q(|_| {
                Ok(DecisionExport {
                    id: r.get(0)?,
                    app_no: r.get(1)?,
                    kind: r.get(2)?,
                    outcome: r.get(3)?,
                    reasons: list(r.get(4)?),
                    free_text: r.get(5)?,
                    notice: r.get(6)?,
                    photo_report: r.get(7)?,
                    decided_by: r.get(8)?,
                    decided_by_name: r.get(9)?,
                    decided_at: r.get(10)?,
                    photo_override: r.get(11)?,
                })
            })?;
            if f(row).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn export_registrations(
        &self,
        run: i64,
        f: &mut dyn FnMut(RegistrationExport) -> ControlFlow<()>,
    ) -> StoreResult<()> {
        let mut stmt = self.conn.prepare(EXPORT).map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            if f(self.q(|_| export_row(r))?).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn export_audit(
        &self,
        run: i64,
        f: &mut dyn FnMut(AuditExport) -> ControlFlow<()>,
    ) -> StoreResult<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.seq, l.at, l.actor_id, l.actor, l.action, l.target, l.detail, \
                 l.prev_hash, l.hash FROM export_pending p JOIN audit_log l ON l.seq = p.row_id \
                 WHERE p.stream = 'audit' AND p.export_run = ?1 ORDER BY p.row_id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let row = self.q(|_| {
                Ok(AuditExport {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor_id: r.get(2)?,
                    actor: r.get(3)?,
                    action: r.get(4)?,
                    target: r.get(5)?,
                    detail: r.get(6)?,
                    prev_hash: r.get(7)?,
                    hash: r.get(8)?,
                })
            })?;
            if f(row).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn export_notices(
        &self,
        run: i64,
        f: &mut dyn FnMut(NoticeExport) -> ControlFlow<()>,
    ) -> StoreResult<()> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT o.id, a.app_no, o.channel, o.recipient, o.body, o.created_at \
                 FROM export_pending p JOIN outbox o ON o.id = p.row_id \
                 JOIN applications a ON a.id = o.application_id \
                 WHERE p.stream = 'notices' AND p.export_run = ?1 ORDER BY p.row_id",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let row = self.q(|_| {
                Ok(NoticeExport {
                    id: r.get(0)?,
                    app_no: r.get(1)?,
                    channel: r.get(2)?,
                    recipient: r.get(3)?,
                    body: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?;
            if f(row).is_break() {
                break;
            }
        }
        Ok(())
    }
}

impl SqliteTx<'_> {
    fn err(&self, e: rusqlite::Error) -> StoreError {
        super::error::from_sqlite(self.path, e)
    }
}
