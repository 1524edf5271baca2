//! SQLite's errors in the store's words: busy/locked, corruption, a full disk
//! and permissions get their own messages; a corrupt value in a row becomes
//! [`StoreError::CorruptRow`].

use std::path::Path;

use rusqlite::ErrorCode;

pub use crate::store::error::{StoreError, StoreResult};

/// A value a row decoder refused, carried through rusqlite's conversion error
/// so [`from_sqlite`] can name the table, row and column.
#[derive(Debug)]
pub struct CorruptValue {
    pub table: &'static str,
    pub row: i64,
    pub column: &'static str,
    pub value: String,
}

impl std::fmt::Display for CorruptValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{} of row {}: {:?}",
            self.table, self.column, self.row, self.value
        )
    }
}

impl std::error::Error for CorruptValue {}

/// The conversion error for a refused value in column `i` of `table`.
pub fn corrupt(
    i: usize,
    table: &'static str,
    row: i64,
    column: &'static str,
    value: impl Into<String>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        Box::new(CorruptValue {
            table,
            row,
            column,
            value: value.into(),
        }),
    )
}

/// Classifies a SQLite error: busy/locked and corruption get their own
/// messages; everything else keeps the driver's text.
pub fn from_sqlite(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e
        && let Some(c) = inner.downcast_ref::<CorruptValue>()
    {
        return StoreError::CorruptRow {
            path,
            table: c.table,
            row: c.row,
            column: c.column,
            value: c.value.clone(),
        };
    }
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { path },
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            detail: format!("文件结构损坏（{e}）"),
        },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull {
            path,
            detail: e.to_string(),
        },
        Some(ErrorCode::SystemIoFailure) if is_enospc(&e) => StoreError::DiskFull {
            path,
            detail: e.to_string(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::Unwritable {
                path,
                detail: format!("文件只读或没有权限（{e}）"),
            }
        }
        _ => StoreError::Driver {
            path,
            source: Box::new(e),
        },
    }
}

/// SQLite reports a failed write as an I/O error; the OS said "no space".
fn is_enospc(e: &rusqlite::Error) -> bool {
    let text = e.to_string().to_ascii_lowercase();
    text.contains("no space") || text.contains("disk is full") || text.contains("disk full")
}
pub use crate::store::error::{io_detail, io_error};
