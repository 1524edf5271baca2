//! Office-server errors: a Chinese sentence for the clerk or IT, the driver's
//! words in [`OfficeError::technical`] (详情 and the log). None of them ever
//! carries a password.

use std::path::PathBuf;

use ::postgres::error::SqlState;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    #[error("无法读取 CA 证书文件 {path}：{detail}")]
    CaFile { path: PathBuf, detail: String },
    #[error("{0}")]
    Tls(String),
    #[error(
        "{target} 要求输入用户 {user} 的密码，但密码文件中没有，当前也不是终端，无法询问。请在密码文件（PGPASSFILE）中为它添加一行。{note}"
    )]
    PasswordNeeded {
        target: String,
        user: String,
        /// Why a password file that exists was not used, or empty.
        note: String,
    },
    #[error("无法连接{target}：{why}")]
    Connect {
        target: String,
        why: &'static str,
        #[source]
        source: ::postgres::Error,
    },
    #[error("{target} 操作失败，本次操作未保存。请重试；如仍出现，请联系信息科。")]
    Db {
        target: String,
        #[source]
        source: ::postgres::Error,
    },
    #[error(
        "{target} 尚未初始化（没有工作台的数据库结构）。请由信息科运行 counterdesk office-init。"
    )]
    NotInitialised { target: String },
    #[error("{target} 的数据库结构版本为 {server}，本工作台需要 {build}。{advice}")]
    SchemaMismatch {
        target: String,
        server: i64,
        build: i64,
        advice: &'static str,
    },
    #[error("office-init 需要以超级用户（例如 postgres）连接{target}，当前用户 {user} 不是。")]
    NotSuperuser { target: String, user: String },
    #[error(
        "{target} 的数据库编码为 {encoding}，工作台需要 UTF8。请用 createdb -E UTF8 重新建库。"
    )]
    Encoding { target: String, encoding: String },
    #[error("{0}")]
    Rejected(String),
}

impl OfficeError {
    /// Classifies a failed connection attempt into a sentence IT can act on.
    pub fn connect(target: &impl std::fmt::Display, e: ::postgres::Error) -> Self {
        let why = match e.code() {
            Some(c) if *c == SqlState::INVALID_PASSWORD => "用户名或密码错误",
            Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                "服务器不允许此工作台以该用户登录（请检查服务器的 pg_hba.conf）"
            }
            Some(c) if *c == SqlState::INVALID_CATALOG_NAME => "数据库不存在",
            Some(c) if *c == SqlState::TOO_MANY_CONNECTIONS => "服务器连接数已满",
            Some(c) if *c == SqlState::CANNOT_CONNECT_NOW => "服务器正在启动或关闭，请稍后重试",
            Some(_) => "服务器拒绝了连接",
            // No SQLSTATE: the kind only shows in the driver's text.
            None => match e.to_string().as_str() {
                "error performing TLS handshake" => {
                    "加密连接失败（证书不受信任、与服务器名不符，或服务器未开启 SSL）"
                }
                "timeout waiting for server" => "连接超时，请检查网络和服务器是否开启",
                _ => "网络不通或服务器未开启",
            },
        };
        OfficeError::Connect {
            target: target.to_string(),
            why,
            source: e,
        }
    }

    pub fn db(target: &impl std::fmt::Display, e: ::postgres::Error) -> Self {
        OfficeError::Db {
            target: target.to_string(),
            source: e,
        }
    }

    /// A short Chinese title for the error window.
    pub fn title(&self) -> &'static str {
        match self {
            OfficeError::BadUrl(_) => "数据库地址无效",
            OfficeError::CaFile { .. } | OfficeError::Tls(_) => "加密连接配置有误",
            OfficeError::PasswordNeeded { .. } => "需要密码",
            OfficeError::Connect { .. } => "无法连接办公室服务器",
            OfficeError::Db { .. } => "办公室服务器错误",
            OfficeError::NotInitialised { .. } | OfficeError::SchemaMismatch { .. } => {
                "办公室服务器版本不符"
            }
            OfficeError::NotSuperuser { .. } | OfficeError::Encoding { .. } => "无法初始化",
            OfficeError::Rejected(_) => "操作被拒绝",
        }
    }

    /// The driver's own words (source chain, SQLSTATE and server message),
    /// for 详情 and the log.
    pub fn technical(&self) -> Option<String> {
        let e = match self {
            OfficeError::Connect { source, .. } | OfficeError::Db { source, .. } => source,
            OfficeError::CaFile { detail, .. } => return Some(detail.clone()),
            _ => return None,
        };
        Some(match e.as_db_error() {
            Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
            None => {
                let mut text = e.to_string();
                let mut cause = std::error::Error::source(e);
                while let Some(c) = cause {
                    text.push_str(": ");
                    text.push_str(&c.to_string());
                    cause = c.source();
                }
                text
            }
        })
    }

    /// Whether the connection is gone (server restarted, cable pulled): the
    /// caller drops its client and connects again.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            OfficeError::Db { source, .. } => connection_lost(source),
            OfficeError::Connect { .. } => true,
            _ => false,
        }
    }
}

/// A driver error that means "this client is dead": closed, the socket
/// broke (no SQLSTATE, "error communicating with the server"), or the server
/// said it is shutting down.
pub fn connection_lost(e: &::postgres::Error) -> bool {
    match e.code() {
        Some(c) => *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::CRASH_SHUTDOWN,
        None => e.is_closed() || e.to_string() == "error communicating with the server",
    }
}
