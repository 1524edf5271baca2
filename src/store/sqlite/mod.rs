//! The embedded backend: one SQLite file (WAL, foreign keys on, busy
//! timeout), numbered migrations, triggers for the queue counts and the
//! export queue, and the hash-chained audit log. The only code in the crate
//! that uses `rusqlite`, PRAGMAs or SQLite-specific SQL.
//!
//! How this backend keeps the seam's concurrency contracts (see
//! [`crate::store`]): SQLite has one writer at a time, and every write runs in
//! an IMMEDIATE transaction that takes the write lock up front. So
//! `claim_next`, the audit head and the hot rows (`queue_counts`,
//! `decision_days`, `decision_reasons`, `registration_counters`) are all
//! serialised by the database lock itself; triggers keep the counters in the
//! same transaction as the row they count.

mod anchors;
mod applications;
mod attachments;
mod audit;
pub(crate) use audit::anchor_finding;
mod backups;
mod blobs;
mod claims;
mod clerks;
mod dashboard;
mod decisions;
mod decode;
mod drafts;
pub(crate) mod error;
mod exchange;
mod export_runs;
pub(crate) mod migrations;
pub(crate) mod open;
mod outbox;
mod registrations;
mod settings;
pub(crate) mod source_file;
mod values;
mod watch;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

pub use applications::page_sql;
pub use backups::backup_to;
pub use open::full_check;
pub use watch::ChangeWatch;

use super::error::StoreError;
use crate::domain::clerks::anchor::Anchor;
use crate::store::audit::AuditVerdict;

/// An open, migrated SQLite database.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

/// One transaction (or one read) on the SQLite file; implements every
/// family trait of the seam, each in the file named after its table.
pub struct SqliteTx<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl SqliteTx<'_> {
    /// Runs one query, mapping the driver's error to a [`StoreError`] naming the file.
    fn q<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        f(self.conn).map_err(|e| error::from_sqlite(self.path, e))
    }
}

/// A read-only connection for `verify-audit` and other inspections: works on
/// a 0444 copy and never writes anything beside the file.
pub struct SqliteReadOnly {
    conn: Connection,
    path: PathBuf,
}

impl SqliteReadOnly {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            conn: open::open_read_only(path)?,
            path: path.to_path_buf(),
        })
    }

    pub fn verify_audit(&self) -> Result<AuditVerdict, StoreError> {
        audit::verify_chain(&self.conn).map_err(|e| error::from_sqlite(&self.path, e))
    }

    /// The reason the database no longer holds the anchor's row, if it does not.
    pub fn check_anchor(&self, anchor: &Anchor) -> Result<Option<String>, StoreError> {
        audit::check_anchor(&self.conn, anchor).map_err(|e| error::from_sqlite(&self.path, e))
    }

    pub fn tx(&self) -> SqliteTx<'_> {
        SqliteTx {
            conn: &self.conn,
            path: &self.path,
        }
    }

    /// The read-only connection itself, for the migration source.
    fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `path`. A file
    /// that is not SQLite, is corrupt, or was written by a newer version is
    /// refused before anything in it is modified.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
        {
            open::create_new(path)?;
        }
        let conn = open::open_checked(path)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        migrations::migrate(&mut store.conn, &store.path)?;
        Ok(store)
    }

    /// A second connection to an already opened and migrated file, for
    /// reads only (`query_only`): lists and pages run here while the writer
    /// commits.
    pub fn open_reader(path: &Path) -> Result<Self, StoreError> {
        let conn = open::open_reader(path)?;
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A 1 GiB page cache for a bulk load (demo data, imports), so index pages
    /// are not spilled and re-read mid-transaction, and statement journals in
    /// memory (each insert fires the counts trigger, so SQLite keeps a
    /// statement journal: on disk that was ~20 writes per row); per connection.
    pub fn tune_for_bulk(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;")
            .map_err(|e| error::from_sqlite(&self.path, e))
    }

    /// Back to SQLite's default page cache after a bulk load (the app's
    /// writer connection lives on).
    pub fn end_bulk(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA cache_size = -2000;")
            .map_err(|e| error::from_sqlite(&self.path, e))
    }

    /// An IMMEDIATE transaction (takes the write lock up front, so two
    /// processes never deadlock upgrading a read), committed or rolled back
    /// after `f`.
    pub fn immediate<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&SqliteTx<'_>) -> Result<T, E>,
        commit: bool,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| error::from_sqlite(&self.path, e))?;
        let out = f(&SqliteTx {
            conn: &tx,
            path: &self.path,
        })?;
        if commit { tx.commit() } else { tx.rollback() }
            .map_err(|e| error::from_sqlite(&self.path, e))?;
        Ok(out)
    }

    /// A read transaction, so `f` sees one consistent snapshot.
    pub fn read<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&SqliteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| error::from_sqlite(&self.path, e))?;
        let out = f(&SqliteTx {
            conn: &tx,
            path: &self.path,
        })?;
        tx.finish().map_err(|e| error::from_sqlite(&self.path, e))?;
        Ok(out)
    }
}

/// A file's schema version (`PRAGMA user_version`), read without changing
/// anything (`counterdesk migrate` reports from which version it migrated).
pub fn schema_version(path: &Path) -> Result<i64, StoreError> {
    user_version(&open::open_read_only(path)?).map_err(|e| error::from_sqlite(path, e))
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}
