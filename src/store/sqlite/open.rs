//! Opening a database file safely: inspect read-only first, then switch to
//! read-write with the pragmas. Nothing is written to a file we refuse, not
//! even an empty `-wal`/`-shm` beside it. Only a path where no file exists
//! starts the first-run path: an existing empty file is damaged, not new.

use crate::store::error::StoreResult;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::error::{StoreError, io_detail};
use super::migrations::LATEST_VERSION;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Files up to this size get `PRAGMA quick_check` on the start-up path (tens
/// of ms); a larger one (a million applications) only gets the cheap checks,
/// so the login frame stays under 300 ms. The full check runs on demand.
const QUICK_CHECK_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Checks the file, then opens it read-write with WAL, foreign keys and a busy timeout.
pub fn open_checked(path: &Path) -> StoreResult<Connection> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            inspect_existing(path, &meta)?;
            if meta.permissions().readonly() {
                return Err(StoreError::Unwritable {
                    path: path.to_path_buf(),
                    detail: "文件为只读".to_owned(),
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
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
        Err(e) => {
            return Err(StoreError::Unwritable {
                path: path.to_path_buf(),
                detail: io_detail(&e),
            });
        }
    }
    let sql = |e| super::error::from_sqlite(path, e);
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
        return Err(StoreError::Driver {
            path: path.to_path_buf(),
            source: "SQLite 未启用外键约束".into(),
        });
    }
    Ok(conn)
}

/// The reader's connection: read-write flags (WAL readers need the shared
/// memory file) but `query_only`, so nothing can be written through it.
pub fn open_reader(path: &Path) -> StoreResult<Connection> {
    let sql = |e| super::error::from_sqlite(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    conn.execute_batch("PRAGMA query_only=1; PRAGMA foreign_keys=ON;")
        .map_err(sql)?;
    Ok(conn)
}

/// Opens an existing database for reading only (`verify-audit`, an auditor's
/// copy): works on a 0444 file, for a user without write access, and on a
/// read-only medium, and never creates anything beside the file.
pub fn open_read_only(path: &Path) -> StoreResult<Connection> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::Unwritable {
        path: path.to_path_buf(),
        detail: io_detail(&e),
    })?;
    inspect_existing(path, &meta)?;
    let conn = connect_read_only(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| super::error::from_sqlite(path, e))?;
    Ok(conn)
}

/// A `file:` URI for SQLite: `%`, `?` and `#` escaped, forward slashes.
fn file_uri(path: &Path, query: &str) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut s = abs.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        // Windows `C:/…` becomes `file:///C:/…`.
        s.insert(0, '/');
    }
    let mut out = String::from("file://");
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out.push('?');
    out.push_str(query);
    out
}

fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    p.into()
}

fn shm_path(path: &Path) -> std::path::PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-shm");
    p.into()
}

/// Read-only connection. With a `-wal` present (a session that did not
/// checkpoint), its committed pages are read through `mode=ro`; otherwise
/// `immutable=1`, which needs no lock files and so leaves nothing behind.
fn connect_read_only(path: &Path) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A live database (the window open on it) has these files: read it with
    // locking, never as immutable.
    let has_wal = wal_path(path).exists() || shm_path(path).exists();
    if has_wal
        && let Ok(c) = Connection::open_with_flags(file_uri(path, "mode=ro"), flags)
        && c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_ok()
    {
        return Ok(c);
    }
    Connection::open_with_flags(file_uri(path, "immutable=1"), flags)
        .map_err(|e| super::error::from_sqlite(path, e))
}

