//! Data exchange on the server: imports (applications skipped by number,
//! counted once at the end of a bulk insert), the rows an export run carries
//! (streamed in batches), and the import log.
//!
//! A bulk insert switches the per-row `queue_counts` trigger off for this
//! transaction only (`counterdesk.bulk_insert`, a transaction-local setting)
//! and `bulk_insert_end()` (SECURITY DEFINER, migration 10) counts the rows
//! the transaction wrote: per-row upserts of one tally row in one
//! transaction slow down with every row. Between begin and end the caller
//! only inserts applications (an update of a row inserted meanwhile would
//! be counted twice).

use std::ops::ControlFlow;

use ::postgres::Row;
use chrono::{DateTime, Utc};

use super::decode::split_list;
use super::{PgTx, big};
use crate::store::StoreError;
use crate::store::exchange::{
    AuditExport, BulkInsert, DecisionExport, Exchange, ImportRecord, NoticeExport,
    RegistrationExport,
};
use crate::store::sql::pg;
use crate::store::sql::registrations::{EXPORT, export_row};
use crate::store::time;

/// The token's text on this backend (SQLite carries a trigger's SQL).
const BULK_ON: &str = "counterdesk.bulk_insert";

const DECISIONS_SQL: &str = "SELECT d.id, a.app_no, a.kind, d.outcome, d.reasons, d.free_text, \
     d.notice, d.photo_report, COALESCE(c.username, ''), COALESCE(c.display_name, ''), \
     d.decided_at, d.photo_override \
     FROM export_pending p JOIN decisions d ON d.id = p.row_id \
     JOIN applications a ON a.id = d.application_id \
     LEFT JOIN clerks c ON c.id = d.decided_by \
     WHERE p.stream = 'decisions' AND p.export_run = $1 ORDER BY p.row_id";

const AUDIT_SQL: &str = "SELECT l.seq, l.at, l.actor_id, l.actor, l.action, l.target, \
     l.detail, l.prev_hash, l.hash FROM export_pending p JOIN audit_log l ON l.seq = p.row_id \
     WHERE p.stream = 'audit' AND p.export_run = $1 ORDER BY p.row_id";

const NOTICES_SQL: &str = "SELECT o.id, a.app_no, o.channel, o.recipient, o.body, o.created_at \
     FROM export_pending p JOIN outbox o ON o.id = p.row_id \
     JOIN applications a ON a.id = o.application_id \
     WHERE p.stream = 'notices' AND p.export_run = $1 ORDER BY p.row_id";

impl PgTx<'_> {
    /// Streams `sql` for `run`, decoding each row with `decode`.
    fn export<T>(
        &self,
        sql: &str,
        run: i64,
        decode: impl Fn(&Self, &Row) -> Result<T, StoreError>,
        f: &mut dyn FnMut(T) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.stream(sql, &[&run], |r| Ok(f(decode(self, r)?)))
    }
}

impl Exchange for PgTx<'_> {
    fn application_exists(&self, app_no: &str) -> Result<bool, StoreError> {
        Ok(self
            .opt("SELECT 1 FROM applications WHERE app_no = $1", &[&app_no])?
            .is_some())
    }

    fn begin_bulk_insert(&self) -> Result<BulkInsert, StoreError> {
        self.exec("SELECT set_config($1, 'on', true)", &[&BULK_ON])?;
        Ok(BulkInsert(Some(BULK_ON.to_owned())))
    }

    fn end_bulk_insert(&self, token: BulkInsert, first: i64) -> Result<(), StoreError> {
        if token.0.as_deref() != Some(BULK_ON) {
            return Ok(());
        }
        self.exec("SELECT bulk_insert_end($1)", &[&first]).map(drop)
    }

    fn blob_id(&self, sha256: &str) -> Result<Option<i64>, StoreError> {
        self.opt_scalar("SELECT id FROM blobs WHERE sha256 = $1", &[&sha256])
    }

    fn record_import(&self, r: &ImportRecord, now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.scalar(
            "INSERT INTO imports (at, file_name, file_sha256, lines, imported, skipped, clerk_id, \
             photos, op_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &time::format(now),
                &r.file_name,
                &r.file_sha256,
                &big(r.lines),
                &big(r.imported),
                &big(r.skipped),
                &r.clerk_id,
                &big(r.photos),
                &r.op_key,
            ],
        )
    }

    fn import_by_op(&self, op_key: &str) -> Result<Option<ImportRecord>, StoreError> {
        let Some(r) = self.opt(
            "SELECT file_name, file_sha256, lines, imported, skipped, clerk_id, photos, op_key \
             FROM imports WHERE op_key = $1",
            &[&op_key],
        )?
        else {
            return Ok(None);
        };
        let count =
            |i: usize| -> Result<u64, StoreError> { Ok(self.get::<i64>(&r, i)?.max(0) as u64) };
        Ok(Some(ImportRecord {
            file_name: self.get(&r, 0)?,
            file_sha256: self.get(&r, 1)?,
            lines: count(2)?,
            imported: count(3)?,
            skipped: count(4)?,
            clerk_id: self.get(&r, 5)?,
            photos: count(6)?,
            op_key: self.get(&r, 7)?,
        }))
    }

    fn export_decisions(
        &self,
        run: i64,
        f: &mut dyn FnMut(DecisionExport) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.export(
            DECISIONS_SQL,
            run,
            |t, r| {
                let reasons: String = t.get(r, 4)?;
                Ok(DecisionExport {
                    id: t.get(r, 0)?,
                    app_no: t.get(r, 1)?,
                    kind: t.get(r, 2)?,
                    outcome: t.get(r, 3)?,
                    reasons: split_list(&reasons),
                    free_text: t.get(r, 5)?,
                    notice: t.get(r, 6)?,
                    photo_report: t.get(r, 7)?,
                    decided_by: t.get(r, 8)?,
                    decided_by_name: t.get(r, 9)?,
                    decided_at: t.get(r, 10)?,
                    photo_override: t.get(r, 11)?,
                })
            },
            f,
        )
    }

    fn export_registrations(
        &self,
        run: i64,
        f: &mut dyn FnMut(RegistrationExport) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.export(&pg(EXPORT), run, |t, r| export_row(t.row(r)), f)
    }

    fn export_audit(
        &self,
        run: i64,
        f: &mut dyn FnMut(AuditExport) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.export(
            AUDIT_SQL,
            run,
            |t, r| {
                Ok(AuditExport {
                    seq: t.get(r, 0)?,
                    at: t.get(r, 1)?,
                    actor_id: t.get(r, 2)?,
                    actor: t.get(r, 3)?,
                    action: t.get(r, 4)?,
                    target: t.get(r, 5)?,
                    detail: t.get(r, 6)?,
                    prev_hash: t.get(r, 7)?,
                    hash: t.get(r, 8)?,
                })
            },
            f,
        )
    }

    fn export_notices(
        &self,
        run: i64,
        f: &mut dyn FnMut(NoticeExport) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.export(
            NOTICES_SQL,
            run,
            |t, r| {
                Ok(NoticeExport {
                    id: t.get(r, 0)?,
                    app_no: t.get(r, 1)?,
                    channel: t.get(r, 2)?,
                    recipient: t.get(r, 3)?,
                    body: t.get(r, 4)?,
                    created_at: t.get(r, 5)?,
                })
            },
            f,
        )
    }
}
