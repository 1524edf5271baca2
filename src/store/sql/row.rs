//! One row-decoding path for both backends: each backend says how to read a
//! cell of its own row type ([`RowGet`]) and how a refused value becomes its
//! error; [`Cols`] adds the refusals (an unknown code, a time or date that
//! does not parse, a flag that is not 0 or 1, a number out of range), so a
//! corrupt value is [`crate::store::StoreError::CorruptRow`] naming the
//! table, row and column, never a default (待审核, 1970).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::documents::licence::parse_valid_until;
use crate::store::time;

/// The cells of one backend's row, by column index.
pub trait RowGet {
    type Error;
    fn int(&self, i: usize) -> Result<i64, Self::Error>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Self::Error>;
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error>;
    fn blob(&self, i: usize) -> Result<Vec<u8>, Self::Error>;
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, Self::Error>;
    /// The backend's error for a value a decoder refused in column `i`.
    fn corrupt(&self, i: usize, at: Place, value: String) -> Self::Error;
}

/// Where a refused value sits: table, row id and column.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub table: &'static str,
    pub row: i64,
    pub column: &'static str,
}

impl<T: RowGet + ?Sized> RowGet for &T {
    type Error = T::Error;
    fn int(&self, i: usize) -> Result<i64, Self::Error> {
        (**self).int(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Self::Error> {
        (**self).opt_int(i)
    }
    fn text(&self, i: usize) -> Result<String, Self::Error> {
        (**self).text(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error> {
        (**self).opt_text(i)
    }
    fn blob(&self, i: usize) -> Result<Vec<u8>, Self::Error> {
        (**self).blob(i)
    }
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, Self::Error> {
        (**self).opt_blob(i)
    }
    fn corrupt(&self, i: usize, at: Place, value: String) -> Self::Error {
        (**self).corrupt(i, at, value)
    }
}

/// A plain cell value: what [`Cols::get`] reads without a check.
pub trait Cell: Sized {
    fn read<R: RowGet>(r: &R, i: usize) -> Result<Self, R::Error>;
}

macro_rules! cell {
    ($t:ty, $m:ident) => {
        impl Cell for $t {
            fn read<R: RowGet>(r: &R, i: usize) -> Result<Self, R::Error> {
                r.$m(i)
            }
        }
    };
}
cell!(i64, int);
cell!(Option<i64>, opt_int);
cell!(String, text);
cell!(Option<String>, opt_text);
cell!(Vec<u8>, blob);
cell!(Option<Vec<u8>>, opt_blob);

/// One row of `table`, identified by its id (or seq) for the error.
pub struct Cols<R> {
    r: R,
    table: &'static str,
    id: i64,
}

impl<R: RowGet> Cols<R> {
    /// Reads the row's id from column `id_col` first, so every later error can name it.
    pub fn new(r: R, table: &'static str, id_col: usize) -> Result<Self, R::Error> {
        let id = r.int(id_col)?;
        Ok(Self { r, table, id })
    }

    /// A row whose id is known already (a lookup by id).
    pub fn with_id(r: R, table: &'static str, id: i64) -> Self {
        Self { r, table, id }
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn get<T: Cell>(&self, i: usize) -> Result<T, R::Error> {
        T::read(&self.r, i)
    }

    fn bad(&self, i: usize, column: &'static str, value: impl Into<String>) -> R::Error {
        let at = Place {
            table: self.table,
            row: self.id,
            column,
        };
        self.r.corrupt(i, at, value.into())
    }

    /// A code column (status, kind, role …) that must parse.
    pub fn code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, R::Error> {
        let s = self.r.text(i)?;
        parse(&s).ok_or_else(|| self.bad(i, column, s))
    }

    /// A nullable code column: NULL is `None`, an unknown code is corruption.
    pub fn opt_code<T>(
        &self,
        i: usize,
        column: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, R::Error> {
        let s = self.r.opt_text(i)?;
        s.map(|s| parse(&s).ok_or_else(|| self.bad(i, column, s)))
            .transpose()
    }

    pub fn time(&self, i: usize, column: &'static str) -> Result<DateTime<Utc>, R::Error> {
        self.code(i, column, time::parse)
    }

    pub fn opt_time(
        &self,
        i: usize,
        column: &'static str,
    ) -> Result<Option<DateTime<Utc>>, R::Error> {
        self.opt_code(i, column, time::parse)
    }

    /// A day as the store writes it (`YYYY-MM-DD`).
    pub fn day(&self, i: usize, column: &'static str) -> Result<NaiveDate, R::Error> {
        self.code(i, column, parse_day)
    }

    pub fn opt_day(&self, i: usize, column: &'static str) -> Result<Option<NaiveDate>, R::Error> {
        self.opt_code(i, column, parse_day)
    }

    /// A licence's end date: `YYYY-MM-DD` or 长期.
    pub fn opt_until(&self, i: usize, column: &'static str) -> Result<Option<NaiveDate>, R::Error> {
        self.opt_code(i, column, parse_valid_until)
    }

    /// A 0/1 flag (an integer on both backends).
    pub fn flag(&self, i: usize, column: &'static str) -> Result<bool, R::Error> {
        match self.r.int(i)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.bad(i, column, n.to_string())),
        }
    }

    /// A count or size that must fit `u32`.
    pub fn u32(&self, i: usize, column: &'static str) -> Result<u32, R::Error> {
        let n = self.r.int(i)?;
        u32::try_from(n).map_err(|_| self.bad(i, column, n.to_string()))
    }

    pub fn opt_u32(&self, i: usize, column: &'static str) -> Result<Option<u32>, R::Error> {
        let n = self.r.opt_int(i)?;
        n.map(|n| u32::try_from(n).map_err(|_| self.bad(i, column, n.to_string())))
            .transpose()
    }

    /// A size that must not be negative.
    pub fn u64(&self, i: usize, column: &'static str) -> Result<u64, R::Error> {
        let n = self.r.int(i)?;
        u64::try_from(n).map_err(|_| self.bad(i, column, n.to_string()))
    }

    /// A comma-joined list (sighted documents, failed photo checks).
    pub fn list(&self, i: usize) -> Result<Vec<String>, R::Error> {
        Ok(split_list(&self.r.text(i)?))
    }
}

pub fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The comma-joined lists the store writes (`a,b`; empty for none).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}
