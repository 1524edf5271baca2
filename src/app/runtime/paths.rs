//! Where the database lives by default: the platform data directory
//! (`%APPDATA%\CounterDesk\data` on Windows, `~/.local/share/counterdesk` on Linux).

use std::path::PathBuf;

use anyhow::Context;

pub const DB_FILE_NAME: &str = "counterdesk.sqlite3";

pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("cn", "CounterDesk", "CounterDesk")
        .context("无法确定本机的数据目录，请用 --db 指定数据库文件")?;
    Ok(dirs.data_dir().join(DB_FILE_NAME))
}

/// A fresh, throwaway file for `--demo` in the system temp directory.
pub fn demo_db_path() -> PathBuf {
    std::env::temp_dir().join(format!("counterdesk-demo-{}.sqlite3", std::process::id()))
}
