//! Hardening (issue 7): anchors catch a cut tail and a rewritten chain,
//! verification works on a read-only copy, login says the same for unknown
//! and existing names, and the audit never stores a typed unknown name.

use counterdesk::app::clerks::session;
use counterdesk::app::clerks::setup;
use counterdesk::app::runtime::call::Call;
use std::path::Path;
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use counterdesk::app::clerks::accounts::AccountInput;
use counterdesk::app::clerks::session::LoginOutcome;
use counterdesk::app::clerks::session::LoginPurpose;
use counterdesk::domain::clerks::audit::{AuditContent, GENESIS_HASH};
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::store::{NewAuditEvent, Store};
use rusqlite::Connection;

/// seq, at, actor_id, actor, action, target, detail.
type Row = (i64, String, Option<i64>, String, String, String, String);

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn db_with_events(path: &Path, n: usize) {
    let mut s = Store::open(path).unwrap();
    for i in 0..n {
        s.write(|tx| {
            tx.append_audit(
                &NewAuditEvent {
                    actor_id: Some(1),
                    actor: "admin".into(),
                    action: counterdesk::domain::clerks::audit::AuditAction::LoginSucceeded,
                    target: counterdesk::domain::clerks::audit_target::AuditTarget::Clerk(1),
                    detail: format!("event {i}"),
                },
                t0(),
            )
        })
        .unwrap();
    }
}

/// What an attacker with a SQLite tool does: drop every protecting trigger.
fn drop_triggers(c: &Connection) {
    c.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER audit_head_no_delete; DROP TRIGGER audit_head_forward_only;
         DROP TRIGGER audit_head_first_row;",
    )
    .unwrap();
}

#[test]
fn audit_head_is_protected_by_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.sqlite3");
    db_with_events(&db, 5);
    let c = Connection::open(&db).unwrap();
    assert!(c.execute("DELETE FROM audit_head", []).is_err());
    assert!(c.execute("UPDATE audit_head SET seq = 3", []).is_err());
    assert!(
        c.execute("UPDATE audit_head SET seq = 6, hash = 'x' WHERE id = 1", [])
            .is_err()
    );
}

