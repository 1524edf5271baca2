//! Where the database lives: `--db` or `COUNTERDESK_DB` (a SQLite file path,
//! or a `postgres://` URL for the office server), else the platform data
//! directory (`%APPDATA%\CounterDesk\data` on Windows,
//! `~/.local/share/counterdesk` on Linux).

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Context;

use crate::store::postgres::{DB_ENV, OfficeError, Target};

pub const DB_FILE_NAME: &str = "counterdesk.sqlite3";

/// The database a command or the window was told to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbChoice {
    /// The workstation's own SQLite file.
    File(PathBuf),
    /// The office PostgreSQL server (no password inside).
    Office(Box<Target>),
}

impl DbChoice {
    /// `--db`'s value, else `COUNTERDESK_DB`'s (empty counts as unset);
    /// `None` when neither names a database. A bad URL is an error, never
    /// taken for a file name.
    pub fn from_arg_or_env(arg: Option<OsString>) -> Result<Option<DbChoice>, OfficeError> {
        let value = arg.or_else(|| std::env::var_os(DB_ENV).filter(|v| !v.is_empty()));
        value.map(Self::parse).transpose()
    }

    /// A URL (`postgres://` or `postgresql://`) is the office server; anything
    /// else is a file path.
    pub fn parse(value: OsString) -> Result<DbChoice, OfficeError> {
        Ok(match Target::from_db_value(Some(&value))? {
            Some(mut target) => {
                target.workstation = crate::app::runtime::os_account::host();
                DbChoice::Office(Box::new(target))
            }
            None => DbChoice::File(PathBuf::from(value)),
        })
    }

    /// The file, or `None` on the office server.
    pub fn file(&self) -> Option<&PathBuf> {
        match self {
            DbChoice::File(p) => Some(p),
            DbChoice::Office(_) => None,
        }
    }
}

pub fn default_db_path() -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join(DB_FILE_NAME))
}

/// The workstation's own data directory: the default database, and in
/// office mode the files that belong to this PC and not to the hall (the
/// export signing key, the export lock).
pub fn data_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("cn", "CounterDesk", "CounterDesk")
        .context("无法确定本机的数据目录，请用 --db 指定数据库文件")?;
    Ok(dirs.data_dir().to_path_buf())
}

/// A fresh, throwaway file for `--demo` in the system temp directory.
pub fn demo_db_path() -> PathBuf {
    std::env::temp_dir().join(format!("counterdesk-demo-{}.sqlite3", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_the_office_server_and_anything_else_a_file() {
        let office = DbChoice::parse("postgres://counterdesk_app@10.1.2.3/cgs".into()).unwrap();
        match office {
            DbChoice::Office(t) => {
                assert_eq!(t.host, "10.1.2.3");
                assert_eq!(t.dbname, "cgs");
                assert_eq!(t.to_string(), "办公室服务器 10.1.2.3/cgs");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            DbChoice::parse("POSTGRESQL://u@h/d".into()).unwrap(),
            DbChoice::Office(_)
        ));
        assert_eq!(
            DbChoice::parse("D:\\柜台\\counterdesk.sqlite3".into()).unwrap(),
            DbChoice::File(PathBuf::from("D:\\柜台\\counterdesk.sqlite3"))
        );
        // A URL with a password is refused, not opened as a file of that name.
        let err = DbChoice::parse("postgres://u:secret@h/d".into()).unwrap_err();
        assert!(err.to_string().contains("不能写密码"), "{err}");
        assert!(!err.to_string().contains("secret"));
    }
}
