//! A workstation's SQLite file as `migrate` reads it on its way to the
//! office server: read-only (the same connection as `verify-audit`, so the
//! file stays byte-identical), its facts and its rows in plain values. The
//! copy into PostgreSQL (`store/postgres/migrate_in`) never sees `rusqlite`.

use std::path::Path;

use rusqlite::OptionalExtension;

use super::{SqliteReadOnly, error};
use crate::domain::clerks::audit::AuditVerdict;
use crate::store::StoreError;

/// How one column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellType {
    Int,
    Text,
    Bytes,
}

/// One value of a row read from the file; NULL is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// The file, opened read-only.
pub struct SourceFile {
    db: SqliteReadOnly,
}

impl SourceFile {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(SourceFile {
            db: SqliteReadOnly::open(path)?,
        })
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        error::from_sqlite(self.db.path(), e)
    }

    /// The schema version the file was last migrated to.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        super::user_version(self.db.conn()).map_err(|e| self.err(e))
    }

    pub fn verify_audit(&self) -> Result<AuditVerdict, StoreError> {
        self.db.verify_audit()
    }

    /// The hash of the first audit row: the workstation's identity.
    pub fn first_audit_hash(&self) -> Result<Option<String>, StoreError> {
        self.db
            .conn()
            .query_row("SELECT hash FROM audit_log WHERE seq = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn audit_head(&self) -> Result<String, StoreError> {
        self.db
            .conn()
            .query_row("SELECT hash FROM audit_head WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Exports recorded as started and never confirmed.
    pub fn unfinished_exports(&self) -> Result<i64, StoreError> {
        self.db
            .conn()
            .query_row(
                "SELECT count(*) FROM exports WHERE state <> 'done'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// A table's column names, as the file's schema has them (the test that
    /// keeps `migrate`'s column lists complete).
    #[cfg(test)]
    pub fn column_names(&self, table: &str) -> Result<Vec<String>, StoreError> {
        self.strings(&format!(
            "SELECT name FROM pragma_table_info('{}')",
            table.replace('\'', "''")
        ))
    }

    /// The text values of a query's first column.
    pub fn strings(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        self.column(sql)
    }

    /// The integer values of a query's first column.
    pub fn ints(&self, sql: &str) -> Result<Vec<i64>, StoreError> {
        self.column(sql)
    }

    fn column<T: rusqlite::types::FromSql>(&self, sql: &str) -> Result<Vec<T>, StoreError> {
        let run = || -> rusqlite::Result<Vec<T>> {
            let mut s = self.db.conn().prepare(sql)?;
            s.query_map([], |r| r.get(0))?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Pairs of text values (key, value).
    pub fn pairs(&self, sql: &str) -> Result<Vec<(String, String)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(String, String)>> {
            let mut s = self.db.conn().prepare(sql)?;
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// The rows of `table` that pass `filter` (a SQL condition), in the
    /// order they were inserted, `cols` read as `types`.
    pub fn table_rows<E: From<StoreError>>(
        &self,
        table: &str,
        cols: &[&str],
        filter: &str,
        types: &[CellType],
        each: impl FnMut(&mut [Cell]) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = format!(
            "SELECT {} FROM {table} WHERE {filter} ORDER BY rowid",
            cols.join(", ")
        );
        self.rows(&sql, types, each)
    }

    /// Streams a query's rows, one at a time, its columns read as `types`;
    /// the first error (the file's or `each`'s) stops it.
    pub fn rows<E: From<StoreError>>(
        &self,
        sql: &str,
        types: &[CellType],
        mut each: impl FnMut(&mut [Cell]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self.db.conn().prepare(sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        let mut cells = Vec::with_capacity(types.len());
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            cells.clear();
            for (k, ty) in types.iter().enumerate() {
                let cell = match ty {
                    CellType::Int => r.get(k).map(Cell::Int),
                    CellType::Text => r.get(k).map(Cell::Text),
                    CellType::Bytes => r.get(k).map(Cell::Bytes),
                };
                cells.push(cell.map_err(|e| self.err(e))?);
            }
            each(&mut cells)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_typed_and_an_error_in_the_callback_stops_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite3");
        drop(crate::store::Store::open(&path).unwrap());
        let src = SourceFile::open(&path).unwrap();
        assert!(src.schema_version().unwrap() > 0);
        assert!(
            src.column_names("clerks")
                .unwrap()
                .contains(&"username".to_owned())
        );
        let mut seen = Vec::new();
        src.rows(
            "SELECT 1, 'a', NULL UNION ALL SELECT 2, NULL, x'00'",
            &[CellType::Int, CellType::Text, CellType::Bytes],
            |cells| -> Result<(), StoreError> {
                seen.push(cells.to_vec());
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![
                vec![
                    Cell::Int(Some(1)),
                    Cell::Text(Some("a".into())),
                    Cell::Bytes(None)
                ],
                vec![
                    Cell::Int(Some(2)),
                    Cell::Text(None),
                    Cell::Bytes(Some(vec![0]))
                ],
            ]
        );
        let mut n = 0;
        let stopped = src.rows(
            "SELECT 1 UNION ALL SELECT 2",
            &[CellType::Int],
            |_| -> Result<(), StoreError> {
                n += 1;
                Err(StoreError::BackupExists { path: "x".into() })
            },
        );
        assert!(stopped.is_err());
        assert_eq!(n, 1, "the first error stops the rows");
    }
}
