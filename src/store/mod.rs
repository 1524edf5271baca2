//! The only module that speaks SQL, behind one backend-neutral seam.
//!
//! `app/` sees [`Store`] (open, read, write) and [`Tx`], a transaction that
//! offers one trait per table, grouped by family: [`clerks`],
//! [`registrations`] (and their scans), [`queue`] (applications, claims,
//! photos), [`decisions`], [`outbox`], [`audit`] (chain and anchors),
//! [`exchange`] (imports, export runs, backups), [`drafts`], [`settings`] and
//! [`dashboard`]. The embedded backend is [`sqlite`]; the office server
//! ([`postgres`]) plugs in behind the same traits.
//!
//! # Concurrency contracts every backend keeps
//! - **Claims.** [`queue::Claims::claim_next`] must hand one application to
//!   one reviewer however many press F2 at once: a backend locks the row it
//!   takes or skips rows others have locked (`FOR UPDATE SKIP LOCKED` on a
//!   server). Leases are judged on the database's clock of record.
//! - **Decisions** re-check the claim ticket in the same transaction
//!   ([`decisions::Decisions::decide`]); a stale ticket writes nothing.
//! - **Audit chain.** [`audit::AuditLog::append_audit`] reads the head and
//!   writes the next link as one serialised step: two appends must never
//!   read the same head (SQLite: the write lock; a server: a lock on the head
//!   row, taken inside COMMIT by a deferred trigger that links the rows the
//!   transaction staged, so no round trip to a workstation holds it).
//! - **Hot rows.** Rows that many writes touch:
//!   - `queue_counts` (per kind and state, kept by triggers on
//!     `applications`): SQLite keeps it in the writer's transaction; the
//!     server keeps one delta row per connection slot (backend pid mod 16)
//!     and sums the slots on read, so two counters do not wait on one row.
//!   - `decision_days` / `decision_reasons` (the dashboard's tallies, kept by
//!     triggers on `decisions`): the same choice as `queue_counts`.
//!   - `registration_counters` (the MQ number per day,
//!     [`registrations::Registrations::next_registration_seq`]): the number
//!     must be unique, so it stays one row per day and is taken with a row
//!     lock (`UPDATE … RETURNING`), held only until that registration commits.
//! - **Store changed.** One signal, [`ChangeWatch`]: `PRAGMA data_version`
//!   on SQLite, LISTEN/NOTIFY on the server.
//!
//! How each backend keeps them: the [`sqlite`] module's doc (one writer at a
//! time), and [`PgTx`]'s for the office server (row locks in READ COMMITTED,
//! `SKIP LOCKED`, per-connection tally slots). Both judge leases on the
//! `now` the caller passes; in office mode the caller passes the server's
//! clock ([`Store::server_time`]).

#[macro_use]
mod ddl;
pub mod audit;
pub mod clerks;
pub mod dashboard;
pub mod decisions;
pub mod drafts;
mod error;
pub mod exchange;
mod files;
#[cfg(test)]
mod migration_pins;
pub mod outbox;
pub mod postgres;
pub mod queue;
pub mod registrations;
pub mod settings;
pub(crate) mod sql;
pub mod sqlite;
pub(crate) mod time;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use audit::{AnchorSource, AuditRow, AuditVerdict, NewAnchor, NewAuditEvent};
pub use clerks::{ClerkRecord, NewClerk, NewPassword, SignedIn};
pub use dashboard::{DashboardData, DayOutcomes, OverdueRow};
pub use decisions::{DecisionRecord, NewDecision};
pub use drafts::DraftKey;
pub use error::{StoreError, StoreResult, io_detail};
pub use exchange::{
    AuditExport, DecisionExport, ExportRecord, ExportRun, ImportRecord, Leftover, NewBackup,
    NewExport, NoticeExport, RegistrationExport, RunStream, STREAM_AUDIT, STREAM_DECISIONS,
    STREAM_NOTICES, STREAM_REGISTRATIONS,
};
pub use files::{create_private_dir, create_private_file, sync_dir};
pub use outbox::{Channel, NewMessage, OutboxRow};
pub use postgres::{PgStore, PgTx};
pub use queue::{
    ApplicationRecord, Blob, Claim, ClaimInfo, Lease, MAX_BLOB_BYTES, MAX_PAGE, NewApplication,
    PageQuery, QueueClock, QueueRow, SearchKey, sha256_hex,
};
pub use registrations::{
    Applicant, AttachmentRecord, NewAttachment, NewRegistration, RegistrationQuery,
    RegistrationRecord, RegistrationSummary,
};
pub use sqlite::migrations::LATEST_VERSION;
pub use sqlite::{backup_to, full_check, schema_version as file_schema_version};
pub use time::format as format_time;

