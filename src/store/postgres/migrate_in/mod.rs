//! `counterdesk migrate --from FILE.sqlite3 --to postgres://ADMIN@host/db`:
//! one workstation's SQLite file copied into the office server, all or
//! nothing (one transaction), the file opened read-only.
//!
//! - Runs as the schema owner (`SET LOCAL ROLE counterdesk_owner`, so the
//!   URL names a superuser, as for office-init): the workstation role may
//!   not write the audit tables, the tallies or the migration records.
//! - Locks every table it writes (EXCLUSIVE: the hall's reads go on, its
//!   writes wait), so the checks below still hold at commit.
//! - Refuses a workstation already migrated (its identity is the hash of
//!   its first audit row) and any number or name the server already uses
//!   (listed; nothing written).
//! - Ids move past the server's (each table by its own offset, 0 on an
//!   empty server, so the first workstation keeps its ids); photo and scan
//!   blobs the server already holds are shared; the id sequences are moved
//!   past the copied rows.
//! - The source's audit rows become a chapter (`audit_chapters`, verbatim),
//!   its head recorded in `workstation_migrations` and repeated by one
//!   office audit row, appended last (see `tx/chapters.rs` for the check).
//! - Export state: rows the workstation had not exported yet are queued on
//!   the server (`export_pending`); rows it had exported are not queued
//!   again. Its unexported audit rows stay in the chapter (the office
//!   export carries the office chain only) and are counted in the report.

mod collide;
mod source;
mod tables;

use std::collections::HashSet;
use std::path::Path;

use ::postgres::error::SqlState;
use ::postgres::{Client, Transaction};
use serde_json::json;

pub use collide::Collision;
use source::Source;
use tables::{CopyError, Key, Remap, TABLES};

use super::error::OfficeError;
use super::office_init::check_schema_version;
use super::target::Target;
use super::tx::chapter_words;
use super::{OWNER_ROLE, SCHEMA};
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::store::StoreError;

/// Clerk user names to change on the way in: (name in the file, name on
/// the server). The file is not changed; its chapter keeps the old names.
pub type Renames = Vec<(String, String)>;

/// What to migrate.
#[derive(Debug, Clone)]
pub struct MigrateJob<'a> {
    pub source: &'a Path,
    pub renames: Renames,
    /// Who runs it, for the office audit row (e.g. `命令行 root@ws-01`).
    pub actor: String,
}

/// What one migration did.
#[derive(Debug, Clone)]
pub struct MigrateReport {
    pub migration_id: i64,
    pub workstation: String,
    /// Rows written per table, in copy order.
    pub copied: Vec<(&'static str, u64)>,
    /// Settings kept or taken, leftovers not copied, audit rows not exported.
    pub notes: Vec<String>,
    pub chapter_rows: i64,
    pub chapter_head: String,
    /// The office audit row that records the migration.
    pub office_seq: i64,
}

/// Why a migration did not happen. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum MigrateInError {
    #[error(transparent)]
    Source(#[from] StoreError),
    #[error(transparent)]
    Office(#[from] OfficeError),
    #[error("源数据库 {file} 的结构版本为 {found}，本程序为 {build}。{advice}")]
    SourceVersion {
        file: String,
        found: i64,
        build: i64,
        advice: &'static str,
    },
    #[error("源数据库 {file} 没有任何审计记录，无法确定它是哪一台工作台，未迁入。")]
    NoAuditRows { file: String },
    #[error(
        "源数据库 {file} 的审计链已损坏（第 {seq} 条：{reason}），未迁入。请由信息科先用 counterdesk verify-audit 核查。"
    )]
    SourceChainBroken {
        file: String,
        seq: i64,
        reason: String,
    },
    #[error(
        "源数据库 {file} 有 {runs} 次中断的导出尚未完成，未迁入。请先在该工作台上运行一次导出（完成或重做它），再迁入。"
    )]
    UnfinishedExport { file: String, runs: i64 },
    #[error(
        "此工作台（{file}）已于 {at} 迁入{target}（迁入记录 {id}，来源文件 {first_file}），不能再次迁入，未写入任何数据。迁入后该工作台应直接连接办公室服务器办理业务。"
    )]
    AlreadyMigrated {
        file: String,
        target: String,
        id: i64,
        at: String,
        first_file: String,
    },
    #[error("{}", collisions_text(target, list))]
    Collisions {
        target: String,
        list: Vec<Collision>,
    },
    #[error("--rename-clerk：{0}")]
    BadRename(String),
    #[error(
        "迁入需要以超级用户（与 office-init 相同，例如 postgres://postgres@host/db）连接{target}：当前用户 {user} 不能切换为 {OWNER_ROLE}。"
    )]
    NotOwner { target: String, user: String },
}

