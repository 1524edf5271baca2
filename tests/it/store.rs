//! Store: opening safely, migrations, refusal of bad files, audit chain tamper detection.

use std::path::Path;

use chrono::{TimeZone, Utc};
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::store::DraftKey;
use counterdesk::store::{AuditVerdict, LATEST_VERSION, NewAuditEvent, Store, StoreError};
use rusqlite::Connection;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

fn event(i: usize) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: Some(1),
        actor: "admin".into(),
        action: AuditAction::LoginSucceeded,
        target: counterdesk::domain::clerks::audit_target::AuditTarget::Clerk(1),
        detail: format!("event {i}"),
    }
}

fn store_with_events(path: &Path, n: usize) -> Store {
    let mut s = Store::open(path).unwrap();
    for i in 0..n {
        s.write(|tx| tx.append_audit(&event(i), now())).unwrap();
    }
    s
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Simulates someone with a SQLite tool: drops the append-only triggers, then runs `sql`.
fn tamper(path: &Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER audit_head_no_delete; DROP TRIGGER audit_head_forward_only;
         DROP TRIGGER audit_head_first_row;",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

fn verify(path: &Path) -> AuditVerdict {
    let mut s = Store::open(path).unwrap();
    s.read(|tx| tx.verify_audit()).unwrap()
}

#[test]
fn creates_and_migrates_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite3");
    let s = Store::open(&path).unwrap();
    drop(s);
    assert_eq!(user_version(&path), LATEST_VERSION);
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn refuses_an_empty_file_and_leaves_it_untouched() {
    // A zeroed file is damaged, never a first run: the first-run path would
    // hand an administrator account to whoever is at the PC.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("0 字节"), "{err}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no -wal/-shm litter: {names:?}");
}

#[test]
fn refuses_a_truncated_file_and_a_foreign_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.sqlite3");
    drop(store_with_events(&path, 50));
    // Checkpointed and closed; now cut it in half.
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("half.sqlite3");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = Store::open(&cut).err().expect("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let head_only = dir.path().join("head.sqlite3");
    std::fs::write(&head_only, &bytes[..60]).unwrap();
    assert!(matches!(
        Store::open(&head_only),
        Err(StoreError::Corrupt { .. })
    ));
    let foreign = dir.path().join("foreign.sqlite3");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs (title TEXT);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    assert!(matches!(
        Store::open(&foreign),
        Err(StoreError::Foreign { .. })
    ));
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
    for name in ["half", "head", "foreign"] {
        for suffix in ["-wal", "-shm"] {
            let p = dir.path().join(format!("{name}.sqlite3{suffix}"));
            assert!(!p.exists(), "litter {}", p.display());
        }
    }
}

#[test]
fn refuses_a_newer_schema_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(StoreError::NewerSchema {
            found: 99,
            supported,
            ..
        }) => assert_eq!(supported, LATEST_VERSION),
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "file was modified");
    assert!(!dir.path().join("newer.sqlite3-wal").exists());
}

#[test]
fn refuses_a_file_that_is_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "这不是数据库，是一份备忘录。\n".repeat(50)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err:?}");
    assert!(
        err.to_string().contains("notes.txt"),
        "message names the path: {err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn refuses_a_corrupt_file_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.sqlite3");
    drop(store_with_events(&path, 20));
    // Checkpointed by the close; now scribble over the pages after the header.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 4096);
    for b in bytes.iter_mut().skip(100).take(8000) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert!(
        matches!(
            err,
            StoreError::Corrupt { .. } | StoreError::NotSqlite { .. } | StoreError::Foreign { .. }
        ),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "file was modified");
}

#[test]
fn refuses_an_unwritable_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("db.sqlite3");
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, StoreError::Unwritable { .. }), "{err:?}");
    assert!(!path.exists());
    let err = Store::open(dir.path())
        .err()
        .expect("a directory is not a database");
    assert!(matches!(err, StoreError::Unwritable { .. }), "{err:?}");
}

#[test]
fn a_locked_database_reports_busy_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO settings VALUES ('x', 'y');")
        .unwrap();
    let err = s
        .write(|tx| tx.append_audit(&event(0), now()))
        .expect_err("write lock is held elsewhere");
    assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
    other.execute_batch("ROLLBACK").unwrap();
    // Nothing was lost: the next write succeeds and the chain is intact.
    s.write(|tx| tx.append_audit(&event(1), now())).unwrap();
    assert_eq!(
        s.read(|tx| tx.verify_audit()).unwrap(),
        AuditVerdict::Intact { rows: 1 }
    );
}

