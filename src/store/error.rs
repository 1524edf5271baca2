//! Store errors, each naming the database path and the cause in Chinese, so
//! the error window can show the clerk (and IT staff) what to do.

use std::path::{Path, PathBuf};

use super::postgres::OfficeError;

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
    /// The clerk's sentence names the cause: a full disk is the one thing
    /// they (or IT) can fix at once.
    #[error(
        "磁盘空间不足：无法写入 {path}。本次操作未保存；请清理该磁盘的空间（或换到空间充足的磁盘）后重试。"
    )]
    DiskFull { path: PathBuf, detail: String },
    #[error("数据库 {path} 正被其他程序占用，请稍后重试。")]
    Busy { path: PathBuf },
    #[error(
        "文件 {path} 是 SQLite 数据库，但不是工作台的数据库，未做任何修改。请确认路径是否正确。"
    )]
    Foreign { path: PathBuf },
    /// A value in a row that the schema should have made impossible (a
    /// status no version writes, a date that does not parse): the read fails
    /// and names the place instead of showing a default (待审核, 1970).
    #[error(
        "数据库 {path} 中 {table} 表第 {row} 行的 {column} 字段内容无效（{value}）。该记录未显示；请联系信息科运行 counterdesk check-db。"
    )]
    CorruptRow {
        path: PathBuf,
        table: &'static str,
        row: i64,
        column: &'static str,
        value: String,
    },
    /// Anything else the driver reports: the clerk reads a Chinese sentence,
    /// the technical cause goes to [`StoreError::technical`] (详情 and the log).
    #[error("数据库 {path} 操作失败，本次操作未保存。请重试；如仍出现，请联系信息科。")]
    Driver {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The audit chain's head row is gone or damaged: no audited write can
    /// be made until IT restores it.
    #[error(
        "审计链头（audit_head 表）被删除或损坏，无法记录审计日志，本次操作未保存。请联系信息科：运行 counterdesk verify-audit 检查，并从备份恢复"
    )]
    AuditHeadDamaged { path: PathBuf },
    /// A backup is never written over an existing file.
    #[error("备份文件 {path} 已存在，未覆盖：请换一个文件名")]
    BackupExists { path: PathBuf },
    /// A blob (photo) outside the stored size range.
    #[error("文件大小 {bytes} 字节超出允许范围（1 字节至 {max_mb} MB）")]
    BlobSize { bytes: usize, max_mb: usize },
    /// The office server: could not connect, schema version differs, a
    /// statement failed or the connection was lost
    /// ([`OfficeError::is_connection_lost`] tells when to reconnect). The
    /// message is Chinese and never carries a password.
    #[error(transparent)]
    Office(#[from] OfficeError),
    /// Something only the embedded SQLite file has (a file copy as backup),
    /// asked of the office server.
    #[error("{what}在{location}上不可用：{why}")]
    NotOnServer {
        what: &'static str,
        location: String,
        why: &'static str,
    },
}

impl StoreError {
    /// A short Chinese title for the error window.
    pub fn title(&self) -> &'static str {
        match self {
            StoreError::NotSqlite { .. } => "不是工作台数据库",
            StoreError::NewerSchema { .. } => "数据库版本过新",
            StoreError::Corrupt { .. } => "数据库已损坏",
            StoreError::Unwritable { .. } => "数据库无法写入",
            StoreError::DiskFull { .. } => "磁盘空间不足",
            StoreError::Busy { .. } => "数据库被占用",
            StoreError::Foreign { .. } => "不是工作台数据库",
            StoreError::Driver { .. } => "数据库错误",
            StoreError::CorruptRow { .. } => "数据库记录损坏",
            StoreError::AuditHeadDamaged { .. } => "审计日志损坏",
            StoreError::BackupExists { .. } => "文件已存在",
            StoreError::BlobSize { .. } => "文件大小不符",
            StoreError::Office(e) => e.title(),
            StoreError::NotOnServer { .. } => "办公室服务器不支持此操作",
        }
    }
}

impl StoreError {
    /// The office server's connection is gone (restart, cable pulled): the
    /// worker reconnects and tries the same request again. Never on SQLite.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, StoreError::Office(e) if e.is_connection_lost())
    }

    /// The driver's own words, for a 详情 expander and the log; `None` when
    /// the Chinese message already says everything.
    pub fn technical(&self) -> Option<String> {
        match self {
            StoreError::Driver { source, .. } => Some(source.to_string()),
            StoreError::Office(e) => e.technical(),
            StoreError::Corrupt { detail, .. }
            | StoreError::Unwritable { detail, .. }
            | StoreError::DiskFull { detail, .. } => Some(detail.clone()),
            _ => None,
        }
    }
}

/// An OS error in Chinese, keeping the system's words in brackets for IT.
pub fn io_detail(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "文件不存在",
        K::PermissionDenied => "没有访问权限",
        K::IsADirectory => "这是一个目录，不是文件",
        K::ReadOnlyFilesystem => "所在磁盘为只读",
        K::StorageFull => "磁盘空间已满",
        K::InvalidFilename => "文件名无效",
        _ => "系统无法访问该文件",
    };
    format!("{what}（系统信息：{e}）")
}

/// An OS error while writing a file the store owns (a backup, a new database).
pub fn io_error(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| {
        if e.kind() == std::io::ErrorKind::StorageFull {
            StoreError::DiskFull {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }
        } else {
            StoreError::Unwritable {
                path: path.to_path_buf(),
                detail: io_detail(&e),
            }
        }
    }
}

/// What every store call returns.
pub type StoreResult<T> = Result<T, StoreError>;