impl MigrateInError {
    fn server(e: ::postgres::Error) -> Self {
        MigrateInError::Office(OfficeError::Rejected(format!(
            "办公室服务器操作失败，迁入未写入任何数据：{}",
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned())
        )))
    }
}

/// The refusal with every collision listed (at most 20 values per kind).
fn collisions_text(target: &str, list: &[Collision]) -> String {
    let mut s =
        format!("迁入被拒绝，未写入任何数据：以下编号或名称在{target}上已被使用，不能合并。");
    for c in list {
        let shown: Vec<&str> = c.values.iter().take(20).map(String::as_str).collect();
        let more = if c.values.len() > 20 { "……" } else { "" };
        s.push_str(&format!(
            "\n  {}（{} 个）：{}{more}",
            c.what,
            c.values.len(),
            shown.join("、")
        ));
    }
    s.push_str("\n处理办法见 docs/office.md「迁入工作台」（柜员用户名可用 --rename-clerk 旧名=新名 改名后迁入）。");
    s
}

/// Copies the workstation file `job.source` into the database `admin` is
/// connected to (a superuser, as for office-init). `progress` hears each
/// table with its row count once copied.
pub fn migrate_in(
    admin: &mut Client,
    target: &Target,
    job: &MigrateJob<'_>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<MigrateReport, MigrateInError> {
    let src = Source::open(job.source)?;
    check_schema_version(admin, target)?;
    let place = target.to_string();
    let db = |e| MigrateInError::Office(OfficeError::db(&place, e));
    let user: String = admin
        .query_one("SELECT current_user::text", &[])
        .map_err(db)?
        .get(0);
    let mut tx = admin.transaction().map_err(db)?;
    if let Err(e) = tx.batch_execute(&format!("SET LOCAL ROLE {OWNER_ROLE}")) {
        return Err(if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
            MigrateInError::NotOwner {
                target: place.clone(),
                user,
            }
        } else {
            db(e)
        });
    }
    let step = run(&mut tx, &src, &place, job, progress);
    match step {
        Ok(report) => {
            tx.commit().map_err(db)?;
            tracing::info!(
                migration = report.migration_id,
                rows = report.copied.iter().map(|(_, n)| n).sum::<u64>(),
                "workstation migrated into the office server"
            );
            Ok(report)
        }
        // Dropping the transaction rolls everything back.
        Err(e) => Err(e),
    }
}