use crate::domain::clerks::anchor::Anchor;

/// Declares [`Txn`] as every family trait of the seam, listed once, and
/// implements it for whatever has them all.
macro_rules! transaction_families {
    ($($family:path),+ $(,)?) => {
        /// Everything one transaction offers, whatever the backend.
        pub trait Txn: $($family +)+ {}

        impl<T: $($family +)+> Txn for T {}
    };
}

transaction_families!(
    clerks::Clerks,
    registrations::Registrations,
    registrations::Scans,
    queue::Applications,
    queue::Claims,
    queue::Photos,
    decisions::Decisions,
    outbox::Outbox,
    audit::AuditLog,
    audit::Anchors,
    exchange::Exchange,
    exchange::ExportRuns,
    exchange::Backups,
    drafts::Drafts,
    settings::StoredSettings,
    dashboard::Dashboard,
);

/// A view of the database inside one transaction (or one read).
pub type Tx<'a> = dyn Txn + 'a;

/// An open, migrated database on one of the backends.
pub struct Store {
    backend: Backend,
}

enum Backend {
    Sqlite(sqlite::SqliteStore),
    /// The office server (issue 22): one connection as `counterdesk_app`.
    Postgres(Box<postgres::PgStore>),
}

/// Office-wide locks held by one workstation's session (PostgreSQL advisory
/// locks; their keys are this enum's, in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HallLock {
    /// One export at a time per office.
    Export,
}

impl HallLock {
    fn key(self) -> i64 {
        match self {
            HallLock::Export => 0x4344_4558_504f, // "CDEXPO"
        }
    }
}

/// Where a store's data lives, as the status bar and messages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The workstation's own SQLite file.
    File(PathBuf),
    /// The office server, as `办公室服务器 host/db` (never the user).
    Office(String),
}

