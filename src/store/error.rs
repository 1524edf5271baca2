//! Store errors, each naming the database path and the cause in Chinese, so
//! the error window can show the clerk (and IT staff) what to do.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("文件 {path} 不是 SQLite 数据库（文件头不符），未做任何修改。请确认路径是否正确。")]
    NotSqlite { path: PathBuf },
    #[error(
        "数据库 {path} 由更新版本的工作台写入（结构版本 {found}，本程序支持到 {supported}），未做任何修改。请升级工作台。"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("数据库 {path} 已损坏：{detail}。未做任何修改，请联系信息科从备份恢复。")]
    Corrupt { path: PathBuf, detail: String },
    #[error("无法写入数据库 {path}：{detail}")]
    Unwritable { path: PathBuf, detail: String },
    #[error("数据库 {path} 正被其他程序占用，请稍后重试。")]
    Busy { path: PathBuf },
    #[error("数据库 {path} 出错：{source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{0}")]
    Rejected(String),
}

impl StoreError {
    /// Classifies a SQLite error: busy/locked and corruption get their own
    /// messages; everything else keeps the driver's text.
    pub fn from_sqlite(path: &Path, e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy { path },
            Some(ErrorCode::NotADatabase) => StoreError::NotSqlite { path },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(
                ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::DiskFull,
            ) => StoreError::Unwritable {
                path,
                detail: e.to_string(),
            },
            _ => StoreError::Sqlite { path, source: e },
        }
    }

    /// A short Chinese title for the error window.
    pub fn title(&self) -> &'static str {
        match self {
            StoreError::NotSqlite { .. } => "不是工作台数据库",
            StoreError::NewerSchema { .. } => "数据库版本过新",
            StoreError::Corrupt { .. } => "数据库已损坏",
            StoreError::Unwritable { .. } => "数据库无法写入",
            StoreError::Busy { .. } => "数据库被占用",
            StoreError::Sqlite { .. } => "数据库错误",
            StoreError::Rejected(_) => "操作被拒绝",
        }
    }
}