#[test]
fn a_cut_tail_with_a_matching_head_is_caught_by_an_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cut.sqlite3");
    let dbs = db.to_str().unwrap();
    db_with_events(&db, 30);
    let anchor_file = dir.path().join("anchor.txt");
    let o = cli(&[
        "audit-anchor",
        "--db",
        dbs,
        "--out",
        anchor_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).starts_with("CDANCHOR1 seq=30 hash="));
    // Without triggers, cut the tail and move the head back: the chain alone
    // looks intact (the issue's attack).
    {
        let c = Connection::open(&db).unwrap();
        drop_triggers(&c);
        c.execute_batch(
            "DELETE FROM audit_log WHERE seq > 25;
             UPDATE audit_head SET seq = 25, hash = (SELECT hash FROM audit_log WHERE seq = 25);",
        )
        .unwrap();
    }
    // Without an anchor it cannot tell, and says so instead of promising.
    let o = cli(&["verify-audit", "--db", dbs]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert_eq!(text.lines().next(), Some("OK 25"), "{text}");
    assert!(text.contains("只证明哈希链前后自洽"), "{text}");
    assert!(text.contains("删去末尾记录并改回链头"), "{text}");
    let o = cli(&[
        "verify-audit",
        "--db",
        dbs,
        "--anchor",
        anchor_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        stdout(&o).contains("BROKEN anchor seq=30"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_rewritten_chain_is_caught_by_an_anchor_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rewrite.sqlite3");
    let dbs = db.to_str().unwrap();
    db_with_events(&db, 10);
    let usb = dir.path().join("usb/2026-11-20");
    std::fs::create_dir_all(&usb).unwrap();
    let o = cli(&["audit-anchor", "--db", dbs]);
    // An anchor embedded in some other file (a manifest), among other text.
    std::fs::write(
        usb.join("manifest.json"),
        format!("{{\"audit_anchor\":\"{}\"}}", stdout(&o).trim()),
    )
    .unwrap();
    // Rewrite row 3's detail and recompute every hash after it, head included.
    {
        let c = Connection::open(&db).unwrap();
        drop_triggers(&c);
        c.execute("UPDATE audit_log SET detail = 'forged' WHERE seq = 3", [])
            .unwrap();
        let mut prev = GENESIS_HASH.to_owned();
        let rows: Vec<Row> = c
            .prepare(
                "SELECT seq, at, actor_id, actor, action, target, detail FROM audit_log ORDER BY seq",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (seq, at, actor_id, actor, action, target, detail) in rows {
            let h = AuditContent {
                seq,
                at: &at,
                actor_id,
                actor: &actor,
                action: &action,
                target: &target,
                detail: &detail,
            }
            .chain_hash(&prev);
            c.execute(
                "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
                rusqlite::params![prev, h, seq],
            )
            .unwrap();
            prev = h;
        }
        c.execute("UPDATE audit_head SET hash = ?1", [&prev])
            .unwrap();
    }
    assert_eq!(
        stdout(&cli(&["verify-audit", "--db", dbs])).lines().next(),
        Some("OK 10")
    );
    let o = cli(&[
        "verify-audit",
        "--db",
        dbs,
        "--anchor",
        dir.path().join("usb").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("哈希链被整体重写"), "{}", stdout(&o));
}

#[test]
fn an_intact_database_passes_its_anchors_and_a_missing_anchor_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ok.sqlite3");
    let dbs = db.to_str().unwrap();
    db_with_events(&db, 4);
    let a = dir.path().join("a.txt");
    cli(&["audit-anchor", "--db", dbs, "--out", a.to_str().unwrap()]);
    db_with_events(&db, 3); // the chain grows past the anchor: still fine
    let o = cli(&["verify-audit", "--db", dbs, "--anchor", a.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().next(), Some("OK 7 (anchors 1)"));
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "nothing here").unwrap();
    let o = cli(&[
        "verify-audit",
        "--db",
        dbs,
        "--anchor",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn verify_audit_works_on_a_read_only_copy_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("orig.sqlite3");
    db_with_events(&db, 6);
    let ro_dir = dir.path().join("ro");
    std::fs::create_dir(&ro_dir).unwrap();
    let copy = ro_dir.join("copy.sqlite3");
    std::fs::copy(&db, &copy).unwrap();
    let mut perm = std::fs::metadata(&copy).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&copy, perm).unwrap();
    let o = cli(&["verify-audit", "--db", copy.to_str().unwrap()]);
    assert_eq!(stdout(&o).lines().next(), Some("OK 6"), "{o:?}");
    let names: Vec<_> = std::fs::read_dir(&ro_dir).unwrap().collect();
    assert_eq!(names.len(), 1, "no -wal/-shm beside the copy");
    // A directory is named as one, in Chinese.
    let o = cli(&["verify-audit", "--db", ro_dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("目录"), "{err}");
}

#[test]
fn a_column_of_the_wrong_type_is_broken_not_a_driver_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("type.sqlite3");
    db_with_events(&db, 3);
    {
        let c = Connection::open(&db).unwrap();
        drop_triggers(&c);
        c.execute("UPDATE audit_log SET detail = x'00ff' WHERE seq = 2", [])
            .unwrap();
    }
    let o = cli(&["verify-audit", "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stdout(&o).starts_with("BROKEN row 2"), "{}", stdout(&o));
}

fn login_setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("login.sqlite3")).unwrap();
    setup::create_first_admin(
        &mut s,
        &AccountInput {
            username: "admin".into(),
            display_name: "管理员".into(),
            role: Role::Admin,
            password: "admin2026".into(),
        },
        "测试车管所",
        t0(),
    )
    .unwrap();
    (dir, s)
}

#[test]
fn unknown_and_existing_names_get_the_same_message() {
    let (_d, mut s) = login_setup();
    let refusal = |s: &mut Store, user: &str| match session::login(
        s,
        user,
        "wrongpass1",
        LoginPurpose::SignIn,
        None,
        t0(),
    )
    .unwrap()
    {
        LoginOutcome::Refused(m) => m,
        LoginOutcome::Success(_) => panic!("signed in"),
    };
    let unknown = refusal(&mut s, "nobody");
    let existing = refusal(&mut s, "admin");
    assert_eq!(unknown, existing);
    assert!(unknown.contains("连续失败 5 次将锁定 15 分钟"), "{unknown}");
    // Locked by failures: a wrong password still reads the same.
    for _ in 0..4 {
        refusal(&mut s, "admin");
    }
    assert_eq!(refusal(&mut s, "admin"), unknown);
    // Only the right password learns the account is locked.
    match session::login(
        &mut s,
        "admin",
        "admin2026",
        LoginPurpose::SignIn,
        None,
        t0(),
    )
    .unwrap()
    {
        LoginOutcome::Refused(m) => assert!(m.contains("已锁定"), "{m}"),
        LoginOutcome::Success(_) => panic!("locked account signed in"),
    }
}

#[test]
fn the_audit_never_holds_a_typed_unknown_name() {
    let (_d, mut s) = login_setup();
    for _ in 0..2 {
        let _ = session::login(
            &mut s,
            "S3cretPassw0rd",
            "whatever1",
            LoginPurpose::SignIn,
            None,
            t0(),
        );
    }
    let _ = session::login(
        &mut s,
        "other",
        "whatever1",
        LoginPurpose::SignIn,
        None,
        t0(),
    );
    let rows = s.read(|tx| tx.audit_tail(100)).unwrap();
    let failed: Vec<_> = rows
        .iter()
        .filter(|r| r.action_code == "login_failed")
        .collect();
    assert_eq!(failed.len(), 3);
    for r in &rows {
        let all = format!("{} {} {}", r.actor, r.target, r.detail);
        assert!(!all.to_lowercase().contains("s3cret"), "{all}");
        assert!(!all.contains("other"), "{all}");
    }
    // Repeated attempts with one name correlate; different names do not.
    assert!(failed[1].detail.starts_with("未知账号 #"));
    assert_eq!(failed[1].detail, failed[2].detail);
    assert_ne!(failed[0].detail, failed[1].detail);
}

#[test]
fn reset_admin_unlocks_the_only_administrator_and_is_audited() {
    use std::io::Write;
    let (dir, mut s) = login_setup();
    for _ in 0..5 {
        let _ = session::login(
            &mut s,
            "admin",
            "wrongpass1",
            LoginPurpose::SignIn,
            None,
            t0(),
        );
    }
    drop(s);
    let db = dir.path().join("login.sqlite3");
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_counterdesk"))
            .args(["reset-admin", "--db", db.to_str().unwrap()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = run("Fresh2027a\nFresh2027b\n");
    assert_eq!(o.status.code(), Some(2), "mismatch refused");
    let o = run("Fresh2027a\nFresh2027a\n");
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let mut s = Store::open(&db).unwrap();
    assert!(matches!(
        session::login(
            &mut s,
            "admin",
            "Fresh2027a",
            LoginPurpose::SignIn,
            None,
            t0()
        )
        .unwrap(),
        LoginOutcome::Success(_)
    ));
    let rows = s.read(|tx| tx.audit_tail(10)).unwrap();
    assert!(rows.iter().any(|r| r.action_code == "admin_recovered"));
}

#[test]
fn a_receipt_carries_an_anchor_that_verify_audit_checks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("receipts.sqlite3");
    let dbs = db.to_str().unwrap();
    db_with_events(&db, 2);
    assert_eq!(
        cli(&["--db", dbs, "demo-data", "--registrations", "2"])
            .status
            .code(),
        Some(0)
    );
    let list = stdout(&cli(&["--db", dbs, "registrations"]));
    let reg_no = list
        .split_whitespace()
        .find(|w| w.starts_with("MQ-"))
        .expect("a registration number")
        .to_owned();
    let pdf = dir.path().join("receipt.pdf");
    let o = cli(&[
        "--db",
        dbs,
        "receipt",
        &reg_no,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = cli(&[
        "verify-audit",
        "--db",
        dbs,
        "--anchor",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("(anchors 1)"), "{}", stdout(&o));
}

#[test]
fn a_dropped_audit_head_is_named_as_the_chain_head() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("head.sqlite3");
    db_with_events(&db, 5);
    {
        let c = Connection::open(&db).unwrap();
        drop_triggers(&c);
        c.execute_batch("DROP TABLE audit_head;").unwrap();
    }
    let o = cli(&["verify-audit", "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stdout(&o).contains("审计链头"), "{}", stdout(&o));
    // Writing anything audited says the same, not a generic SQL error.
    let mut s = Store::open(&db).unwrap();
    let err = s
        .write(|tx| {
            tx.append_audit(
                &NewAuditEvent {
                    actor_id: None,
                    actor: "x".into(),
                    action: counterdesk::domain::clerks::audit::AuditAction::LoginFailed,
                    target: counterdesk::domain::clerks::audit_target::AuditTarget::Nothing,
                    detail: String::new(),
                },
                t0(),
            )
        })
        .unwrap_err();
    assert!(err.to_string().contains("审计链头"), "{err}");
}

#[test]
fn anchors_taken_are_recorded_for_the_reminder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("anchored.sqlite3");
    db_with_events(&db, 3);
    let anchors = |db: &Path| -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM anchors WHERE source = 'file'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(anchors(&db), 0);
    let out = dir.path().join("a.txt");
    let o = cli(&[
        "audit-anchor",
        "--db",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(anchors(&db), 1);
    // The reminder rule: none for one working day is overdue.
    use counterdesk::domain::clerks::anchor::anchor_overdue;
    let last = Store::open(&db)
        .unwrap()
        .read(|tx| tx.last_anchor_at())
        .unwrap();
    assert!(last.is_some());
    assert!(anchor_overdue(None, t0(), 1));
}

#[cfg(unix)]
#[test]
fn a_signing_key_others_can_read_is_refused_with_how_to_fix_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.sqlite3");
    db_with_events(&db, 1);
    let usb = dir.path().join("usb");
    let o = cli(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--out",
        usb.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let key = counterdesk::app::exchange::keys::key_path(&db);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = cli(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--out",
        usb.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("0644") && err.contains("chmod 600"), "{err}");
}

#[test]
fn the_administrator_is_reminded_until_an_anchor_and_a_backup_leave_the_pc() {
    use counterdesk::app::clerks::session_clerk::SessionClerk;
    use counterdesk::app::exchange::dashboard;
    use counterdesk::app::exchange::dashboard::Dashboard;
    use counterdesk::app::exchange::dashboard::Req;
    use counterdesk::app::exchange::dashboard::Resp;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("remind.sqlite3");
    let mut s = Store::open(&db).unwrap();
    counterdesk::app::demo::seed(&mut s, t0()).unwrap();
    let who = |s: &mut Store, name: &str| {
        s.read(|tx| Ok(tx.clerk_by_username(name)?.map(|c| SessionClerk::from(&c))))
            .unwrap()
            .unwrap()
    };
    let admin = who(&mut s, "admin");
    let supervisor = who(&mut s, "zhaomin");
    let load = |s: &mut Store, c: &SessionClerk, at| -> Dashboard {
        match dashboard::handle(Call::new(s, at, c), Req::Load).unwrap() {
            Resp::Loaded(d) => *d,
        }
    };
    let hours = |h| t0() + chrono::Duration::hours(h);
    // Nothing ever left the PC: the administrator (only) is told.
    let d = load(&mut s, &admin, t0());
    assert!(d.anchor_overdue && d.backup_overdue);
    assert_eq!(d.anchor_days, 1, "1 working day by default");
    let d = load(&mut s, &supervisor, t0());
    assert!(!d.anchor_overdue && !d.backup_overdue);
    // An export takes an anchor off the PC, and records it.
    counterdesk::app::exchange::export::export(&mut s, t0(), None, &dir.path().join("usb"))
        .unwrap();
    assert!(!load(&mut s, &admin, hours(2)).anchor_overdue);
    // Friday's anchor is due again after Monday (one working day).
    assert!(!load(&mut s, &admin, hours(72)).anchor_overdue);
    assert!(load(&mut s, &admin, hours(96)).anchor_overdue);
    s.write(|tx| {
        let mut set = tx.settings()?;
        set.anchor_remind_days = 2;
        tx.save_settings(&set)
    })
    .unwrap();
    assert!(!load(&mut s, &admin, hours(96)).anchor_overdue);
    // A printed receipt is an anchor too.
    counterdesk::app::demo::registrations::add(&mut s, t0(), 1).unwrap();
    let reg: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT id FROM registrations LIMIT 1", [], |r| r.get(0))
        .unwrap();
    counterdesk::app::registration::issue_receipt(&mut s, hours(1), None, reg).unwrap();
    let sources: Vec<String> = Connection::open(&db)
        .unwrap()
        .prepare("SELECT source FROM anchors ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sources, ["export", "receipt"]);
    // A backup silences its reminder for a day.
    counterdesk::app::clerks::backup::backup_file(
        &db,
        &dir.path().join("copy.sqlite3"),
        counterdesk::app::clerks::backup::By::CommandLine,
        t0(),
    )
    .unwrap();
    assert!(!load(&mut s, &admin, hours(23)).backup_overdue);
    assert!(load(&mut s, &admin, hours(25)).backup_overdue);
}
