//! Where a subcommand works: the workstation's SQLite file (`--db PATH`,
//! else the default in the data directory) or the office server
//! (`--db postgres://…` or `COUNTERDESK_DB`). Opening on the server checks
//! its schema version (a mismatch names `counterdesk office-init`); the
//! password comes from the passfile or a terminal prompt.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use anyhow::{Context, bail};

use crate::app::runtime::paths::{self, DbChoice};
use crate::store::postgres::{Prompt, Target};
use crate::store::{ReadOnlyDb, Store};

/// The database one command was told to use.
#[derive(Debug, Clone)]
pub enum Db {
    File(PathBuf),
    /// Boxed: a target is ten times a path's size.
    Office(Box<Target>),
}

impl Db {
    /// `--db`/`COUNTERDESK_DB` as `main.rs` resolved it, else the default file.
    pub fn resolve(choice: Option<DbChoice>) -> anyhow::Result<Db> {
        Ok(match choice {
            Some(DbChoice::File(p)) => Db::File(p),
            Some(DbChoice::Office(t)) => Db::Office(t),
            None => Db::File(paths::default_db_path()?),
        })
    }

    /// For messages: the file's path, or `办公室服务器 host/db`.
    pub fn label(&self) -> String {
        match self {
            Db::File(p) => p.display().to_string(),
            Db::Office(t) => t.to_string(),
        }
    }

    /// The file must already exist (a command that reads or changes data
    /// never creates an empty database by mistake); the server always "exists".
    pub fn must_exist(&self) -> anyhow::Result<()> {
        match self {
            Db::File(p) if !p.exists() => bail!("数据库文件 {} 不存在", p.display()),
            _ => Ok(()),
        }
    }

    /// The writer: a file is created if missing and migrated; the server
    /// is only connected to (office-init migrates it).
    pub fn open(&self) -> anyhow::Result<Store> {
        match self {
            Db::File(p) => {
                Store::open(p).with_context(|| format!("无法打开数据库 {}", p.display()))
            }
            Db::Office(t) => {
                let mut store = Store::open_office(Target::clone(t), Prompt::Terminal)?;
                take_server_clock(&mut store)?;
                Ok(store)
            }
        }
    }

    /// A connection for reads only, after the file was opened (and migrated)
    /// once through the writer's checks, as the screens read.
    pub fn open_reader(&self) -> anyhow::Result<Store> {
        match self {
            Db::File(p) => {
                drop(Store::open(p)?);
                Ok(Store::open_reader(p)?)
            }
            Db::Office(_) => self.open(),
        }
    }

    /// The read-only view of `verify-audit`, `audit-anchor` and `check-db`
    /// (a 0444 copy of a file is fine; a read-only snapshot on the server).
    pub fn read_only(&self) -> anyhow::Result<ReadOnlyDb> {
        Ok(match self {
            Db::File(p) => ReadOnlyDb::open(p)?,
            Db::Office(t) => ReadOnlyDb::open_office(Target::clone(t), Prompt::Terminal)?,
        })
    }
}

/// How far the office server's clock is ahead of this PC's (zero on a file).
static SERVER_OFFSET: OnceLock<chrono::Duration> = OnceLock::new();

/// In office mode the server's clock is the clock of record (leases, due
/// dates, stored times): remembered once per command as an offset.
fn take_server_clock(store: &mut Store) -> anyhow::Result<()> {
    if let Some(server) = store.server_time()? {
        let _ = SERVER_OFFSET.set(server - Utc::now());
    }
    Ok(())
}

/// Now by the database's clock: the server's once a command opened the
/// office server, else this PC's.
pub fn db_now() -> DateTime<Utc> {
    Utc::now()
        + SERVER_OFFSET
            .get()
            .copied()
            .unwrap_or_else(chrono::Duration::zero)
}
