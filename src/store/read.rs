//! A second, read-only connection for pages and counts, so a 1 M-row queue
//! keeps scrolling while a decision commits on the writer (WAL lets readers
//! see the last committed snapshot without waiting).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

use super::error::StoreError;
use super::{Store, Tx, open};

/// Anything that can run a read transaction: the writer [`Store`] or a [`ReadStore`].
pub trait Reader {
    fn read<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
}

impl Reader for Store {
    fn read<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        Store::read(self, f)
    }
}

/// A read-only connection (`SQLITE_OPEN_READ_ONLY` and `query_only`) to a
/// database that a [`Store`] has already opened and migrated.
pub struct ReadStore {
    conn: Connection,
    path: PathBuf,
}

impl ReadStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(ReadStore {
            conn: open::open_reader(path)?,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Reader for ReadStore {
    fn read<T>(
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