#[test]
fn audit_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite3");
    drop(store_with_events(&path, 3));
    let c = Connection::open(&path).unwrap();
    assert!(
        c.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 2", [])
            .is_err()
    );
    assert!(
        c.execute("DELETE FROM audit_log WHERE seq = 3", [])
            .is_err()
    );
    assert_eq!(verify(&path), AuditVerdict::Intact { rows: 3 });
}

#[test]
fn editing_a_row_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edit.sqlite3");
    drop(store_with_events(&path, 5));
    tamper(
        &path,
        "UPDATE audit_log SET detail = 'harmless' WHERE seq = 3",
    );
    assert!(matches!(verify(&path), AuditVerdict::Broken { seq: 3, .. }));
}

#[test]
fn editing_a_row_and_its_hash_is_detected_at_the_next_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edit2.sqlite3");
    drop(store_with_events(&path, 5));
    tamper(&path, "UPDATE audit_log SET hash = 'ff' WHERE seq = 2");
    assert!(matches!(verify(&path), AuditVerdict::Broken { seq: 2, .. }));
}

#[test]
fn deleting_a_middle_row_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delete.sqlite3");
    drop(store_with_events(&path, 5));
    tamper(&path, "DELETE FROM audit_log WHERE seq = 2");
    assert!(matches!(verify(&path), AuditVerdict::Broken { seq: 2, .. }));
}

#[test]
fn deleting_the_last_rows_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truncate.sqlite3");
    drop(store_with_events(&path, 5));
    tamper(&path, "DELETE FROM audit_log WHERE seq >= 4");
    assert!(matches!(verify(&path), AuditVerdict::Broken { seq: 4, .. }));
}

#[test]
fn reordering_rows_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reorder.sqlite3");
    drop(store_with_events(&path, 5));
    // Swap rows 2 and 3 wholesale (content and hashes), keeping the numbering.
    tamper(
        &path,
        "UPDATE audit_log SET seq = -2 WHERE seq = 2;
         UPDATE audit_log SET seq = 2 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = -2;",
    );
    assert!(matches!(verify(&path), AuditVerdict::Broken { seq: 2, .. }));
}

#[test]
fn an_intact_chain_verifies_and_grows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.sqlite3");
    let mut s = store_with_events(&path, 10);
    assert_eq!(
        s.read(|tx| tx.verify_audit()).unwrap(),
        AuditVerdict::Intact { rows: 10 }
    );
    let tail = s.read(|tx| tx.audit_tail(3)).unwrap();
    assert_eq!(
        tail.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![10, 9, 8]
    );
    assert_eq!(tail[0].action, Some(AuditAction::LoginSucceeded));
}

#[test]
fn drafts_are_kept_per_clerk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drafts.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let mk = |name: &str| counterdesk::store::NewClerk {
        username: name.into(),
        display_name: name.into(),
        role: counterdesk::domain::clerks::clerk::Role::Counter,
        password_hash: "x".into(),
        must_change_password: false,
    };
    let (a, b) = s
        .write(|tx| {
            Ok((
                tx.insert_clerk(&mk("a"), now())?,
                tx.insert_clerk(&mk("b"), now())?,
            ))
        })
        .unwrap();
    s.write(|tx| tx.save_draft(DraftKey::new(a, "workspace"), "{\"a\":1}", now()))
        .unwrap();
    s.write(|tx| tx.save_draft(DraftKey::new(a, "workspace"), "{\"a\":2}", now()))
        .unwrap();
    assert_eq!(
        s.read(|tx| tx.draft(DraftKey::new(a, "workspace")))
            .unwrap()
            .as_deref(),
        Some("{\"a\":2}")
    );
    assert_eq!(
        s.read(|tx| tx.draft(DraftKey::new(b, "workspace")))
            .unwrap(),
        None
    );
}

// ---- Issue 20: full disks, recovery from the log, backups -----------------

