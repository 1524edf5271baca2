//! One transaction on the office server: [`PgTx`] implements every family
//! trait of the seam, each in the file named after its table (as
//! `store/sqlite/` does). Statements are prepared once per connection and
//! kept in the store's cache; the transaction sits in a `RefCell` because
//! the traits take `&self`, and no borrow is held across a trait call.
//!
//! How the seam's concurrency contracts are kept here (see [`crate::store`]):
//! - writes run in READ COMMITTED, where a row lock waits for the holder's
//!   commit and then sees the row as committed;
//! - `claim_next` locks the row it takes and skips rows others hold
//!   (`FOR UPDATE SKIP LOCKED`); every claim, renewal, release and decision
//!   re-checks the ticket in its own `UPDATE … WHERE`;
//! - leases, due dates and every stored time are judged on the `now` the
//!   caller passes, exactly as on SQLite (in office mode the app's clock is
//!   the server's); only the audit row's time is the server's own, taken
//!   under the head lock;
//! - audit rows are staged and join the chain at COMMIT (a deferred
//!   trigger runs `audit_append()`, which locks the head until the commit
//!   ends), so the head is locked only inside the server's commit; a read
//!   of the chain in the same transaction links the staged rows first;
//! - tallies (`queue_counts`, `decision_days`, `decision_reasons`) are kept
//!   per connection slot by triggers and summed on read (migration 10);
//!   the MQ number is one row per day taken with a row lock.

mod anchors;
mod applications;
mod attachments;
mod audit;
mod backups;
mod blobs;
mod chapters;
mod claims;
mod clerks;
mod dashboard;
mod decisions;
mod decode;
mod drafts;
mod exchange;
mod export_runs;
mod outbox;
mod registrations;
mod settings;
mod values;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;

use ::postgres::error::SqlState;
use ::postgres::types::{FromSqlOwned, ToSql};
use ::postgres::{Row, Statement, Transaction};

use super::OfficeError;
use crate::store::StoreError;

pub use audit::head_missing;
pub use chapters::chapter_words;
pub use decode::{Cols, PgRow};

/// Parameters of one statement.
pub type Params<'p> = [&'p (dyn ToSql + Sync)];

/// Prepared statements of one connection, by SQL text.
pub type StatementCache = RefCell<HashMap<String, Statement>>;

/// Rows fetched per round trip when streaming an export.
const STREAM_BATCH: i32 = 500;

/// One transaction (or one read) on the office server.
pub struct PgTx<'a> {
    tx: RefCell<Transaction<'a>>,
    cache: &'a StatementCache,
    /// `办公室服务器 host/db`, for messages.
    location: &'a str,
    /// Audit rows staged and not yet linked into the chain (they join it
    /// at COMMIT, migration 16); a read of the chain links them first.
    staged: std::cell::Cell<bool>,
}

impl<'a> PgTx<'a> {
    pub fn new(tx: Transaction<'a>, cache: &'a StatementCache, location: &'a str) -> Self {
        PgTx {
            tx: RefCell::new(tx),
            cache,
            location,
            staged: std::cell::Cell::new(false),
        }
    }