fn run(
    tx: &mut Transaction<'_>,
    src: &Source,
    place: &str,
    job: &MigrateJob<'_>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<MigrateReport, MigrateInError> {
    macro_rules! pg {
        ($e:expr) => {
            $e.map_err(|e| MigrateInError::Office(OfficeError::db(&place, e)))?
        };
    }
    pg!(tx.batch_execute(&format!(
        "SET LOCAL search_path = {SCHEMA}, pg_temp; SET LOCAL statement_timeout = 0; \
         SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL lock_timeout = '30s'"
    )));
    let mut locked: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    locked.extend(tables::ALSO_WRITTEN);
    pg!(tx.batch_execute(&format!(
        "LOCK TABLE {} IN EXCLUSIVE MODE",
        locked.join(", ")
    )));

    if let Some(r) = pg!(tx.query_opt(
        "SELECT id, migrated_at, source_file FROM workstation_migrations WHERE workstation = $1",
        &[&src.workstation],
    )) {
        return Err(MigrateInError::AlreadyMigrated {
            file: src.file.clone(),
            target: place.to_owned(),
            id: r.get(0),
            at: r.get(1),
            first_file: r.get(2),
        });
    }
    let clerks = collide::renamed_clerks(src, &job.renames)?;
    let list = collide::collisions(src, tx, &clerks)?;
    if !list.is_empty() {
        return Err(MigrateInError::Collisions {
            target: place.to_owned(),
            list,
        });
    }

    // Offsets: past every id the server used or handed out.
    let mut remap = Remap {
        renames: job.renames.iter().cloned().collect(),
        workstation: src.label(),
        ..Remap::default()
    };
    for k in Key::ALL {
        let t = k.table();
        let off: i64 = pg!(tx.query_one(
            &format!(
                "SELECT GREATEST((SELECT coalesce(max(id), 0) FROM {t}), \
                 coalesce(pg_sequence_last_value(pg_get_serial_sequence('{SCHEMA}.{t}', 'id')::regclass), 0))"
            ),
            &[],
        ))
        .get(0);
        remap.offsets.insert(k, off);
    }
    // Content-addressed blobs the server already holds are shared.
    let mut skip_scans = HashSet::new();
    let scans = src.db.strings("SELECT sha256 FROM scan_blobs")?;
    for r in pg!(tx.query(
        "SELECT sha256 FROM scan_blobs WHERE sha256 = ANY($1)",
        &[&scans]
    )) {
        skip_scans.insert(r.get::<_, String>(0));
    }
    let mut skip_blobs = HashSet::new();
    let blobs = src.db.pairs("SELECT sha256, CAST(id AS TEXT) FROM blobs")?;
    let shas: Vec<&str> = blobs.iter().map(|(s, _)| s.as_str()).collect();
    for r in pg!(tx.query(
        "SELECT sha256, id FROM blobs WHERE sha256 = ANY($1)",
        &[&shas]
    )) {
        let (sha, id): (String, i64) = (r.get(0), r.get(1));
        if let Some((_, old)) = blobs.iter().find(|(s, _)| *s == sha)
            && let Ok(old) = old.parse::<i64>()
        {
            remap.blobs.insert(old, id);
        }
        skip_blobs.insert(sha);
    }

    // The queue counts and decision tallies are counted once at the end
    // (per-row upserts of one tally row in one transaction slow down with
    // every row; see migration 10).
    pg!(tx.batch_execute("SELECT set_config('counterdesk.bulk_insert', 'on', true)"));
    let mut copied = Vec::new();
    for spec in TABLES {
        let skip = match spec.name {
            "scan_blobs" => &skip_scans,
            "blobs" => &skip_blobs,
            _ => &HashSet::new(),
        };
        let n = tables::copy_table(&src.db, tx, spec, &remap, skip).map_err(|e| match e {
            CopyError::Source(e) => MigrateInError::Source(e),
            CopyError::Server(e) => MigrateInError::Office(OfficeError::db(&place, e)),
        })?;
        progress(spec.name, n);
        copied.push((spec.name, n));
    }
    let first_app = remap.offset(Key::Applications) + 1;
    pg!(tx.query_one("SELECT bulk_insert_end($1)", &[&first_app]));
    let dec_off = remap.offset(Key::Decisions);
    pg!(tx.execute(
        "INSERT INTO decision_days (day, outcome, slot, n) \
         SELECT cst_day(decided_at), outcome, counter_slot(), count(*) FROM decisions \
         WHERE id > $1 GROUP BY 1, 2 \
         ON CONFLICT (day, outcome, slot) DO UPDATE SET n = decision_days.n + excluded.n",
        &[&dec_off],
    ));
    pg!(tx.execute(
        "INSERT INTO decision_reasons (day, reason, slot, n) \
         SELECT cst_day(d.decided_at), r.reason, counter_slot(), count(*) \
         FROM decisions d, unnest(string_to_array(d.reasons, ',')) AS r(reason) \
         WHERE d.id > $1 AND d.reasons <> '' AND r.reason <> '' GROUP BY 1, 2 \
         ON CONFLICT (day, reason, slot) DO UPDATE SET n = decision_reasons.n + excluded.n",
        &[&dec_off],
    ));

    // The next MQ number of a day must pass the migrated ones.
    for (day, last) in src
        .db
        .pairs("SELECT day, CAST(last AS TEXT) FROM registration_counters")?
    {
        let last: i64 = last.parse().unwrap_or(0);
        pg!(tx.execute(
            "INSERT INTO registration_counters (day, last) VALUES ($1, $2) \
             ON CONFLICT (day) DO UPDATE SET last = GREATEST(registration_counters.last, excluded.last)",
            &[&day, &last],
        ));
    }
    let mut notes = collide::merge_settings(src, tx)?;
    notes.extend(requeue_exports(tx, src, &remap, place)?);
    for path in src
        .db
        .strings("SELECT path FROM export_leftovers WHERE removed_at IS NULL")?
    {
        notes.push(format!(
            "导出遗留文件夹 {path} 仍在该工作台上，未迁入：请在该工作台上手工删除"
        ));
    }

    // Ids handed out from now on come after the copied ones. (A sequence
    // is not transactional: after a failure it may have moved on, nothing else.)
    for k in Key::ALL {
        let name = k.table();
        pg!(tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{SCHEMA}.{name}', 'id'), max(id)) \
                 FROM {name} HAVING max(id) > $1"
            ),
            &[&remap.offset(k)],
        ));
    }

    let offsets: serde_json::Map<String, serde_json::Value> = Key::ALL
        .iter()
        .map(|k| (k.table().to_owned(), json!(remap.offset(*k))))
        .collect();
    let report = json!({
        "offsets": offsets,
        "copied": copied.iter().map(|(t, n)| json!([t, n])).collect::<Vec<_>>(),
        "renamed_clerks": job.renames,
        "notes": notes,
    });
    let migration_id: i64 = pg!(tx.query_one(
        "INSERT INTO workstation_migrations \
         (workstation, source_file, migrated_at, chapter_rows, chapter_head, report) \
         VALUES ($1, $2, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \
                 $3, $4, $5) RETURNING id",
        &[
            &src.workstation,
            &src.file,
            &src.chain_rows,
            &src.chain_head,
            &report.to_string(),
        ],
    ))
    .get(0);
    let chapter = copy_chapter(tx, src, migration_id, place)?;
    progress("audit_chapters", chapter);

    // Last, just before commit: the office chain records the chapter.
    let detail = format!(
        "工作台 {} 迁入：{}，迁入记录 {migration_id}",
        src.file,
        chapter_words(src.chain_rows, &src.chain_head)
    );
    let office_seq: i64 = pg!(tx.query_one(
        "SELECT appended_seq FROM audit_append(NULL, $1, $2, $3, $4)",
        &[
            &job.actor,
            &AuditAction::WorkstationMigrated.code(),
            &AuditTarget::Migration(migration_id).to_string(),
            &detail,
        ],
    ))
    .get(0);
    Ok(MigrateReport {
        migration_id,
        workstation: src.workstation.clone(),
        copied,
        notes,
        chapter_rows: src.chain_rows,
        chapter_head: src.chain_head.clone(),
        office_seq,
    })
}