/// A small tmpfs on a fresh mount point, unmounted when dropped. `None`
/// (with a message) when not root or mounting is not permitted here.
#[cfg(target_os = "linux")]
struct Tmpfs {
    dir: tempfile::TempDir,
}

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn new(kib: u32) -> Option<Tmpfs> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("SKIPPED: a full-disk test needs root to mount a small tmpfs");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: mounting a tmpfs is not permitted here");
            return None;
        }
        Some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk, then frees `leave` bytes; returns the filler.
    fn fill(&self, leave: u64) -> std::path::PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
        let len = std::fs::metadata(&filler).unwrap().len();
        f.set_len(len.saturating_sub(leave)).unwrap();
        filler
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_at_first_open_leaves_nothing_and_says_so() {
    let Some(fs) = Tmpfs::new(1024) else { return };
    let filler = fs.fill(8 * 1024);
    let path = fs.path().join("counterdesk.sqlite3");
    let err = Store::open(&path).err().expect("no room for the schema");
    let text = err.to_string();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert!(text.contains("磁盘空间不足"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    let left: Vec<_> = std::fs::read_dir(fs.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "filler")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Space freed: the next start creates it.
    std::fs::remove_file(filler).unwrap();
    let s = Store::open(&path).unwrap();
    drop(s);
    assert_eq!(user_version(&path), LATEST_VERSION);
}

#[cfg(target_os = "linux")]
#[test]
fn a_disk_that_fills_during_writes_says_so_and_the_next_start_recovers() {
    let Some(fs) = Tmpfs::new(6 * 1024) else {
        return;
    };
    let path = fs.path().join("counterdesk.sqlite3");
    let mut s = store_with_events(&path, 20);
    let filler = fs.fill(256 * 1024);
    let mut written = 20;
    let err = loop {
        let big = NewAuditEvent {
            detail: "x".repeat(60_000),
            ..event(written)
        };
        match s.write(|tx| tx.append_audit(&big, now())) {
            Ok(_) => written += 1,
            Err(e) => break e,
        }
        assert!(written < 1000, "the disk never filled");
    };
    assert!(err.to_string().contains("磁盘空间不足"), "{err}");
    drop(s);
    let main = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let wal = std::fs::metadata(format!("{}-wal", path.display()))
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!("after the full disk: main {main} bytes, -wal {wal} bytes");
    std::fs::remove_file(filler).unwrap();
    let s = Store::open(&path).expect("the next start works once there is room");
    drop(s);
    assert_eq!(
        verify(&path),
        AuditVerdict::Intact {
            rows: written as i64
        }
    );
}

/// Every command that writes a file outside the database says 磁盘空间不足
/// in its sentence (not only on the 详情 line) and names the path.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_under_any_written_file_is_said_in_the_sentence_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.sqlite3");
    let mut s = store_with_events(&db, 3);
    counterdesk::app::demo::registrations::add(&mut s, now(), 1).unwrap();
    drop(s);
    let reg_no: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT reg_no FROM registrations LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let Some(fs) = Tmpfs::new(1024) else { return };
    let _filler = fs.fill(0);
    let full = fs.path();
    let out = |name: &str| full.join(name).to_string_lossy().into_owned();
    let dbs = db.to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "receipt",
            vec![
                "--db".into(),
                dbs.clone(),
                "receipt".into(),
                reg_no,
                "--out".into(),
                out("r.pdf"),
            ],
        ),
        (
            "audit-anchor",
            vec![
                "--db".into(),
                dbs.clone(),
                "audit-anchor".into(),
                "--out".into(),
                out("a.txt"),
            ],
        ),
        (
            "demo-data --out",
            vec![
                "demo-data".into(),
                "--out".into(),
                out("batch/batch.jsonl"),
                "--applications".into(),
                "20".into(),
            ],
        ),
        (
            "backup",
            vec![
                "--db".into(),
                dbs.clone(),
                "backup".into(),
                "--out".into(),
                out("copy.sqlite3"),
            ],
        ),
        (
            "export",
            vec![
                "--db".into(),
                dbs.clone(),
                "export".into(),
                "--out".into(),
                out("usb"),
            ],
        ),
    ];
    for (what, args) in cases {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_counterdesk"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let first = err.lines().find(|l| l.starts_with("错误：")).unwrap_or("");
        assert_eq!(o.status.code(), Some(2), "{what}: {o:?}");
        assert!(first.contains("磁盘空间不足"), "{what}: {err}");
        assert!(
            first.contains(&full.display().to_string()),
            "{what} names no path: {err}"
        );
    }
    // Nothing half-written is left on the full disk under a final name.
    for name in ["r.pdf", "a.txt", "copy.sqlite3"] {
        assert!(!full.join(name).exists(), "{name} left behind");
    }
}

