//! Row decoding on the office server, with the same refusals as SQLite's
//! (`store/sqlite/decode.rs`): an unknown code, a time or date that does not
//! parse, a flag that is not 0 or 1, or a number out of range is
//! [`StoreError::CorruptRow`] naming the table, row and column, never a
//! default (待审核, 1970).

use std::path::PathBuf;

use ::postgres::Row;
use ::postgres::types::FromSqlOwned;
use chrono::{DateTime, NaiveDate, Utc};

use super::store_error;
use crate::domain::documents::licence::parse_valid_until;
use crate::store::StoreError;
use crate::store::sqlite::time;

/// One row of `table`, identified by its id (or seq) for the error.
pub struct Cols<'r> {
    r: &'r Row,
    table: &'static str,
    id: i64,
    location: &'r str,
}

impl<'r> Cols<'r> {
    /// Reads the row's id from column `id_col` first, so every later error can name it.
    pub fn new(
        r: &'r Row,
        table: &'static str,
        id_col: usize,
        location: &'r str,
    ) -> Result<Self, StoreError> {
        let id = r.try_get(id_col).map_err(|e| store_error(location, e))?;
        Ok(Cols {
            r,
            table,
            id,
            location,
        })
    }

    /// A row whose id is known already (a lookup by id).
    pub fn with_id(r: &'r Row, table: &'static str, id: i64, location: &'r str) -> Self {
        Cols {
            r,
            table,
            id,
            location,
        }
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn get<T: FromSqlOwned>(&self, i: usize) -> Result<T, StoreError> {
        self.r.try_get(i).map_err(|e| store_error(self.location, e))
    }

    fn bad(&self, column: &'static str, value: impl Into<String>) -> StoreError {
        StoreError::CorruptRow {
            path: PathBuf::from(self.location),
            table: self.table,
            row: self.id,
            column,
            value: value.into(),
        }
    }

    /// A code column (status, kind, role …) that must parse.
    pub fn code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        let s: String = self.get(i)?;
        parse(&s).ok_or_else(|| self.bad(column, s))
    }

    /// A nullable code column: NULL is `None`, an unknown code is corruption.
    pub fn opt_code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, StoreError> {
        let s: Option<String> = self.get(i)?;
        s.map(|s| parse(&s).ok_or_else(|| self.bad(column, s)))
            .transpose()
    }

    pub fn time(&self, i: usize, column: &'static str) -> Result<DateTime<Utc>, StoreError> {
        self.code(i, column, time::parse)
    }

    pub fn opt_time(
        &self,
        i: usize,
        column: &'static str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.opt_code(i, column, time::parse)
    }

    /// A day as the store writes it (`NaiveDate`'s own `YYYY-MM-DD`).
    pub fn day(&self, i: usize, column: &'static str) -> Result<NaiveDate, StoreError> {
        self.code(i, column, |s| s.parse().ok())
    }

    pub fn opt_day(&self, i: usize, column: &'static str) -> Result<Option<NaiveDate>, StoreError> {
        self.opt_code(i, column, |s| s.parse().ok())
    }

    /// A licence's end date: `YYYY-MM-DD` or 长期.
    pub fn opt_until(
        &self,
        i: usize,
        column: &'static str,
    ) -> Result<Option<NaiveDate>, StoreError> {
        self.opt_code(i, column, parse_valid_until)
    }

    /// A 0/1 flag (kept as `bigint` on the server, as on SQLite).
    pub fn flag(&self, i: usize, column: &'static str) -> Result<bool, StoreError> {
        match self.get::<i64>(i)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.bad(column, n.to_string())),
        }
    }

    /// A count or size that must fit `u32`.
    pub fn u32(&self, i: usize, column: &'static str) -> Result<u32, StoreError> {
        let n: i64 = self.get(i)?;
        u32::try_from(n).map_err(|_| self.bad(column, n.to_string()))
    }

    pub fn opt_u32(&self, i: usize, column: &'static str) -> Result<Option<u32>, StoreError> {
        let n: Option<i64> = self.get(i)?;
        n.map(|n| u32::try_from(n).map_err(|_| self.bad(column, n.to_string())))
            .transpose()
    }

    /// A size that must not be negative.
    pub fn u64(&self, i: usize, column: &'static str) -> Result<u64, StoreError> {
        let n: i64 = self.get(i)?;
        u64::try_from(n).map_err(|_| self.bad(column, n.to_string()))
    }

    /// A comma-joined list (sighted documents, failed photo checks).
    pub fn list(&self, i: usize) -> Result<Vec<String>, StoreError> {
        let s: String = self.get(i)?;
        Ok(split_list(&s))
    }
}

/// The comma-joined lists the store writes (`a,b`; empty for none).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}