impl Location {
    /// The SQLite file, or `None` on the office server.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Office(_) => None,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "本机数据库 {}", p.display()),
            Location::Office(s) => f.write_str(s),
        }
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the SQLite database at
    /// `path`. A file that is not SQLite, is corrupt, or was written by a
    /// newer version is refused before anything in it is modified.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::SqliteStore::open(path)?),
        })
    }

    /// A second connection to an already opened and migrated database, for
    /// reads only: lists and pages run here while the writer commits.
    pub fn open_reader(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::SqliteStore::open_reader(path)?),
        })
    }

    /// Connects to the office server as the workstation role. A server
    /// whose schema version differs from this build's (or that was never
    /// initialised) is refused; the message names `counterdesk office-init`.
    /// The password comes from the passfile, else from `prompt`.
    pub fn open_office(
        target: postgres::Target,
        prompt: postgres::Prompt,
    ) -> Result<Self, StoreError> {
        let connector = postgres::Connector::new(target, prompt)?;
        Ok(Self {
            backend: Backend::Postgres(Box::new(postgres::PgStore::open(Arc::new(connector))?)),
        })
    }

    /// Connects to the office server through `connector` (which keeps a
    /// typed password for reconnects); as [`Store::open_office`].
    pub fn open_office_with(connector: Arc<postgres::Connector>) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Postgres(Box::new(postgres::PgStore::open(connector)?)),
        })
    }

    /// A second connection to the same database, for reads beside the
    /// writer (as [`Store::open_reader`] on a file).
    pub fn another_reader(&self) -> Result<Self, StoreError> {
        Ok(Self {
            backend: match &self.backend {
                Backend::Sqlite(s) => Backend::Sqlite(sqlite::SqliteStore::open_reader(s.path())?),
                Backend::Postgres(p) => Backend::Postgres(Box::new(p.another()?)),
            },
        })
    }

    /// Where the data lives: `本机数据库 <path>` or `办公室服务器 host/db`.
    pub fn location(&self) -> Location {
        match &self.backend {
            Backend::Sqlite(s) => Location::File(s.path().to_path_buf()),
            Backend::Postgres(p) => Location::Office(p.location().to_owned()),
        }
    }

    /// The SQLite file, or `None` on the office server.
    pub fn file(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.path()),
            Backend::Postgres(_) => None,
        }
    }

    /// The SQLite file. On the office server there is none and this is the
    /// empty path: callers that put files beside the database (the signing
    /// key, the export lock, the import's photo check) must move to
    /// [`Store::file`] / [`Store::location`] before office mode reaches them.
    pub fn path(&self) -> &Path {
        self.file().unwrap_or(Path::new(""))
    }

    /// The database's clock: the server's in office mode (the clock of
    /// record there), `None` for a file (the workstation's clock is it).
    pub fn server_time(&mut self) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(p) => p.server_time().map(Some),
        }
    }

    /// Replaces a lost office connection with a new one (same target, same
    /// typed password). Nothing to do for a file.
    pub fn reconnect(&mut self) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(p) => {
                **p = p.another()?;
                Ok(())
            }
        }
    }

    /// Takes a hall-wide lock for this connection's session without
    /// waiting: false when another workstation holds it. A file has one
    /// writer process at a time anyway: always true there.
    pub fn try_hall_lock(&mut self, lock: HallLock) -> Result<bool, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(true),
            Backend::Postgres(p) => p.try_advisory_lock(lock.key()),
        }
    }

    /// Gives a hall-wide lock back (it also ends with the connection).
    pub fn release_hall_lock(&mut self, lock: HallLock) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(p) => p.advisory_unlock(lock.key()),
        }
    }

    /// The "store changed" signal on a connection of its own.
    pub fn change_watch(&self) -> Result<ChangeWatch, StoreError> {
        Ok(ChangeWatch(match &self.backend {
            Backend::Sqlite(s) => WatchBackend::Sqlite(sqlite::ChangeWatch::open(s.path())?),
            Backend::Postgres(p) => {
                WatchBackend::Postgres(postgres::OfficeWatch::new(p.connector()))
            }
        }))
    }

    /// Prepares a connection for a bulk load (demo data, imports).
    pub fn tune_for_bulk(&mut self) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.tune_for_bulk(),
            // The server's memory is its own business (shared_buffers); the
            // import's own cost, the per-row counts, is handled by
            // Exchange::begin_bulk_insert.
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// Back to normal after a bulk load (the writer connection lives on).
    pub fn end_bulk(&mut self) -> Result<(), StoreError> {
        match &mut self.backend {
            Backend::Sqlite(s) => s.end_bulk(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// Copies the database file to `dest` (see [`backup_to`]). The office
    /// server is backed up on the server by IT, so it refuses.
    pub fn backup_to(&self, dest: &Path) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => backup_to(s.path(), dest),
            Backend::Postgres(p) => Err(backup_not_on_server(p.location().to_owned())),
        }
    }

    /// Runs `f` in a write transaction and commits if it succeeds; any
    /// error rolls everything back.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_checked(f)
    }

    /// A use case's write that a rule may refuse: runs `f` in a write
    /// transaction, commits on `Ok`, and rolls back on any `Err`, a refusal
    /// (the caller's own error type) as well as a storage fault.
    pub fn write_checked<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(Run::Write, f)
    }

    /// A lease's write (claim, renewal), as [`Store::write_checked`]. On the
    /// server its commit is not waited on until it is on disk: a crash may
    /// lose the lease, and with it nothing a clerk did (a decision on a lost
    /// claim is refused as stale). A file commits it like any other write.
    pub fn write_lease<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(Run::Lease, f)
    }

    /// Runs `f` in a write transaction and rolls it back: measures a write
    /// (claim-next in the benches) without changing the database.
    pub fn rehearse<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.run(Run::Rehearse, f)
    }

    /// A read that a rule may refuse (the caller's own error type), in one
    /// consistent snapshot.
    pub fn read_checked<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(Run::Read, f)
    }

    /// Runs `f` in the backend's transaction of kind `how`.
    fn run<T, E: From<StoreError>>(
        &mut self,
        how: Run,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match (&mut self.backend, how) {
            (Backend::Sqlite(s), Run::Read) => s.read(|tx| f(tx)),
            (Backend::Sqlite(s), how) => s.immediate(|tx| f(tx), how != Run::Rehearse),
            (Backend::Postgres(p), Run::Read) => p.read(|tx| f(tx)),
            (Backend::Postgres(p), Run::Lease) => p.write_lease(|tx| f(tx)),
            (Backend::Postgres(p), how) => p.write(|tx| f(tx), how != Run::Rehearse),
        }
    }

    /// Runs `f` in a read transaction, so it sees one consistent snapshot.
    pub fn read<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read_checked(f)
    }
}

