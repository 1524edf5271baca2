//! 数据交换: batches in (all or nothing, skips, cancel and kill), exports out
//! (hashes, signature, marks only after the files are in place), and the
//! dashboard's query plans.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::auth::SessionClerk;
use counterdesk::app::exchange::export::{ExportOptions, export, export_with};
use counterdesk::app::exchange::import::{ImportError, ImportOptions, import_file};
use counterdesk::app::exchange::verify::verify_folder;
use counterdesk::app::exchange::{Progress, demo_batch, keys};
use counterdesk::app::review::{self, Req, Resp, Verdict};
use counterdesk::domain::exchange::manifest::{MANIFEST_FILE, Manifest};
use counterdesk::domain::review::Reason;
use counterdesk::store::Store;
use rusqlite::Connection;

/// Friday 2026-11-20 09:30 CST.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_counterdesk")
}

/// A database with the demo clerks and a few applications of its own.
fn seeded(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("counterdesk.sqlite3");
    let mut store = Store::open(&path).unwrap();
    counterdesk::app::demo::seed(&mut store, t0()).unwrap();
    (path, store)
}

fn clerk(store: &mut Store, user: &str) -> SessionClerk {
    store
        .read(|tx| Ok(tx.clerk_by_username(user)?.map(|c| SessionClerk::from(&c))))
        .unwrap()
        .unwrap()
}

fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Everything that an import may touch, as one comparable value.
fn fingerprint(path: &Path) -> (i64, i64, i64, i64, String) {
    let c = Connection::open(path).unwrap();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    (
        n("SELECT COUNT(*) FROM applications"),
        n("SELECT COUNT(*) FROM blobs"),
        n("SELECT COALESCE(SUM(n), 0) FROM queue_counts"),
        n("SELECT COUNT(*) FROM imports"),
        integrity,
    )
}

/// One 100 000-line demo batch for the tests that need a big one.
fn big_batch() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, p) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("batch.jsonl");
        demo_batch::write_batch(&p, 100_000, 7, t0()).unwrap();
        (dir, p)
    });
    p
}

fn decide_some(store: &mut Store, n: usize) -> usize {
    let sup = clerk(store, "zhaomin");
    let mut done = 0;
    for i in 0..n {
        let Resp::Claimed(Some(item)) =
            review::handle(store, t0(), &sup, Req::ClaimNext { kind: None }).unwrap()
        else {
            break;
        };
        let Some(ticket) = item.ticket else { continue };
        let mut reasons = item.pre_checks.preselected.clone();
        if reasons.is_empty() && i % 3 == 0 {
            reasons.push(Reason::PhotoGlare);
        }
        let verdict = if reasons.is_empty() {
            Verdict::Approve
        } else {
            Verdict::Reject {
                reasons,
                free_text: String::new(),
            }
        };
        review::handle(
            store,
            t0(),
            &sup,
            Req::Decide {
                ticket,
                verdict,
                then_next: false,
            },
        )
        .unwrap();
        done += 1;
    }
    done
}

#[test]
fn round_trip_import_decide_export_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let batch = dir.path().join("in/batch.jsonl");
    demo_batch::write_batch(&batch, 500, 1, t0()).unwrap();
    counterdesk::app::demo_queue::generate(&mut store, 40, 8, t0()).unwrap();
    let s = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
    // The demo photos are already stored; a number the generator also used is skipped.
    assert_eq!((s.imported + s.skipped, s.photos), (500, 0));
    // The per-filter counts agree with the rows, and the count trigger is back.
    let drift = count(
        &path,
        "SELECT COUNT(*) FROM (SELECT kind, status, due_day, COUNT(*) AS n FROM applications \
         GROUP BY 1, 2, 3) a FULL JOIN (SELECT * FROM queue_counts WHERE n <> 0) q \
         USING (kind, status, due_day) WHERE a.n IS NOT q.n",
    );
    assert_eq!(drift, 0);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'applications_count_insert'"
        ),
        1
    );
    // The intake photo check ran on imported photos.
    assert!(
        count(
            &path,
            "SELECT COUNT(*) FROM applications WHERE photo_verdict IS NOT NULL"
        ) > 400
    );
    let decided = decide_some(&mut store, 30);
    assert_eq!(decided, 30);

    let usb = dir.path().join("usb");
    let e = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!(e.decisions, 30);
    assert_eq!(e.notices, 60, "an SMS and an in-app notice per decision");
    assert!(e.audit > 30);
    let r = verify_folder(&e.folder, Some(&e.public_key));
    assert!(r.intact, "{:#?}", r.lines);
    let m = r.manifest.unwrap();
    assert_eq!(m.count("decisions"), 30);
    // The manifest carries the chain head: verify-audit --anchor finds it.
    let anchor = m.audit_anchor.clone().unwrap();
    assert!(anchor.starts_with("CDANCHOR1 seq="));
    let out = Command::new(bin())
        .args(["--db"])
        .arg(&path)
        .arg("verify-audit")
        .arg("--anchor")
        .arg(&e.folder)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The CLI agrees.
    let out = Command::new(bin())
        .arg("verify-export")
        .arg(&usb)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The key lives beside the database, not in it, owner-only.
    assert!(keys::key_path(&path).exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keys::key_path(&path))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0);
    }

    // Nothing new: the next export carries no decisions, only its own audit row.
    let e2 = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!((e2.decisions, e2.notices), (0, 0));
    assert_eq!(e2.audit, 1, "the first export's own audit row");
    let more = decide_some(&mut store, 5);
    let e3 = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!(e3.decisions as usize, more);
}

