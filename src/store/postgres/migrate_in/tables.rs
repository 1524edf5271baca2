//! The tables `migrate` copies, column by column, and the copy itself:
//! rows read from the SQLite file in id order, ids moved past the server's
//! (`Map::Id`), photo blobs mapped to the server's twin where one exists,
//! and written with one binary `COPY` per table (row triggers fire as for
//! an INSERT). A test compares these lists with both schemas, so a column
//! added by a later migration cannot be left behind silently.

use std::collections::{HashMap, HashSet};

use ::postgres::Transaction;
use ::postgres::binary_copy::BinaryCopyInWriter;
use ::postgres::types::{ToSql, Type};

use crate::store::StoreError;
use crate::store::sqlite::source_file::{Cell, CellType as Ty, SourceFile};

/// The tables whose ids move (each by its own offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Clerks,
    Registrations,
    Attachments,
    Blobs,
    Applications,
    Decisions,
    Outbox,
    Exports,
    Imports,
    Leftovers,
}

impl Key {
    pub const ALL: [Key; 10] = [
        Key::Clerks,
        Key::Registrations,
        Key::Attachments,
        Key::Blobs,
        Key::Applications,
        Key::Decisions,
        Key::Outbox,
        Key::Exports,
        Key::Imports,
        Key::Leftovers,
    ];

    pub fn table(self) -> &'static str {
        match self {
            Key::Clerks => "clerks",
            Key::Registrations => "registrations",
            Key::Attachments => "attachments",
            Key::Blobs => "blobs",
            Key::Applications => "applications",
            Key::Decisions => "decisions",
            Key::Outbox => "outbox",
            Key::Exports => "exports",
            Key::Imports => "imports",
            Key::Leftovers => "export_leftovers",
        }
    }
}

/// How a column's value changes on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Map {
    Keep,
    /// An id of that table: plus its offset.
    Id(Key),
    /// A photo blob id: the server's twin (same SHA-256) or plus the offset.
    Blob,
    /// A clerk's user name: renamed if the operator asked (`--rename-clerk`).
    Username,
    /// The workstation a row came from: NULL on a file, so the source's
    /// name on the server (`迁入:<identity>`).
    Workstation,
}

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub ty: Ty,
    pub map: Map,
}

const fn c(name: &'static str, ty: Ty, map: Map) -> Col {
    Col { name, ty, map }
}
const fn t(name: &'static str) -> Col {
    c(name, Ty::Text, Map::Keep)
}
const fn i(name: &'static str) -> Col {
    c(name, Ty::Int, Map::Keep)
}
const fn b(name: &'static str) -> Col {
    c(name, Ty::Bytes, Map::Keep)
}
const fn id(name: &'static str, k: Key) -> Col {
    c(name, Ty::Int, Map::Id(k))
}

/// One table to copy, in an order that keeps every foreign key satisfied.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub cols: &'static [Col],
    /// Rows of the source to copy (a SQL condition).
    pub filter: &'static str,
    /// Skip rows whose column (by name) the server already holds.
    pub dedupe: Option<&'static str>,
}

const fn table(name: &'static str, cols: &'static [Col]) -> Table {
    Table {
        name,
        cols,
        filter: "1 = 1",
        dedupe: None,
    }
}

pub const CLERKS: Table = table(
    "clerks",
    &[
        id("id", Key::Clerks),
        c("username", Ty::Text, Map::Username),
        t("display_name"),
        t("role"),
        t("password_hash"),
        i("must_change_password"),
        i("disabled"),
        i("failed_attempts"),
        t("locked_until"),
        t("created_at"),
        t("password_changed_at"),
    ],
);

