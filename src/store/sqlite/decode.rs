//! SQLite's side of the one row-decoding path ([`crate::store::sql::row`]):
//! how a cell of a `rusqlite::Row` is read, and a refused value carried
//! through rusqlite's conversion error so [`super::error::from_sqlite`]
//! turns it into [`crate::store::StoreError::CorruptRow`].

use rusqlite::Row;

use super::error::corrupt;
use crate::store::sql::row::{Place, RowGet};

pub use crate::store::sql::row::Cols;

impl RowGet for Row<'_> {
    type Error = rusqlite::Error;
    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn blob(&self, i: usize) -> rusqlite::Result<Vec<u8>> {
        self.get(i)
    }
    fn opt_blob(&self, i: usize) -> rusqlite::Result<Option<Vec<u8>>> {
        self.get(i)
    }
    fn corrupt(&self, i: usize, at: Place, value: String) -> rusqlite::Error {
        corrupt(i, at.table, at.row, at.column, value)
    }
}