/// The kinds of transaction a [`Store`] runs: a write that commits, a
/// lease's write, a write rolled back, a read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Write,
    Lease,
    Rehearse,
    Read,
}

/// The one "store changed" signal: `PRAGMA data_version` on a file,
/// LISTEN/NOTIFY on the office server (each on a connection of its own).
pub struct ChangeWatch(WatchBackend);

enum WatchBackend {
    Sqlite(sqlite::ChangeWatch),
    Postgres(postgres::OfficeWatch),
}

impl ChangeWatch {
    /// Waits up to `wait` and says whether anything was committed elsewhere
    /// meanwhile (a burst counts once). The first call only takes the
    /// starting point. On the server an error means the connection is gone
    /// ([`StoreError::is_connection_lost`]); the next call reconnects and,
    /// once it has, reports a change, since notices may have been missed.
    pub fn changed(&mut self, wait: std::time::Duration) -> Result<bool, StoreError> {
        match &mut self.0 {
            // Looks first, then waits: the first call takes the starting
            // point at once, so nothing committed right after the store
            // opened is folded into it.
            WatchBackend::Sqlite(w) => {
                let changed = w.changed()?;
                if !changed {
                    std::thread::sleep(wait);
                }
                Ok(changed)
            }
            WatchBackend::Postgres(w) => w.changed(wait),
        }
    }
}

/// A read-only view for `verify-audit`, `audit-anchor` and `check-db`: on
/// SQLite it works on a 0444 copy and never writes beside the file.
pub struct ReadOnlyDb {
    backend: ReadOnlyBackend,
}

enum ReadOnlyBackend {
    Sqlite(sqlite::SqliteReadOnly),
    /// The office server: every call is one REPEATABLE READ, READ ONLY
    /// snapshot on one connection (as whoever the URL names).
    Postgres(std::cell::RefCell<Box<postgres::PgStore>>),
}

