//! Row decoding that refuses what the schema should have made impossible:
//! an unknown status or kind code, a timestamp or date that does not parse.
//! The read fails with [`crate::store::StoreError::CorruptRow`] naming the
//! table, row and column, instead of showing a default (待审核, 1970).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;
use rusqlite::types::FromSql;

use super::error::corrupt;
use super::time;
use crate::domain::documents::licence::parse_valid_until;

/// One row of `table`, identified by its id (or seq) for the error.
pub struct Cols<'a, 'r> {
    r: &'a Row<'r>,
    table: &'static str,
    id: i64,
}

impl<'a, 'r> Cols<'a, 'r> {
    /// Reads the row's id from column `id_col` first, so every later error can name it.
    pub fn new(r: &'a Row<'r>, table: &'static str, id_col: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            r,
            table,
            id: r.get(id_col)?,
        })
    }

    /// A row whose id is known already (a lookup by id).
    pub fn with_id(r: &'a Row<'r>, table: &'static str, id: i64) -> Self {
        Self { r, table, id }
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn get<T: FromSql>(&self, i: usize) -> rusqlite::Result<T> {
        self.r.get(i)
    }

    fn bad(&self, i: usize, column: &'static str, value: &str) -> rusqlite::Error {
        corrupt(i, self.table, self.id, column, value)
    }

    /// A code column (status, kind, role …) that must parse.
    pub fn code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> rusqlite::Result<T> {
        let s: String = self.r.get(i)?;
        parse(&s).ok_or_else(|| self.bad(i, column, &s))
    }

    /// A nullable code column: NULL is `None`, an unknown code is corruption.
    pub fn opt_code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> rusqlite::Result<Option<T>> {
        let s: Option<String> = self.r.get(i)?;
        s.map(|s| parse(&s).ok_or_else(|| self.bad(i, column, &s)))
            .transpose()
    }

    pub fn time(&self, i: usize, column: &'static str) -> rusqlite::Result<DateTime<Utc>> {
        self.code(i, column, time::parse)
    }

    pub fn opt_time(
        &self,
        i: usize,
        column: &'static str,
    ) -> rusqlite::Result<Option<DateTime<Utc>>> {
        self.opt_code(i, column, time::parse)
    }

    pub fn day(&self, i: usize, column: &'static str) -> rusqlite::Result<NaiveDate> {
        self.code(i, column, parse_day)
    }

    pub fn opt_day(&self, i: usize, column: &'static str) -> rusqlite::Result<Option<NaiveDate>> {
        self.opt_code(i, column, parse_day)
    }

    /// A licence's end date: `YYYY-MM-DD` or 长期.
    pub fn opt_until(&self, i: usize, column: &'static str) -> rusqlite::Result<Option<NaiveDate>> {
        self.opt_code(i, column, parse_valid_until)
    }
}

pub fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