/// Every copied table, parents first. Not copied: `settings` (merged),
/// `registration_counters` (merged), `audit_log`/`audit_head` (the
/// chapter), `sessions` (who is signed in where: transient), the derived tables (`queue_counts`, `decision_days`,
/// `decision_reasons`, `registration_changes`, `export_pending`: rebuilt
/// or counted on the server), `export_marks` (superseded by
/// `export_pending` since migration 8), and the workstation's own logs of
/// its file (`anchors`, `backups`).
pub const TABLES: &[Table] = &[
    CLERKS,
    table(
        "drafts",
        &[
            id("clerk_id", Key::Clerks),
            t("key"),
            t("body"),
            t("updated_at"),
        ],
    ),
    table(
        "registrations",
        &[
            id("id", Key::Registrations),
            t("reg_no"),
            t("kind"),
            t("status"),
            t("doc_type"),
            t("doc_number"),
            t("org_code"),
            t("name"),
            t("mobile"),
            t("reason"),
            t("reason_text"),
            t("agent_name"),
            t("agent_doc_type"),
            t("agent_doc_number"),
            t("breakdown"),
            t("sighted"),
            t("office"),
            id("clerk_id", Key::Clerks),
            t("created_at"),
            t("updated_at"),
            id("countersigned_by", Key::Clerks),
            t("countersigned_at"),
            t("idempotency_key"),
            c("workstation", Ty::Text, Map::Workstation),
        ],
    ),
    Table {
        dedupe: Some("sha256"),
        ..table(
            "scan_blobs",
            &[t("sha256"), i("size"), b("data"), t("created_at")],
        )
    },
    table(
        "attachments",
        &[
            id("id", Key::Attachments),
            id("registration_id", Key::Registrations),
            t("slot"),
            t("sha256"),
            t("file_name"),
            t("mime"),
            i("size"),
            i("width"),
            i("height"),
            i("pages"),
            b("thumbnail"),
            t("created_at"),
        ],
    ),
    Table {
        dedupe: Some("sha256"),
        ..table(
            "blobs",
            &[
                c("id", Ty::Int, Map::Blob),
                t("sha256"),
                t("mime"),
                i("size"),
                b("bytes"),
                t("created_at"),
            ],
        )
    },
    table(
        "applications",
        &[
            id("id", Key::Applications),
            t("app_no"),
            t("kind"),
            t("status"),
            t("doc_no"),
            t("name"),
            t("mobile"),
            t("licence_no"),
            t("classes"),
            t("licence_status"),
            t("valid_from"),
            t("valid_until"),
            t("authority"),
            c("photo_blob", Ty::Int, Map::Blob),
            t("photo_source"),
            t("last_photo_change"),
            c("previous_photo_blob", Ty::Int, Map::Blob),
            t("issued_classes"),
            t("issued_valid_until"),
            t("issued_authority"),
            t("issued_photo_source"),
            t("photo_verdict"),
            t("photo_failed"),
            t("photo_summary"),
            t("submitted_at"),
            t("due_at"),
            t("due_day"),
            id("created_by", Key::Clerks),
            id("claimed_by", Key::Clerks),
            t("lease_until"),
            i("claim_seq"),
            id("registration_id", Key::Registrations),
        ],
    ),
    table(
        "decisions",
        &[
            id("id", Key::Decisions),
            id("application_id", Key::Applications),
            t("outcome"),
            t("reasons"),
            t("free_text"),
            t("notice"),
            t("photo_report"),
            id("decided_by", Key::Clerks),
            t("decided_at"),
            i("claim_seq"),
            t("photo_override"),
            t("op_key"),
            c("workstation", Ty::Text, Map::Workstation),
        ],
    ),
    table(
        "outbox",
        &[
            id("id", Key::Outbox),
            id("application_id", Key::Applications),
            t("channel"),
            t("recipient"),
            t("body"),
            t("created_at"),
            t("sent_at"),
            i("attempts"),
        ],
    ),
    table(
        "exports",
        &[
            id("id", Key::Exports),
            t("at"),
            t("folder"),
            id("clerk_id", Key::Clerks),
            i("decisions"),
            i("registrations"),
            i("audit"),
            i("notices"),
            t("manifest_sha256"),
            t("export_id"),
            t("out_dir"),
            t("state"),
            // Which workstation key signed it (step 14).
            t("signer"),
        ],
    ),
    table(
        "imports",
        &[
            id("id", Key::Imports),
            t("at"),
            t("file_name"),
            t("file_sha256"),
            i("lines"),
            i("imported"),
            i("skipped"),
            id("clerk_id", Key::Clerks),
            t("op_key"),
            i("photos"),
        ],
    ),
    // Removed leftovers only: a folder still to remove is a path on that
    // workstation's disk, which another counter's export must not touch.
    Table {
        filter: "removed_at IS NOT NULL",
        ..table(
            "export_leftovers",
            &[
                id("id", Key::Leftovers),
                id("export_run", Key::Exports),
                t("path"),
                t("at"),
                t("removed_at"),
            ],
        )
    },
];

/// Tables the migration writes besides [`TABLES`] (locked up front).
pub const ALSO_WRITTEN: &[&str] = &[
    "settings",
    "registration_counters",
    "registration_changes",
    "export_pending",
    "queue_counts",
    "decision_days",
    "decision_reasons",
    "workstation_migrations",
    "audit_chapters",
];