impl ReadOnlyDb {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: ReadOnlyBackend::Sqlite(sqlite::SqliteReadOnly::open(path)?),
        })
    }

    /// Walks the whole audit chain.
    pub fn verify_audit(&self) -> Result<AuditVerdict, StoreError> {
        match &self.backend {
            ReadOnlyBackend::Sqlite(s) => s.verify_audit(),
            ReadOnlyBackend::Postgres(_) => self.read(|tx| tx.verify_audit()),
        }
    }

    /// Why the database no longer holds the anchor's row, or `None` when it does.
    pub fn check_anchor(&self, anchor: &Anchor) -> Result<Option<String>, StoreError> {
        match &self.backend {
            ReadOnlyBackend::Sqlite(s) => s.check_anchor(anchor),
            ReadOnlyBackend::Postgres(_) => {
                let stored = self.read(|tx| tx.anchor_at(anchor.seq))?;
                Ok(sqlite::anchor_finding(
                    anchor,
                    stored.as_ref().map(|a| a.hash.as_str()),
                ))
            }
        }
    }

    /// Runs `f` over the read-only view.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.backend {
            ReadOnlyBackend::Sqlite(s) => f(&s.tx()),
            ReadOnlyBackend::Postgres(p) => p.borrow_mut().read(|tx| f(tx)),
        }
    }

    pub fn audit_anchor(&self) -> Result<Option<Anchor>, StoreError> {
        self.read(|tx| tx.audit_anchor())
    }

    /// Exports a crash left unconfirmed (`check-db` names their folders):
    /// every one, or only those `signer`'s key began.
    pub fn unfinished_exports(&self, signer: Option<&str>) -> Result<Vec<ExportRun>, StoreError> {
        self.read(|tx| tx.unfinished_exports(signer))
    }

    pub fn export_leftovers(&self) -> Result<Vec<Leftover>, StoreError> {
        self.read(|tx| tx.export_leftovers())
    }
}

// ---- Office mode on the command line (issue 22): the server variants of
// the read-only view, kept apart from the facade above to ease merging. ----

impl ReadOnlyDb {
    /// The office server, read-only: `verify-audit`, `audit-anchor` and
    /// `check-db` there. Refuses a server at another schema version (the
    /// message names `counterdesk office-init`).
    pub fn open_office(
        target: postgres::Target,
        prompt: postgres::Prompt,
    ) -> Result<Self, StoreError> {
        let connector = postgres::Connector::new(target, prompt)?;
        let store = postgres::PgStore::open(Arc::new(connector))?;
        Ok(Self {
            backend: ReadOnlyBackend::Postgres(std::cell::RefCell::new(Box::new(store))),
        })
    }

    /// `办公室服务器 host/db`, or `None` for a file.
    pub fn office_location(&self) -> Option<String> {
        match &self.backend {
            ReadOnlyBackend::Sqlite(_) => None,
            ReadOnlyBackend::Postgres(p) => Some(p.borrow().location().to_owned()),
        }
    }

    /// The server's value check (`check-db`): every row of the tables a
    /// clerk reads through the store's decoders; rows decoded per table.
    /// On a file, [`full_check`] does this and more.
    pub fn check_server_values(&self) -> Result<Option<Vec<(&'static str, u64)>>, StoreError> {
        match &self.backend {
            ReadOnlyBackend::Sqlite(_) => Ok(None),
            ReadOnlyBackend::Postgres(p) => p.borrow_mut().check_values().map(Some),
        }
    }
}

impl Store {
    /// On the office server: whether this connection's role is a superuser
    /// (`reset-admin` there needs one, as it needs file access on SQLite);
    /// `None` on a file.
    pub fn office_superuser(&mut self) -> Result<Option<bool>, StoreError> {
        match &mut self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(p) => p.is_superuser().map(Some),
        }
    }
}

/// Why a workstation does not back up the office server (`backup` and
/// [`Store::backup_to`] there): `location` is `办公室服务器 host/db`.
pub fn backup_not_on_server(location: String) -> StoreError {
    StoreError::NotOnServer {
        what: "工作台本机备份",
        location,
        why: "办公室服务器的数据由信息科在服务器上备份（例如 pg_dump），工作台不复制服务器数据",
    }
}