    pub fn into_inner(self) -> Transaction<'a> {
        self.tx.into_inner()
    }

    pub fn err(&self, e: ::postgres::Error) -> StoreError {
        store_error(self.location, e)
    }

    /// Where the data lives, as a path-like value for the errors that carry one.
    fn place(&self) -> PathBuf {
        PathBuf::from(self.location)
    }

    /// The prepared statement for `sql`, preparing it on first use.
    fn stmt(&self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.cache.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.borrow_mut().prepare(sql).map_err(|e| self.err(e))?;
        self.cache.borrow_mut().insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn rows(&self, sql: &str, p: &Params<'_>) -> Result<Vec<Row>, StoreError> {
        let s = self.stmt(sql)?;
        self.tx.borrow_mut().query(&s, p).map_err(|e| self.err(e))
    }

    fn opt(&self, sql: &str, p: &Params<'_>) -> Result<Option<Row>, StoreError> {
        let s = self.stmt(sql)?;
        self.tx
            .borrow_mut()
            .query_opt(&s, p)
            .map_err(|e| self.err(e))
    }

    fn one(&self, sql: &str, p: &Params<'_>) -> Result<Row, StoreError> {
        let s = self.stmt(sql)?;
        self.tx
            .borrow_mut()
            .query_one(&s, p)
            .map_err(|e| self.err(e))
    }

    fn exec(&self, sql: &str, p: &Params<'_>) -> Result<u64, StoreError> {
        let s = self.stmt(sql)?;
        self.tx.borrow_mut().execute(&s, p).map_err(|e| self.err(e))
    }

    /// Column `i` of `r`; a type the schema cannot hold is a driver error,
    /// never a panic.
    fn get<T: FromSqlOwned>(&self, r: &Row, i: usize) -> Result<T, StoreError> {
        r.try_get(i).map_err(|e| self.err(e))
    }

    /// The first column of the one row `sql` returns.
    fn scalar<T: FromSqlOwned>(&self, sql: &str, p: &Params<'_>) -> Result<T, StoreError> {
        let r = self.one(sql, p)?;
        self.get(&r, 0)
    }

    /// The first column of the row `sql` returns, if any.
    fn opt_scalar<T: FromSqlOwned>(
        &self,
        sql: &str,
        p: &Params<'_>,
    ) -> Result<Option<T>, StoreError> {
        self.opt(sql, p)?.map(|r| self.get(&r, 0)).transpose()
    }

    /// A statement run once (EXPLAIN, SET LOCAL): not kept in the cache.
    fn rows_once(&self, sql: &str, p: &Params<'_>) -> Result<Vec<Row>, StoreError> {
        self.tx.borrow_mut().query(sql, p).map_err(|e| self.err(e))
    }

    /// Streams the rows of `sql` in batches through a portal, so a big
    /// export neither sits in memory nor holds the transaction's borrow
    /// while `each` runs.
    fn stream(
        &self,
        sql: &str,
        p: &Params<'_>,
        mut each: impl FnMut(&Row) -> Result<ControlFlow<()>, StoreError>,
    ) -> Result<(), StoreError> {
        let s = self.stmt(sql)?;
        let portal = self.tx.borrow_mut().bind(&s, p).map_err(|e| self.err(e))?;
        loop {
            let batch = self
                .tx
                .borrow_mut()
                .query_portal(&portal, STREAM_BATCH)
                .map_err(|e| self.err(e))?;
            for r in &batch {
                if each(r)?.is_break() {
                    return Ok(());
                }
            }
            if batch.len() < STREAM_BATCH as usize {
                return Ok(());
            }
        }
    }

    /// `r` as a row the shared decoders read.
    fn row<'r>(&'r self, r: &'r Row) -> PgRow<'r> {
        PgRow {
            row: r,
            location: self.location,
        }
    }

    fn cols<'r>(
        &'r self,
        r: &'r Row,
        table: &'static str,
        id_col: usize,
    ) -> Result<Cols<PgRow<'r>>, StoreError> {
        Cols::new(self.row(r), table, id_col)
    }
}

/// A driver error in the store's words: lock conflicts the caller may simply
/// retry become [`StoreError::Busy`], everything else (including a lost
/// connection, see [`OfficeError::is_connection_lost`]) an office error.
pub fn store_error(location: &str, e: ::postgres::Error) -> StoreError {
    let retry = [
        SqlState::T_R_SERIALIZATION_FAILURE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::LOCK_NOT_AVAILABLE,
    ];
    match e.code() {
        Some(c) if retry.contains(c) => StoreError::Busy {
            path: PathBuf::from(location),
        },
        _ => StoreError::Office(OfficeError::db(&location, e)),
    }
}

/// `u32` and `u64` values go to the server as `bigint`.
fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
