//! The workstation's SQLite file as `migrate` takes it: opened read-only
//! (`SourceFile`, so the file is left byte-identical and still opens), at
//! this build's schema version, with an intact audit chain and no export
//! half done.

use std::path::Path;

use super::MigrateInError;
use crate::domain::clerks::audit::AuditVerdict;
use crate::store::sqlite::migrations::LATEST_VERSION;
use crate::store::sqlite::source_file::SourceFile;

/// The opened source and what the server needs to know of it.
pub struct Source {
    pub db: SourceFile,
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
        let db = SourceFile::open(path)?;
        let file = path.display().to_string();
        let version = db.schema_version()?;
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
        let Some(first) = db.first_audit_hash()? else {
            return Err(MigrateInError::NoAuditRows { file });
        };
        let chain_head = db.audit_head()?;
        let unfinished = db.unfinished_exports()?;
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
}