#[test]
fn re_import_skips_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let batch = dir.path().join("batch.jsonl");
    demo_batch::write_batch(&batch, 300, 2, t0()).unwrap();
    let p = Progress::new();
    let o = ImportOptions::default();
    let first = import_file(&mut store, t0(), None, &batch, &p, &o).unwrap();
    let before = fingerprint(&path);
    let again = import_file(&mut store, t0(), None, &batch, &p, &o).unwrap();
    assert_eq!((first.imported, first.skipped), (300, 0));
    assert_eq!((again.imported, again.skipped, again.photos), (0, 300, 0));
    let after = fingerprint(&path);
    assert_eq!(before.0, after.0);
    assert_eq!(after.3, 2, "both imports are logged");
}

#[test]
fn a_malformed_line_in_the_middle_of_100_000_rejects_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let text = std::fs::read_to_string(big_batch()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 100_000);
    lines[49_999] = r#"{"app_no": "SL1", "kind": "new", "#; // line 50 000: cut off
    let bad = lines[60_000].replace("\"kind\":\"new\"", "\"kind\":\"visa\"");
    let bad = if bad == lines[60_000] {
        lines[60_000].replace("\"kind\":\"photo\"", "\"kind\":\"visa\"")
    } else {
        bad
    };
    lines[60_000] = &bad;
    let batch = big_batch().with_file_name("broken.jsonl");
    std::fs::write(&batch, lines.join("\n")).unwrap();
    let before = fingerprint(&path);
    let err = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let ImportError::Rejected(r) = err else {
        panic!("expected a rejection, got {err:?}")
    };
    assert_eq!(r.lines, 100_000);
    assert_eq!(r.problems.shown[0].line, 50_000, "{:?}", r.problems.shown);
    assert!(r.problems.shown[0].message.contains("JSON"));
    if bad != text.lines().nth(60_000).unwrap_or_default() {
        assert!(r.problems.shown.iter().any(|p| p.line == 60_001));
    }
    let after = fingerprint(&path);
    assert_eq!(before.0, after.0, "no application was written");
    assert_eq!(after.4, "ok");
    // The refusal is audited.
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'batch_rejected'"
        ),
        1
    );
}

#[test]
fn a_failure_between_chunks_or_a_cancel_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let batch = dir.path().join("batch.jsonl");
    demo_batch::write_batch(&batch, 9_000, 3, t0()).unwrap();
    let before = fingerprint(&path);
    let err = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions {
            fail_after_chunks: Some(3),
        },
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Store(_)), "{err:?}");
    assert_eq!(fingerprint(&path), before);
    let p = Progress::new();
    p.cancel();
    let err = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &p,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Cancelled), "{err:?}");
    assert_eq!(fingerprint(&path), before);
    // And it still imports afterwards.
    let s = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(s.imported, 9_000);
}

#[test]
fn an_import_killed_part_way_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = seeded(dir.path());
    drop(store);
    let before = fingerprint(&path);
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(&path)
        .arg("import")
        .arg(big_batch())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut writing = false;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains("写入") && !line.contains("100000/100000") {
            writing = true;
            break;
        }
    }
    assert!(writing, "the import reached the writing phase");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed before it finished");
    let after = fingerprint(&path);
    assert_eq!(after, before);
    assert_eq!(after.4, "ok");
}

