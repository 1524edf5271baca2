//! Exchange family: imports, exactly-once export runs, and the backup log.

use std::ops::ControlFlow;

use super::error::StoreResult;
use super::registrations::Applicant;
use crate::domain::clerks::anchor::Anchor;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;

/// The streams an export moves a mark for.
pub const STREAM_DECISIONS: &str = "decisions";

pub const STREAM_REGISTRATIONS: &str = "registrations";

pub const STREAM_AUDIT: &str = "audit";

pub const STREAM_NOTICES: &str = "notices";

#[derive(Debug, Clone, Serialize)]
pub struct DecisionExport {
    pub id: i64,
    pub app_no: String,
    pub kind: String,
    pub outcome: String,
    pub reasons: Vec<String>,
    pub free_text: String,
    pub notice: String,
    pub photo_report: String,
    /// The reviewer's reason for approving despite a failed photo check.
    pub photo_override: Option<String>,
    pub decided_by: String,
    pub decided_by_name: String,
    pub decided_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegistrationExport {
    /// Sequence of the change that put the row in this export.
    pub change: i64,
    pub reg_no: String,
    pub kind: String,
    pub status: String,
    /// Its fields stand in the row itself, between `status` and `sighted`.
    #[serde(flatten)]
    pub applicant: Applicant,
    pub sighted: Vec<String>,
    pub office: String,
    pub clerk: String,
    pub created_at: String,
    pub updated_at: String,
    pub countersigned_by: Option<String>,
    pub countersigned_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditExport {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeExport {
    pub id: i64,
    pub app_no: String,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub created_at: String,
}

/// One finished import, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub file_name: String,
    pub file_sha256: String,
    pub lines: u64,
    pub imported: u64,
    pub skipped: u64,
    pub clerk_id: Option<i64>,
    /// Photos the import stored (new to the database).
    pub photos: u64,
    /// The client-generated key of the request that made it (unique).
    pub op_key: Option<String>,
}

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

/// What a backend needs back to end a bulk insert; opaque to `app/`.
#[derive(Debug)]
pub struct BulkInsert(pub(crate) Option<String>);

/// Data exchange: imports (applications skipped by number), the rows an
/// export run carries (see `export_runs` for the runs), and the import log.
pub trait Exchange {
    /// Whether an application number is already stored (import skips it).
    fn application_exists(&self, app_no: &str) -> StoreResult<bool>;

    /// Starts a bulk insert of applications inside the caller's transaction:
    /// the backend may stop keeping `queue_counts` row by row (on SQLite the
    /// per-row trigger made it keep a statement journal, a copy of every page
    /// each INSERT touches). Hand the token to [`Exchange::end_bulk_insert`]
    /// before commit; a failed or killed import rolls back with everything else.
    fn begin_bulk_insert(&self) -> StoreResult<BulkInsert>;

    /// Counts the applications with `id >= first` into `queue_counts` in one
    /// statement and restores per-row counting exactly as it was.
    fn end_bulk_insert(&self, token: BulkInsert, first: i64) -> StoreResult<()>;

    /// A stored blob's id by its SHA-256.
    fn blob_id(&self, sha256: &str) -> StoreResult<Option<i64>>;

    fn record_import(&self, r: &ImportRecord, now: DateTime<Utc>) -> StoreResult<i64>;

    /// The import a request with this key already made (a retry after a
    /// lost connection looks here before it writes again).
    fn import_by_op(&self, op_key: &str) -> StoreResult<Option<ImportRecord>>;

    /// The decisions export run `run` carries, in id order.
    fn export_decisions(
        &self,
        run: i64,
        f: &mut dyn FnMut(DecisionExport) -> ControlFlow<()>,
    ) -> StoreResult<()>;

    /// The registrations changed by the changes run `run` carries, each once,
    /// at its newest state.
    fn export_registrations(
        &self,
        run: i64,
        f: &mut dyn FnMut(RegistrationExport) -> ControlFlow<()>,
    ) -> StoreResult<()>;

    /// The audit rows run `run` carries, with their hashes (the receiver can
    /// check the chain continues from the previous export's head).
    fn export_audit(
        &self,
        run: i64,
        f: &mut dyn FnMut(AuditExport) -> ControlFlow<()>,
    ) -> StoreResult<()>;

    /// The outbox notices run `run` carries.
    fn export_notices(
        &self,
        run: i64,
        f: &mut dyn FnMut(NoticeExport) -> ControlFlow<()>,
    ) -> StoreResult<()>;
}

/// An export run as it begins: its id, where it writes, who started it
/// and the public key of the workstation signing it.
#[derive(Debug, Clone, Copy)]
pub struct NewExport<'a> {
    pub export_id: &'a str,
    pub out_dir: &'a str,
    pub folder: &'a str,
    pub clerk_id: Option<i64>,
    pub signer: &'a str,
}

/// Exactly-once exports: rows wait in `export_pending` (queued by triggers),
/// an export run claims them under its id and target folder before anything
/// is written, and deletes them when its folder is in place. A run left
/// `writing` by a crash is finished or redone with the same id and rows.
pub trait ExportRuns {
    /// Starts an export: records its id, target and the public key of the
    /// workstation signing it, and claims every queued row for it (one
    /// statement, so rows committed meanwhile wait for the next).
    fn begin_export(&self, e: &NewExport<'_>, now: DateTime<Utc>) -> StoreResult<i64>;

    /// Exports left `writing` by a crash: every one (`signer` `None`, a
    /// workstation's own file), or only those `signer`'s key began (on the
    /// office server a run's folder is on the PC that began it).
    fn unfinished_exports(&self, signer: Option<&str>) -> StoreResult<Vec<ExportRun>>;

    /// A run being redone elsewhere: the new target is recorded first.
    fn retarget_export(&self, run: i64, out_dir: &str, folder: &str) -> StoreResult<()>;

    /// Remembers a partial folder of `run` that could not be reached (it
    /// may be on an unplugged stick, or never have been written).
    fn record_leftover(&self, run: i64, path: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Every partial folder remembered and not yet removed, oldest first.
    fn export_leftovers(&self) -> StoreResult<Vec<Leftover>>;

    /// The folder was found and removed (or was never an export's).
    fn forget_leftover(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;

    /// Count and id range of one stream's rows claimed by `run`.
    fn run_stream(&self, run: i64, stream: &str) -> StoreResult<RunStream>;

    /// The chain head as of the newest audit row `run` carries (the
    /// receiver continues the chain from the rows it got).
    fn anchor_at(&self, seq: i64) -> StoreResult<Option<Anchor>>;

    /// The folder is in place: the rows leave the queue, the run is done.
    fn finish_export(&self, run: i64, r: &ExportRecord, now: DateTime<Utc>) -> StoreResult<()>;
}

/// One copy made: the file, its size, and whether the daily routine made it.
#[derive(Debug, Clone, Copy)]
pub struct NewBackup<'a> {
    pub file: &'a Path,
    pub bytes: u64,
    pub auto: bool,
}

/// Backups: SQLite's online backup API copies the live database page by page
/// under one read transaction (safe while windows write to it), into a
/// temporary file that is checked with the full integrity check before it
/// takes its name. `backups` logs each copy for the reminder.
pub trait Backups {
    fn record_backup(&self, b: &NewBackup<'_>, now: DateTime<Utc>) -> StoreResult<()>;

    /// When the last backup was made, if ever.
    fn last_backup_at(&self) -> StoreResult<Option<DateTime<Utc>>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line an export writes for a registration, to the byte: the
    /// applicant's fields stand flat between `status` and `sighted`, as
    /// they did before they had a struct of their own (signed manifests
    /// hash these lines).
    #[test]
    fn a_registration_row_keeps_its_json() {
        let row = RegistrationExport {
            change: 7,
            reg_no: "MQ-20261123-0001".into(),
            kind: "company".into(),
            status: "countersigned".into(),
            applicant: Applicant {
                doc_type: "credit_code".into(),
                doc_number: "91110000600037341L".into(),
                org_code: Some("600037341".into()),
                name: "北京顺达物流有限公司".into(),
                mobile: "13900139000".into(),
                reason: None,
                reason_text: None,
                agent_name: Some("李四".into()),
                agent_doc_type: Some("resident_id".into()),
                agent_doc_number: Some("110101200002290018".into()),
            },
            sighted: vec!["licence".into(), "authorization".into()],
            office: "某市车管所".into(),
            clerk: "wangli".into(),
            created_at: "2026-11-23T01:02:03.000000Z".into(),
            updated_at: "2026-11-23T02:03:04.000000Z".into(),
            countersigned_by: Some("zhao".into()),
            countersigned_at: None,
        };
        assert_eq!(
            serde_json::to_string(&row).unwrap(),
            concat!(
                r#"{"change":7,"reg_no":"MQ-20261123-0001","kind":"company","#,
                r#""status":"countersigned","doc_type":"credit_code","#,
                r#""doc_number":"91110000600037341L","org_code":"600037341","#,
                r#""name":"北京顺达物流有限公司","mobile":"13900139000","reason":null,"#,
                r#""reason_text":null,"agent_name":"李四","agent_doc_type":"resident_id","#,
                r#""agent_doc_number":"110101200002290018","#,
                r#""sighted":["licence","authorization"],"office":"某市车管所","#,
                r#""clerk":"wangli","created_at":"2026-11-23T01:02:03.000000Z","#,
                r#""updated_at":"2026-11-23T02:03:04.000000Z","countersigned_by":"zhao","#,
                r#""countersigned_at":null}"#
            )
        );
    }
}
