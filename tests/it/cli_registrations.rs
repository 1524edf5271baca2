//! `demo-data --registrations`, `registrations` and `receipt` at the binary level.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_counterdesk"))
}

fn run(args: &[&str], db: &std::path::Path) -> (i32, String, String) {
    let out = bin().args(args).arg("--db").arg(db).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn demo_data_list_search_and_reprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    let (code, out, err) = run(&["demo-data", "--registrations", "120"], &db);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("120"), "{out}");

    let (code, out, err) = run(&["registrations", "--json"], &db);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 50, "one page");
    assert!(rows.iter().any(|r| r["kind"] == "company"));
    assert!(rows.iter().any(|r| r["status"] == "pending_countersign"));
    for r in &rows {
        let doc = r["doc_number"].as_str().unwrap();
        if r["kind"] == "person" {
            assert!(doc.contains("********"), "masked: {doc}");
        }
    }

    let number = rows[0]["number"].as_str().unwrap().to_owned();
    let (code, out, _) = run(&["registrations", "--json", "--search", &number], &db);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);

    let (code, out, _) = run(&["registrations", "--search", "王"], &db);
    assert_eq!(code, 0);
    let names: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        !names.is_empty() && names.iter().all(|l| l.contains("\t王")),
        "{out}"
    );

    let pdf = dir.path().join("receipt.pdf");
    let out = bin()
        .args(["receipt", &number, "--out"])
        .arg(&pdf)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = pdf_extract::extract_text(&pdf).unwrap();
    assert!(text.contains(&number), "{text}");

    let (code, _, err) = run(&["receipt", "MQ-20000101-0001", "--out", "/dev/null"], &db);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn demo_data_needs_an_explicit_database() {
    let out = bin()
        .args(["demo-data", "--registrations", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
