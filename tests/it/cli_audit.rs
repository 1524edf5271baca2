//! `counterdesk verify-audit` at the binary level.

use std::process::Command;

use chrono::{TimeZone, Utc};
use counterdesk::store::Store;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_counterdesk"))
}

fn seeded(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("cli.sqlite3");
    let mut s = Store::open(&path).unwrap();
    counterdesk::app::demo::seed(
        &mut s,
        Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap(),
    )
    .unwrap();
    path
}

#[test]
fn intact_chain_prints_ok_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    let out = bin()
        .args(["verify-audit", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // First admin created + its sign-in + two demo accounts.
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().next(), Some("OK 4"), "{text}");
}

#[test]
fn broken_chain_names_the_row_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded(dir.path());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 3;",
        )
        .unwrap();
    }
    let out = bin()
        .args(["verify-audit", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("BROKEN row 3"), "{stdout}");
}

#[test]
fn verify_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.sqlite3");
    let out = bin()
        .args(["verify-audit", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!path.exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.sqlite3"));
}

#[test]
fn usage_errors_exit_2() {
    let out = bin().arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