#[test]
fn tampering_fails_verify_export_and_a_failed_export_is_exported_again() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = seeded(dir.path());
    let batch = dir.path().join("batch.jsonl");
    demo_batch::write_batch(&batch, 100, 4, t0()).unwrap();
    import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
    let decided = decide_some(&mut store, 6) as u64;
    let usb = dir.path().join("usb");
    // A crash after the folder is written but before marking: the retry takes the same rows.
    let opts = ExportOptions {
        fail_before_marking: true,
    };
    assert!(export_with(&mut store, t0(), None, &usb, &opts).is_err());
    let e = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!(e.decisions, decided);
    assert!(verify_folder(&e.folder, None).intact);

    // One changed byte in a data file.
    let f = e.folder.join("decisions.jsonl");
    let mut bytes = std::fs::read(&f).unwrap();
    let i = bytes.iter().position(|&b| b == b'a').unwrap();
    bytes[i] = b'b';
    std::fs::write(&f, &bytes).unwrap();
    let r = verify_folder(&e.folder, None);
    assert!(!r.intact);
    assert!(
        r.lines.iter().any(|l| l.contains("decisions.jsonl")),
        "{:?}",
        r.lines
    );
    let out = Command::new(bin())
        .arg("verify-export")
        .arg(&e.folder)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // A manifest edited to match the tampered file: the signature catches it.
    let mp = e.folder.join(MANIFEST_FILE);
    let mut m = Manifest::parse(&std::fs::read(&mp).unwrap()).unwrap();
    m.files[0].sha256 = counterdesk::domain::exchange::batch::sha256_hex(&bytes);
    std::fs::write(&mp, m.to_bytes()).unwrap();
    let r = verify_folder(&e.folder, None);
    assert!(!r.intact);
    assert!(
        r.lines.iter().any(|l| l.contains("签名无效")),
        "{:?}",
        r.lines
    );

    // Another workstation's key, when the receiver says which key to expect.
    let other = export(&mut store, t0(), None, &dir.path().join("usb2")).unwrap();
    let r = verify_folder(&other.folder, Some(&"00".repeat(32)));
    assert!(!r.intact);
}

#[test]
fn missing_and_mismatched_photos_are_named_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let batch = dir.path().join("batch.jsonl");
    demo_batch::write_batch(&batch, 50, 5, t0()).unwrap();
    // Remove one photo file and corrupt another (not the one line 1 embeds).
    let text = std::fs::read_to_string(&batch).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let embedded = first["photo"]["sha256"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut jpgs: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .filter(|p| !p.to_string_lossy().contains(&embedded))
        .filter(|p| {
            let sha = p.file_stem().unwrap().to_string_lossy().into_owned();
            text.lines().skip(1).any(|l| l.contains(&sha))
        })
        .collect();
    jpgs.sort();
    assert!(jpgs.len() >= 2);
    std::fs::remove_file(&jpgs[0]).unwrap();
    std::fs::write(&jpgs[1], b"\xFF\xD8\xFF not the photo").unwrap();
    let before = fingerprint(&path);
    let err = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let ImportError::Rejected(r) = err else {
        panic!("{err:?}")
    };
    let text: Vec<String> = r.problems.shown.iter().map(|p| p.message.clone()).collect();
    assert!(
        text.iter().any(|m| m.contains("不在批次文件旁")),
        "{text:?}"
    );
    assert!(text.iter().any(|m| m.contains("不符")), "{text:?}");
    assert!(r.problems.shown.iter().all(|p| p.line >= 1 && p.line <= 50));
    assert_eq!(fingerprint(&path).0, before.0);
}

#[test]
fn dashboard_statements_use_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    counterdesk::app::demo_queue::generate(&mut store, 2_000, 9, t0()).unwrap();
    for analyse in [false, true] {
        if analyse {
            Connection::open(&path)
                .unwrap()
                .execute_batch("ANALYZE")
                .unwrap();
        }
        let plans = store.read(|tx| tx.explain_dashboard()).unwrap();
        for (name, lines) in &plans {
            if std::env::var_os("SHOW_PLANS").is_some() {
                eprintln!("{name}: {lines:?}");
            }
            for l in lines {
                assert!(
                    !(l.starts_with("SCAN applications")
                        || l.starts_with("SCAN decisions")
                        || l.starts_with("SCAN d")),
                    "{name} scans a table: {lines:?}"
                );
            }
        }
    }
}