fn damaged(path: &Path, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

/// Header, size, schema version and (for files of ordinary size) integrity,
/// all read-only.
fn inspect_existing(path: &Path, meta: &std::fs::Metadata) -> StoreResult<()> {
    if meta.is_dir() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "这是一个目录，不是数据库文件".to_owned(),
        });
    }
    if !meta.is_file() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: "这不是普通文件（可能是设备或管道）".to_owned(),
        });
    }
    if meta.len() == 0 {
        // SQLite would treat it as a new, empty database and the window would
        // offer to create the first administrator: never on an existing file.
        return Err(damaged(path, "文件为空（0 字节），可能已被清空或截断"));
    }
    let mut head = [0u8; HEADER_LEN];
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Unwritable {
        path: path.to_path_buf(),
        detail: io_detail(&e),
    })?;
    let read = f.read(&mut head).unwrap_or(0);
    drop(f);
    if read < SQLITE_MAGIC.len() || &head[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
        });
    }
    if read < HEADER_LEN {
        return Err(damaged(path, "文件头不完整，文件已被截断"));
    }
    // Header: page size at 16 (1 means 65536), page count at 28.
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(damaged(path, "文件头中的页大小无效"));
    }
    // A checkpoint that ran out of disk leaves a short main file whose pages
    // are still in its `-wal`: judge the file as SQLite reads it, log
    // included (read-only), rather than calling it truncated.
    let wal_len = std::fs::metadata(wal_path(path))
        .map(|m| m.len())
        .unwrap_or(0);
    let short = meta.len() < page_size || meta.len() < pages.saturating_mul(page_size);
    if short && wal_len == 0 {
        return Err(damaged(
            path,
            format!(
                "文件被截断：应至少 {} 字节，实际 {} 字节",
                pages.saturating_mul(page_size).max(page_size),
                meta.len()
            ),
        ));
    }
    let sql = |e| super::error::from_sqlite(path, e);
    let conn = connect_read_only(path)?;
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
    // Reading the schema parses every table definition: cheap, and it
    // catches a damaged first page.
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(sql)?;
    let ours = tables.iter().any(|t| t == "clerks") && tables.iter().any(|t| t == "audit_log");
    if (version == 0 && !tables.is_empty()) || (version > 0 && !ours) {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
        });
    }
    if meta.len() <= QUICK_CHECK_MAX_BYTES || short {
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(sql)?;
        if check != "ok" {
            return Err(damaged(path, format!("完整性检查未通过（{check}）")));
        }
    }
    Ok(())
}

/// The whole-file check that large files skip at start-up, for
/// `counterdesk check-db` and 系统设置 → 检查数据库: the start-up checks
/// (header, size, schema), then `PRAGMA integrity_check` (every page, and
/// every index against its table) on its own read-only connection. Reads the
/// whole file: seconds at a million applications, so never on the UI thread.
pub fn full_check(path: &Path) -> StoreResult<()> {
    let meta = std::fs::metadata(path).map_err(|e| StoreError::Unwritable {
        path: path.to_path_buf(),
        detail: io_detail(&e),
    })?;
    inspect_existing(path, &meta)?;
    let sql = |e| super::error::from_sqlite(path, e);
    let conn = connect_read_only(path)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    // At most a few findings: the first ones say enough, the rest only take time.
    let findings: Vec<String> = conn
        .prepare("PRAGMA integrity_check(5)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(sql)?;
    if findings.len() == 1 && findings[0] == "ok" {
        // The file is sound; now every value a clerk reads.
        super::values::check_values(&conn).map_err(sql)
    } else {
        Err(damaged(
            path,
            format!("完整性检查未通过（{}）", findings.join("；")),
        ))
    }
}

/// Creates a new database under a temporary name beside `path`, migrates
/// it, and only then gives it its name: a first start that fails (a full
/// disk) leaves no file behind to block the next one.
pub fn create_new(path: &Path) -> StoreResult<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(StoreError::Unwritable {
            path: path.to_path_buf(),
            detail: format!("目录 {} 不存在", dir.display()),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.creating", std::process::id()));
    let result = build_at(&tmp, path).and_then(|()| claim_name(&tmp, path));
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = tmp.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    result?;
    crate::store::sync_dir(dir).map_err(super::error::io_error(path))
}

fn build_at(tmp: &Path, path: &Path) -> StoreResult<()> {
    // Errors name the database the clerk knows, not the temporary file.
    let sql = |e| super::error::from_sqlite(path, e);
    let mut conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    conn.execute_batch("PRAGMA synchronous=FULL;")
        .map_err(sql)?;
    super::migrations::migrate(&mut conn, path)?;
    conn.close().map_err(|(_, e)| sql(e))?;
    std::fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(super::error::io_error(path))
}

/// Links the finished file to its name without replacing one that another
/// process created meanwhile (then that one is used).
fn claim_name(tmp: &Path, path: &Path) -> StoreResult<()> {
    match std::fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // File systems without hard links: rename, which is atomic but
        // would replace; checked just before.
        Err(_) if !path.exists() => {
            std::fs::rename(tmp, path).map_err(super::error::io_error(path))
        }
        Err(e) => Err(super::error::io_error(path)(e)),
    }
}