#[test]
fn a_short_main_file_whose_pages_are_in_its_log_is_recovered_not_called_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.sqlite3");
    drop(store_with_events(&path, 5));
    {
        // What a checkpoint cut short by a full disk leaves: the header
        // counts every page, the file holds one, the log holds them all.
        let c = Connection::open(&path).unwrap();
        c.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .unwrap();
        c.execute_batch("PRAGMA wal_autocheckpoint = 0;").unwrap();
        for i in 0..400 {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                rusqlite::params![format!("filler{i}"), "y".repeat(4000)],
            )
            .unwrap();
        }
        // VACUUM rewrites every page: in WAL mode all of them land in the
        // log, as for a database created and filled without a checkpoint.
        c.execute_batch("VACUUM;").unwrap();
        let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        assert!(pages > 1);
    }
    let wal = format!("{}-wal", path.display());
    assert!(std::fs::metadata(&wal).unwrap().len() > 4096);
    // Page 1 as the log has it (header counting every page), nothing else.
    let c = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let page_count: u32 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    drop(c);
    let mut head = std::fs::read(&path).unwrap();
    head.truncate(4096);
    head[28..32].copy_from_slice(&page_count.to_be_bytes());
    std::fs::write(&path, &head).unwrap();
    let _ = std::fs::remove_file(format!("{}-shm", path.display()));
    let s = Store::open(&path).expect("recovered from its log");
    drop(s);
    let n: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM settings WHERE key LIKE 'filler%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 400);
    assert_eq!(verify(&path), AuditVerdict::Intact { rows: 5 });
    counterdesk::store::full_check(&path).unwrap();
}

#[test]
fn backup_copies_online_checks_the_copy_and_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite3");
    let live = store_with_events(&path, 30);
    let out = dir.path().join("copy.sqlite3");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("--db")
        .arg(&path)
        .arg("backup")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("完整性检查通过"));
    // The copy is a whole database, taken while the store was open.
    assert_eq!(verify(&out), AuditVerdict::Intact { rows: 30 });
    assert!(!dir.path().join("copy.sqlite3.partial").exists());
    // Never over an existing file.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("--db")
        .arg(&path)
        .arg("backup")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    drop(live);
    // Audited with the OS account, and logged for the reminder.
    let c = Connection::open(&path).unwrap();
    let actor: String = c
        .query_row(
            "SELECT actor FROM audit_log WHERE action = 'database_backed_up'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(actor.starts_with("命令行 "), "{actor}");
    drop(c);
    // The daily backup: due after a day, keeps the newest N.
    let folder = dir.path().join("backups");
    let mut s = Store::open(&path).unwrap();
    s.write(|tx| {
        let mut set = tx.settings()?;
        set.backup_dir = folder.to_string_lossy().into_owned();
        set.backup_daily = true;
        set.backup_keep = 2;
        tx.save_settings(&set)
    })
    .unwrap();
    drop(s);
    use counterdesk::app::clerks::backup::daily_if_due;
    let mut made = 0;
    for day in 1..=4 {
        let t = Utc::now() + chrono::Duration::days(day);
        if daily_if_due(&path, t).unwrap().is_some() {
            made += 1;
        }
        assert!(daily_if_due(&path, t).unwrap().is_none(), "once a day");
    }
    assert_eq!(made, 4);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
    // A backup holds every identity number: owner-only, like exports.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o600);
        for f in std::fs::read_dir(&folder).unwrap() {
            assert_eq!(mode(&f.unwrap().path()), 0o600);
        }
    }
}

/// A value the schema should have made impossible (written with a SQLite
/// tool, CHECKs off) is refused by name, never shown as a default, and
/// `check-db` finds it.
#[test]
fn a_corrupt_status_or_date_is_a_typed_error_and_check_db_names_it() {
    use counterdesk::domain::review::AppKind;
    use counterdesk::store::NewApplication;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite3");
    let mut s = Store::open(&path).unwrap();
    let day = now().date_naive();
    let id = s
        .write(|tx| {
            tx.insert_application(&NewApplication::bare(
                "A1".into(),
                AppKind::New,
                now(),
                now(),
                day,
                None,
            ))
        })
        .unwrap();
    drop(s);
    let check_db = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_counterdesk"))
            .arg("--db")
            .arg(&path)
            .arg("check-db")
            .output()
            .unwrap()
    };
    assert_eq!(check_db().status.code(), Some(0), "intact before");
    for (column, sql) in [
        (
            "status",
            "PRAGMA ignore_check_constraints = ON; UPDATE applications SET status = 'bogus';",
        ),
        (
            "submitted_at",
            "PRAGMA ignore_check_constraints = ON; UPDATE applications SET status = 'pending', \
             submitted_at = '2026-13-45';",
        ),
    ] {
        Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        let mut s = Store::open(&path).unwrap();
        match s.read(|tx| tx.application(id)) {
            Err(StoreError::CorruptRow {
                table,
                row,
                column: c,
                ..
            }) => {
                assert_eq!((table, row, c), ("applications", id, column));
            }
            other => panic!("{column}: expected a typed corruption error, got {other:?}"),
        }
        drop(s);
        let o = check_db();
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{column}: {text}");
        assert!(
            text.contains(&format!("applications 表第 {id} 行的 {column} 字段")),
            "{text}"
        );
    }
}
