//! The workstation's SQLite file as `migrate` reads it: opened read-only
//! (the same `SqliteReadOnly` as `verify-audit`, so the file is left
//! byte-identical and still opens), at this build's schema version, with an
//! intact audit chain and no export half done.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::MigrateInError;
use crate::domain::clerks::audit::AuditVerdict;
use crate::store::sqlite::SqliteReadOnly;
use crate::store::sqlite::migrations::LATEST_VERSION;
use crate::store::{StoreError, sqlite};

/// The opened source and what the server needs to know of it.
pub struct Source {
    pub db: SqliteReadOnly,
    /// The file name as given (kept in the migration record).
    pub file: String,
    /// `first-audit-row:<hash of seq 1>`: stable for the life of the file,
    /// the same in every copy of it, different for every workstation.
    pub workstation: String,
    pub chain_rows: i64,
    pub chain_head: String,
}

impl Source {
    pub fn open(path: &Path) -> Result<Self, MigrateInError> {
        let db = SqliteReadOnly::open(path)?;
        let file = path.display().to_string();
        let version: i64 = q(&db, |c| {
            c.query_row("PRAGMA user_version", [], |r| r.get(0))
        })?;
        if version != LATEST_VERSION {
            return Err(MigrateInError::SourceVersion {
                file,
                found: version,
                build: LATEST_VERSION,
                advice: if version < LATEST_VERSION {
                    "请先在该工作台上用本版本的 CounterDesk 打开一次该文件（自动升级其结构），再迁入。"
                } else {
                    "请使用与该工作台相同或更新版本的 counterdesk 迁入。"
                },
            });
        }
        let chain_rows = match db.verify_audit()? {
            AuditVerdict::Intact { rows } => rows,
            AuditVerdict::Broken { seq, reason } => {
                return Err(MigrateInError::SourceChainBroken { file, seq, reason });
            }
        };
        let first: Option<String> = q(&db, |c| {
            c.query_row("SELECT hash FROM audit_log WHERE seq = 1", [], |r| r.get(0))
                .optional()
        })?;
        let Some(first) = first else {
            return Err(MigrateInError::NoAuditRows { file });
        };
        let chain_head: String = q(&db, |c| {
            c.query_row("SELECT hash FROM audit_head WHERE id = 1", [], |r| r.get(0))
        })?;
        let unfinished: i64 = q(&db, |c| {
            c.query_row(
                "SELECT count(*) FROM exports WHERE state <> 'done'",
                [],
                |r| r.get(0),
            )
        })?;
        if unfinished > 0 {
            return Err(MigrateInError::UnfinishedExport {
                file,
                runs: unfinished,
            });
        }
        Ok(Source {
            db,
            file,
            workstation: format!("first-audit-row:{first}"),
            chain_rows,
            chain_head,
        })
    }

    /// What the server's `workstation` columns say of this file's rows
    /// (a file records none): `迁入:` and the start of its identity.
    pub fn label(&self) -> String {
        let hash = self.workstation.rsplit(':').next().unwrap_or_default();
        format!("迁入:{}", hash.get(..12).unwrap_or(hash))
    }

    pub fn conn(&self) -> &Connection {
        self.db.conn()
    }

    /// Runs one query on the file, its errors in the store's words.
    pub fn q<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        q(&self.db, f)
    }

    /// The text values of one column (a SQL expression) of the source.
    pub fn strings(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        self.q(|c| {
            let mut s = c.prepare(sql)?;
            s.query_map([], |r| r.get(0))?.collect()
        })
    }

    /// The integer values of a query's first column.
    pub fn ints(&self, sql: &str) -> Result<Vec<i64>, StoreError> {
        self.q(|c| {
            let mut s = c.prepare(sql)?;
            s.query_map([], |r| r.get(0))?.collect()
        })
    }

    /// Pairs of text values (key, value).
    pub fn pairs(&self, sql: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.q(|c| {
            let mut s = c.prepare(sql)?;
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
        })
    }
}

fn q<T>(
    db: &SqliteReadOnly,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<T, StoreError> {
    f(db.conn()).map_err(|e| sqlite::error::from_sqlite(db.path(), e))
}
