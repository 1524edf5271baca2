//! Opening a database file safely: inspect read-only first, then switch to
//! read-write with the pragmas. Nothing is written to a file we refuse.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;
use super::migrations::LATEST_VERSION;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks the file, then opens it read-write with WAL, foreign keys and a busy timeout.
pub fn open_checked(path: &Path) -> Result<Connection, StoreError> {
    if path.exists() {
        inspect_existing(path)?;
    } else {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(StoreError::Unwritable {
                path: path.to_path_buf(),
                detail: format!("目录 {} 不存在", parent.display()),
            });
        }
    }
    let sql = |e| StoreError::from_sqlite(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: format!("无法启用 WAL 日志模式（当前 {mode}）"),
        });
    }
    // FULL: a decision the clerk saw as saved must survive a power cut.
    conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;")
        .map_err(sql)?;
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(sql)?;
    if fk != 1 {
        return Err(StoreError::Rejected("SQLite 未启用外键约束".to_owned()));
    }
    Ok(conn)
}

/// Opens an existing database read-only (for `verify-audit`), after the same checks.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "文件不存在".to_owned(),
        });
    }
    inspect_existing(path)?;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    Ok(conn)
}

/// Tables the login frame reads; checked on every open. The rest of the file
/// (applications, blobs: hundreds of MB at a million applications) is left to
/// [`full_quick_check`], run on demand or in the background.
const STARTUP_CHECKED_TABLES: [&str; 3] = ["clerks", "settings", "audit_head"];

/// A cheap check for the start-up path: reading the schema catches a damaged
/// first page, and `quick_check(TABLE)` walks only the small tables login needs.
fn startup_check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    let present: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .map_err(sql)?;
        let names = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        names.collect::<Result<_, _>>().map_err(sql)?
    };
    for table in STARTUP_CHECKED_TABLES {
        if !present.iter().any(|t| t == table) {
            continue;
        }
        let check: String = conn
            .query_row(&format!("PRAGMA quick_check({table})"), [], |r| r.get(0))
            .map_err(sql)?;
        if check != "ok" {
            return Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: check,
            });
        }
    }
    Ok(())
}

/// The whole-file `PRAGMA quick_check`, on its own read-only connection.
pub fn full_quick_check(path: &Path) -> Result<(), StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(sql)?;
    if check != "ok" {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: check,
        });
    }
    Ok(())
}

/// A read-only connection for pages and counts (see `ReadStore`): no checks
/// of its own, because the writer has opened and checked the file already.
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    if !path.is_file() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "文件不存在".to_owned(),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -65536;")
        .map_err(sql)?;
    Ok(conn)
}

/// Header, schema version and a cheap integrity check, all read-only.
fn inspect_existing(path: &Path) -> Result<(), StoreError> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::Unwritable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "这是一个目录，不是文件".to_owned(),
        });
    }
    if meta.len() == 0 {
        // SQLite treats an empty file as an empty database.
        return Ok(());
    }
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Unwritable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if f.read_exact(&mut head).is_err() || &head != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    drop(f);
    let sql = |e| StoreError::from_sqlite(path, e);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    if version > LATEST_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    startup_check(&conn, path)?;
    if meta.permissions().readonly() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "文件为只读".to_owned(),
        });
    }
    Ok(())
}