/// What the copy queued for export (every row, by the server's triggers)
/// is replaced by what the workstation had not exported yet.
fn requeue_exports(
    tx: &mut Transaction<'_>,
    src: &Source,
    remap: &Remap,
    place: &str,
) -> Result<Vec<String>, MigrateInError> {
    let db = |e| MigrateInError::Office(OfficeError::db(&place, e));
    tx.execute(
        "DELETE FROM export_pending WHERE xmin = pg_current_xact_id()::xid",
        &[],
    )
    .map_err(db)?;
    let moved = |sql: &str, k: Key| -> Result<Vec<i64>, MigrateInError> {
        Ok(src
            .db
            .ints(sql)?
            .into_iter()
            .map(|id| id + remap.offset(k))
            .collect())
    };
    let decisions = moved(
        "SELECT row_id FROM export_pending WHERE stream = 'decisions'",
        Key::Decisions,
    )?;
    let notices = moved(
        "SELECT row_id FROM export_pending WHERE stream = 'notices'",
        Key::Outbox,
    )?;
    let registrations = moved(
        "SELECT DISTINCT ch.registration_id FROM export_pending p \
         JOIN registration_changes ch ON ch.seq = p.row_id WHERE p.stream = 'registrations'",
        Key::Registrations,
    )?;
    for (stream, ids) in [("decisions", &decisions), ("notices", &notices)] {
        tx.execute(
            "INSERT INTO export_pending (stream, row_id) SELECT $1, unnest($2::bigint[])",
            &[&stream, ids],
        )
        .map_err(db)?;
    }
    // One change row per registration (the trigger wrote it): the export
    // reads the registration as it is now.
    tx.execute(
        "INSERT INTO export_pending (stream, row_id) \
         SELECT 'registrations', max(seq) FROM registration_changes \
         WHERE registration_id = ANY($1) GROUP BY registration_id",
        &[&registrations],
    )
    .map_err(db)?;
    let audit = src
        .db
        .ints("SELECT count(*) FROM export_pending WHERE stream = 'audit'")?;
    let audit = audit.first().copied().unwrap_or(0);
    Ok(if audit > 0 {
        vec![format!(
            "该工作台有 {audit} 条审计记录尚未导出：它们完整保存在迁入章节中，办公室的导出只含办公室审计链"
        )]
    } else {
        Vec::new()
    })
}

