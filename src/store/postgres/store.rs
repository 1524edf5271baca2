//! The office server as a store backend: one connection (as the
//! workstation role), its prepared statements, and the transactions the
//! facade runs on it. Writes are READ COMMITTED (a row lock waits for the
//! holder's commit and then sees the committed row, which the audit head
//! and the claim re-checks rely on); reads are one REPEATABLE READ, READ
//! ONLY snapshot.

use std::sync::Arc;

use ::postgres::{Client, IsolationLevel};
use chrono::{DateTime, Utc};

use super::tx::{PgTx, StatementCache, store_error};
use super::{Connector, Target, check_schema_version};
use crate::store::StoreError;
use crate::store::time;

/// Waits until every commit this connection made is on disk: a transaction
/// that writes a WAL record and commits synchronously flushes the WAL up to
/// its own commit record, which comes after the earlier asynchronous commit
/// (the flush is shared with other counters' commits: group commit). WAL is
/// flushed in order, so a crash can only lose a suffix of commits, and no
/// clerk was told any of them succeeded (docs/office.md, "Commits wait for
/// the disk outside the locks").
const DURABLE: &str = "BEGIN; SET LOCAL synchronous_commit = on; \
    SELECT pg_logical_emit_message(true, 'counterdesk', ''); COMMIT";

/// How [`PgStore::run`] ends a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One read-only snapshot.
    Read,
    /// Committed, and waited on until it is on disk.
    Write,
    /// Committed, not waited on (a lease: claim, renewal).
    Lease,
    /// Rolled back (a measured write that changes nothing).
    Rehearse,
}

/// An open connection to an office server whose schema is this build's.
pub struct PgStore {
    client: Client,
    connector: Arc<Connector>,
    /// `办公室服务器 host/db`, for messages and the status bar.
    location: String,
    cache: StatementCache,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects and checks the server's schema version. A server that was
    /// never initialised, or is at another version than this build, is
    /// refused with a message that names `counterdesk office-init`.
    pub fn open(connector: Arc<Connector>) -> Result<Self, StoreError> {
        let mut client = connector.connect()?;
        check_schema_version(&mut client, connector.target())?;
        // Commits return before their WAL flush, so the audit head's row
        // lock and the NOTIFY commit lock are held for microseconds, not
        // for a disk flush; `run` then waits for the flush (DURABLE).
        client
            .batch_execute("SET synchronous_commit = off")
            .map_err(|e| store_error(&connector.target().to_string(), e))?;
        Ok(PgStore {
            client,
            location: connector.target().to_string(),
            connector,
            cache: StatementCache::default(),
        })
    }

    /// Another connection to the same server (a reader beside the writer,
    /// or a new one after the connection was lost).
    pub fn another(&self) -> Result<Self, StoreError> {
        Self::open(Arc::clone(&self.connector))
    }

    /// The connector, for connections of their own (the change listener).
    pub fn connector(&self) -> Arc<Connector> {
        Arc::clone(&self.connector)
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn target(&self) -> &Target {
        self.connector.target()
    }

    /// `pg_try_advisory_lock`: a session-level lock, false when another
    /// session holds it.
    pub fn try_advisory_lock(&mut self, key: i64) -> Result<bool, StoreError> {
        let location = self.location.as_str();
        let row = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .map_err(|e| store_error(location, e))?;
        row.try_get(0).map_err(|e| store_error(location, e))
    }

    pub fn advisory_unlock(&mut self, key: i64) -> Result<(), StoreError> {
        let location = self.location.as_str();
        self.client
            .query_one("SELECT pg_advisory_unlock($1)", &[&key])
            .map(drop)
            .map_err(|e| store_error(location, e))
    }

    /// The server's clock, the clock of record in office mode.
    pub fn server_time(&mut self) -> Result<DateTime<Utc>, StoreError> {
        let location = self.location.as_str();
        let row = self
            .client
            .query_one(
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', \
                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                &[],
            )
            .map_err(|e| store_error(location, e))?;
        let text: String = row.try_get(0).map_err(|e| store_error(location, e))?;
        time::parse(&text).ok_or_else(|| StoreError::CorruptRow {
            path: location.into(),
            table: "clock_timestamp()",
            row: 0,
            column: "now",
            value: text,
        })
    }

    /// Runs `f` in a write transaction (READ COMMITTED), committed when
    /// `commit` and `f` succeeds, rolled back otherwise.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&PgTx<'_>) -> Result<T, E>,
        commit: bool,
    ) -> Result<T, E> {
        self.run(if commit { Mode::Write } else { Mode::Rehearse }, f)
    }

    /// A lease's write (claim, renewal): committed like any other, but not
    /// waited on until it is on disk. A server crash may lose it, and with
    /// it nothing a clerk did: the application is simply unclaimed again
    /// and a decision on the lost claim is refused as stale. The next
    /// durable commit of this connection flushes it (WAL is in order).
    pub fn write_lease<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&PgTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(Mode::Lease, f)
    }

    /// Runs `f` in one read-only snapshot.
    pub fn read<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&PgTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.run(Mode::Read, f)
    }

    fn run<T, E: From<StoreError>>(
        &mut self,
        mode: Mode,
        f: impl FnOnce(&PgTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let location = self.location.as_str();
        let tx = if mode == Mode::Read {
            self.client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
        } else {
            self.client.transaction()
        }
        .map_err(|e| store_error(location, e))?;
        let ptx = PgTx::new(tx, &self.cache, location);
        let out = f(&ptx);
        let tx = ptx.into_inner();
        match out {
            Ok(v) => {
                // Staged audit rows link into the chain inside COMMIT; a
                // deleted head stops the write there, saying so.
                if mode == Mode::Rehearse {
                    tx.rollback()
                } else {
                    tx.commit()
                }
                .map_err(|e| {
                    super::tx::head_missing(store_error(location, e), location.as_ref())
                })?;
                if mode == Mode::Write {
                    // Not done until it is on disk: an error here is an
                    // unknown outcome, like a lost COMMIT.
                    self.client
                        .batch_execute(DURABLE)
                        .map_err(|e| store_error(location, e))?;
                }
                Ok(v)
            }
            Err(e) => {
                // The caller's error wins; a failed rollback (connection
                // gone) ends the transaction on the server anyway.
                let _ = tx.rollback();
                Err(e)
            }
        }
    }
}

/// Command-line support: `check-db` and `reset-admin` on the server.
impl PgStore {
    /// Decodes every row of the tables a clerk reads, in one read-only
    /// snapshot: rows per table, or the first corrupt row.
    pub fn check_values(&mut self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        self.read(|tx| tx.check_values())
    }

    /// Whether this connection's role is a superuser (the server's
    /// equivalent of "may open the database file").
    pub fn is_superuser(&mut self) -> Result<bool, StoreError> {
        let location = self.location.as_str();
        let row = self
            .client
            .query_one(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                &[],
            )
            .map_err(|e| store_error(location, e))?;
        row.try_get(0).map_err(|e| store_error(location, e))
    }
}
