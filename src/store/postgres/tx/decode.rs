//! The office server's side of the one row-decoding path
//! ([`crate::store::sql::row`]): how a cell of a `postgres::Row` is read (a
//! type the schema cannot hold is a driver error, never a panic), and a
//! refused value as [`StoreError::CorruptRow`] naming the server.

use std::path::PathBuf;

use ::postgres::Row;
use ::postgres::types::FromSqlOwned;

use super::store_error;
use crate::store::StoreError;
use crate::store::sql::row::{Place, RowGet};

pub use crate::store::sql::row::{Cols, split_list};

/// A row of the server with where it came from, for the errors.
pub struct PgRow<'r> {
    pub row: &'r Row,
    pub location: &'r str,
}

impl PgRow<'_> {
    fn get<T: FromSqlOwned>(&self, i: usize) -> Result<T, StoreError> {
        self.row
            .try_get(i)
            .map_err(|e| store_error(self.location, e))
    }
}

impl RowGet for PgRow<'_> {
    type Error = StoreError;
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.get(i)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        self.get(i)
    }
    fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        self.get(i)
    }
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(i)
    }
    fn corrupt(&self, _i: usize, at: Place, value: String) -> StoreError {
        StoreError::CorruptRow {
            path: PathBuf::from(self.location),
            table: at.table,
            row: at.row,
            column: at.column,
            value,
        }
    }
}