/// How ids and names change on the way.
#[derive(Debug, Default)]
pub struct Remap {
    pub offsets: HashMap<Key, i64>,
    /// Source blob id → server blob id, for every source blob.
    pub blobs: HashMap<i64, i64>,
    /// Source user name → the name on the server.
    pub renames: HashMap<String, String>,
    /// What `workstation` columns say of the source's rows.
    pub workstation: String,
}

impl Remap {
    pub fn offset(&self, k: Key) -> i64 {
        self.offsets.get(&k).copied().unwrap_or(0)
    }

    fn int(&self, map: Map, v: Option<i64>) -> Option<i64> {
        let v = v?;
        Some(match map {
            Map::Id(k) => v + self.offset(k),
            Map::Blob => self
                .blobs
                .get(&v)
                .copied()
                .unwrap_or(v + self.offset(Key::Blobs)),
            Map::Keep | Map::Username | Map::Workstation => v,
        })
    }

    fn text(&self, map: Map, v: Option<String>) -> Option<String> {
        match (map, v) {
            (Map::Username, Some(u)) => Some(self.renames.get(&u).cloned().unwrap_or(u)),
            (Map::Workstation, None) => Some(self.workstation.clone()),
            (_, v) => v,
        }
    }
}

/// Why a copy stopped: on the file or on the server.
#[derive(Debug)]
pub enum CopyError {
    Source(StoreError),
    Server(::postgres::Error),
}

impl From<StoreError> for CopyError {
    fn from(e: StoreError) -> Self {
        CopyError::Source(e)
    }
}

impl From<::postgres::Error> for CopyError {
    fn from(e: ::postgres::Error) -> Self {
        CopyError::Server(e)
    }
}

fn pg_type(ty: Ty) -> Type {
    match ty {
        Ty::Int => Type::INT8,
        Ty::Text => Type::TEXT,
        Ty::Bytes => Type::BYTEA,
    }
}

/// A value read from the file, as a parameter of the binary COPY.
pub fn param(cell: &Cell) -> &(dyn ToSql + Sync) {
    match cell {
        Cell::Int(v) => v,
        Cell::Text(v) => v,
        Cell::Bytes(v) => v,
    }
}

/// Copies one table; returns the rows written. `skip` holds the values of
/// the dedupe column the server already has.
pub fn copy_table(
    src: &SourceFile,
    tx: &mut Transaction<'_>,
    spec: &Table,
    remap: &Remap,
    skip: &HashSet<String>,
) -> Result<u64, CopyError> {
    let names: Vec<&str> = spec.cols.iter().map(|c| c.name).collect();
    let dedupe = spec
        .dedupe
        .and_then(|d| spec.cols.iter().position(|c| c.name == d));
    let types: Vec<Ty> = spec.cols.iter().map(|c| c.ty).collect();
    let pg_types: Vec<Type> = types.iter().map(|t| pg_type(*t)).collect();
    let sink = tx.copy_in(&format!(
        "COPY {} ({}) FROM STDIN BINARY",
        spec.name,
        names.join(", ")
    ))?;
    let mut w = BinaryCopyInWriter::new(sink, &pg_types);
    let mut n = 0u64;
    src.table_rows(spec.name, &names, spec.filter, &types, |cells| {
        for (cell, col) in cells.iter_mut().zip(spec.cols) {
            match cell {
                Cell::Int(v) => *v = remap.int(col.map, *v),
                Cell::Text(v) => *v = remap.text(col.map, v.take()),
                Cell::Bytes(_) => {}
            }
        }
        if let Some(d) = dedupe
            && let Cell::Text(Some(sha)) = &cells[d]
            && skip.contains(sha)
        {
            return Ok(());
        }
        let params: Vec<&(dyn ToSql + Sync)> = cells.iter().map(param).collect();
        w.write(&params)?;
        n += 1;
        Ok::<(), CopyError>(())
    })?;
    w.finish()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of every copied table is in the list, and nothing else:
    /// a migration that adds a column fails here until `migrate` copies it.
    #[test]
    fn the_lists_match_the_sqlite_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        drop(crate::store::Store::open(&path).unwrap());
        let src = SourceFile::open(&path).unwrap();
        for spec in TABLES {
            let mut have = src.column_names(spec.name).unwrap();
            let mut want: Vec<String> = spec.cols.iter().map(|c| c.name.to_owned()).collect();
            have.sort();
            want.sort();
            assert_eq!(have, want, "{}", spec.name);
        }
    }
}
