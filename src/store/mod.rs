//! The only module that speaks SQL. One SQLite file (WAL, foreign keys on,
//! busy timeout), numbered migrations, an append-only hash-chained audit log.

mod anchors;
mod applications;
mod attachments;
mod audit;
mod backups;
mod blobs;
mod claims;
mod clerks;
mod dashboard;
mod decisions;
mod drafts;
mod error;
mod exchange;
mod export_runs;
mod migrations;
mod open;
mod outbox;
pub mod postgres;
mod registrations;
mod settings;
mod time;
mod watch;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

pub use anchors::AnchorSource;
pub use applications::{
    ApplicationRecord, MAX_PAGE, NewApplication, PageQuery, QueueClock, QueueRow, SearchKey,
};
pub use attachments::{AttachmentRecord, NewAttachment};
pub use audit::{AuditRow, AuditVerdict, NewAuditEvent};
pub use backups::backup_to;
pub use blobs::{Blob, MAX_BLOB_BYTES, sha256_hex};
pub use claims::{Claim, ClaimInfo};
pub use clerks::{ClerkRecord, NewClerk};
pub use dashboard::{DashboardData, DayOutcomes, OverdueRow};
pub use decisions::{DecisionRecord, NewDecision, STALE_CLAIM};
pub use error::{StoreError, io_detail};
pub use exchange::{
    AuditExport, DecisionExport, ImportRecord, NoticeExport, RegistrationExport, STREAM_AUDIT,
    STREAM_DECISIONS, STREAM_NOTICES, STREAM_REGISTRATIONS,
};
pub use export_runs::{ExportRecord, ExportRun, Leftover, RunStream};
pub use migrations::LATEST_VERSION;
pub use open::{create_private_dir, create_private_file, full_check, sync_dir};
pub use outbox::{Channel, NewMessage, OutboxRow};
pub use registrations::{
    NewRegistration, RegistrationQuery, RegistrationRecord, RegistrationSummary,
};
pub use time::format as format_time;
pub use watch::ChangeWatch;

/// An open, migrated database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A view of the database inside one transaction (or one read). Every
/// table's operations are methods on this type, in the file named after the table.
pub struct Tx<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl Tx<'_> {
    /// Runs one query, mapping the driver's error to a [`StoreError`] naming the file.
    fn q<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        f(self.conn).map_err(|e| StoreError::from_sqlite(self.path, e))
    }
}

/// A read-only connection for `verify-audit` and other inspections: works on
/// a 0444 copy and never writes anything beside the file.
pub struct ReadOnlyDb {
    conn: Connection,
    path: PathBuf,
}

impl ReadOnlyDb {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            conn: open::open_read_only(path)?,
            path: path.to_path_buf(),
        })
    }

    pub fn verify_audit(&self) -> Result<AuditVerdict, StoreError> {
        audit::verify_chain(&self.conn).map_err(|e| StoreError::from_sqlite(&self.path, e))
    }

    /// `Ok(Err(reason))` when the database no longer holds the anchor's row.
    pub fn check_anchor(
        &self,
        anchor: &crate::domain::clerks::anchor::Anchor,
    ) -> Result<Result<(), String>, StoreError> {
        audit::check_anchor(&self.conn, anchor).map_err(|e| StoreError::from_sqlite(&self.path, e))
    }

    pub fn audit_anchor(
        &self,
    ) -> Result<Option<crate::domain::clerks::anchor::Anchor>, StoreError> {
        self.tx().audit_anchor()
    }

    /// Exports a crash left unconfirmed (`check-db` names their folders).
    pub fn unfinished_exports(&self) -> Result<Vec<ExportRun>, StoreError> {
        self.tx().unfinished_exports()
    }

    pub fn export_leftovers(&self) -> Result<Vec<Leftover>, StoreError> {
        self.tx().export_leftovers()
    }

    fn tx(&self) -> Tx<'_> {
        Tx {
            conn: &self.conn,
            path: &self.path,
        }
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `path`. A file
    /// that is not SQLite, is corrupt, or was written by a newer version is
    /// refused before anything in it is modified.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
        {
            open::create_new(path)?;
        }
        let conn = open::open_checked(path)?;
        let mut store = Store {
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
        Ok(Store {
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
            .map_err(|e| StoreError::from_sqlite(&self.path, e))
    }

    /// Back to SQLite's default page cache after a bulk load (the app's
    /// writer connection lives on).
    pub fn end_bulk(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("PRAGMA cache_size = -2000;")
            .map_err(|e| StoreError::from_sqlite(&self.path, e))
    }

    /// Runs `f` in an IMMEDIATE transaction (takes the write lock up front, so
    /// two processes never deadlock upgrading a read) and commits if it succeeds.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.immediate(f, true)
    }

    /// An IMMEDIATE transaction, committed or rolled back after `f`.
    fn immediate<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
        commit: bool,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        let out = f(&Tx {
            conn: &tx,
            path: &self.path,
        })?;
        if commit { tx.commit() } else { tx.rollback() }
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        Ok(out)
    }

    /// Runs `f` in a write transaction and rolls it back: measures a write
    /// (claim-next in the benches) without changing the file.
    pub fn rehearse<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.immediate(f, false)
    }

    /// Runs `f` in a read transaction, so it sees one consistent snapshot.
    pub fn read<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        let out = f(&Tx {
            conn: &tx,
            path: &self.path,
        })?;
        tx.finish()
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        Ok(out)
    }
}