/// The source's audit rows, verbatim, as the migration's chapter.
fn copy_chapter(
    tx: &mut Transaction<'_>,
    src: &Source,
    migration_id: i64,
    place: &str,
) -> Result<u64, MigrateInError> {
    use crate::store::sqlite::source_file::CellType;
    use ::postgres::binary_copy::BinaryCopyInWriter;
    use ::postgres::types::{ToSql, Type};
    let db = |e| MigrateInError::Office(OfficeError::db(&place, e));
    let sink = tx
        .copy_in(
            "COPY audit_chapters (migration_id, seq, at, actor_id, actor, action, target, \
             detail, prev_hash, hash) FROM STDIN BINARY",
        )
        .map_err(db)?;
    let types = [
        Type::INT8,
        Type::INT8,
        Type::TEXT,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
    ];
    let mut w = BinaryCopyInWriter::new(sink, &types);
    let mut n = 0u64;
    src.db.rows(
        "SELECT seq, at, actor_id, actor, action, target, detail, prev_hash, hash \
         FROM audit_log ORDER BY seq",
        &[
            CellType::Int,
            CellType::Text,
            CellType::Int,
            CellType::Text,
            CellType::Text,
            CellType::Text,
            CellType::Text,
            CellType::Text,
            CellType::Text,
        ],
        |cells| {
            let mut row: Vec<&(dyn ToSql + Sync)> = vec![&migration_id];
            row.extend(cells.iter().map(tables::param));
            w.write(&row).map_err(db)?;
            n += 1;
            Ok::<(), MigrateInError>(())
        },
    )?;
    w.finish().map_err(db)?;
    Ok(n)
}
