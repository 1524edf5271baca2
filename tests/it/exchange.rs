//! 数据交换: batches in (all or nothing, skips, cancel and kill), exports out
//! (hashes, signature, marks only after the files are in place), and the
//! dashboard's query plans.

use counterdesk::app::runtime::call::Call;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::exchange::Progress;
use counterdesk::app::exchange::demo_batch;
use counterdesk::app::exchange::export::ExportOptions;
use counterdesk::app::exchange::export::Settled;
use counterdesk::app::exchange::export::export;
use counterdesk::app::exchange::export::export_with;
use counterdesk::app::exchange::import::ImportError;
use counterdesk::app::exchange::import::ImportOptions;
use counterdesk::app::exchange::import::import_file;
use counterdesk::app::exchange::keys;
use counterdesk::app::exchange::verify::verify_folder;
use counterdesk::app::review;
use counterdesk::app::review::Decision;
use counterdesk::app::review::Req;
use counterdesk::app::review::Resp;
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
            review::handle(Call::new(store, t0(), &sup), Req::ClaimNext { kind: None }).unwrap()
        else {
            break;
        };
        let Some(ticket) = item.ticket else { continue };
        let mut reasons = item.pre_checks.preselected.clone();
        if reasons.is_empty() && i % 3 == 0 {
            reasons.push(Reason::PhotoGlare);
        }
        let verdict = if reasons.is_empty() {
            Decision::Approve
        } else {
            Decision::Reject {
                reasons,
                free_text: String::new(),
            }
        };
        review::handle(
            Call::new(store, t0(), &sup),
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
    counterdesk::app::demo::queue::generate(&mut store, 40, 8, t0()).unwrap();
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
            ..ImportOptions::default()
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
        crash_after: Some(counterdesk::app::exchange::export::Step::Rename),
    };
    assert!(export_with(&mut store, t0(), None, &usb, &opts).is_err());
    // The next export finds that folder in place and intact, and confirms it
    // instead of exporting the same rows again.
    let next = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!(next.decisions, 0);
    let [Settled::Confirmed(first)] = &next.settled[..] else {
        panic!("{:?}", next.settled)
    };
    let r = verify_folder(first, None);
    assert!(r.intact);
    assert_eq!(r.manifest.as_ref().unwrap().count("decisions"), decided);
    let e = counterdesk::app::exchange::ExportSummary {
        folder: first.clone(),
        ..next
    };

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
    m.files[0].sha256 = counterdesk::domain::digest::sha256_hex(&bytes);
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
    counterdesk::app::demo::queue::generate(&mut store, 2_000, 9, t0()).unwrap();
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

// ---- Issue 20: strict, bounded imports -----------------------------------

/// Runs the CLI and waits at most `secs` (a hang is a failure, not a wait).
/// Returns the exit code, stdout, stderr and the peak resident memory in
/// KiB (0 when it cannot be measured). The peak is taken by `/usr/bin/time`:
/// a child's own `ru_maxrss` would include the test process's peak, which
/// Linux carries over into a child at `exec`.
fn run_bounded(args: &[&std::ffi::OsStr], secs: u64) -> (Option<i32>, String, String, u64) {
    let timer = Path::new("/usr/bin/time");
    let mut cmd = if timer.exists() {
        let mut c = Command::new(timer);
        c.args(["-f", "maxrss-kib %M"]).arg(bin());
        c
    } else {
        Command::new(bin())
    };
    let mut child = cmd
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed().as_secs() > secs {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("{args:?} did not finish within {secs} s (hangs)");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stderr = t_err.join().unwrap();
    let mut rss = 0;
    let mut code = status.code();
    let mut kept = Vec::new();
    for l in stderr.lines() {
        if let Some(n) = l.strip_prefix("maxrss-kib ") {
            rss = n.trim().parse().unwrap_or(0);
        } else if let Some(c) = l.strip_prefix("Command exited with non-zero status ") {
            code = c.trim().parse().ok();
        } else {
            kept.push(l);
        }
    }
    (code, t_out.join().unwrap(), kept.join("\n"), rss)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[cfg(unix)]
#[test]
fn f1_a_fifo_or_device_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = seeded(dir.path());
    drop(store);
    let fifo = dir.path().join("batch.jsonl");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for target in [fifo.as_os_str(), os("/dev/zero")] {
        let (code, out, err, _) =
            run_bounded(&[os("--db"), path.as_os_str(), os("import"), target], 60);
        assert_eq!(code, Some(2), "{out}{err}");
        assert!(err.contains("不是普通文件"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn f2_an_endless_line_is_named_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = seeded(dir.path());
    drop(store);
    let before = fingerprint(&path);
    // 64 MiB without a newline, then a second line: the first is cut at the
    // cap and skipped without being held.
    let batch = dir.path().join("endless.jsonl");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&batch).unwrap());
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..64 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\n{}\n").unwrap();
    }
    let (code, out, err, rss_kib) = run_bounded(
        &[
            os("--db"),
            path.as_os_str(),
            os("import"),
            batch.as_os_str(),
        ],
        300,
    );
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("第 1 行：该行过长"), "{out}");
    assert!(out.contains("第 2 行"), "{out}");
    if rss_kib == 0 {
        eprintln!("peak memory not measured: /usr/bin/time is missing");
    }
    assert!(
        rss_kib <= 300 * 1024,
        "peak RSS {} MiB > 300 MiB",
        rss_kib / 1024
    );
    assert_eq!(fingerprint(&path).0, before.0);
}

/// A valid batch of `n` lines and its lines as JSON values, to break.
fn small_batch(dir: &Path, n: u64, seed: u64) -> (PathBuf, Vec<serde_json::Value>) {
    let batch = dir.join("in/batch.jsonl");
    demo_batch::write_batch(&batch, n, seed, t0()).unwrap();
    let lines = std::fs::read_to_string(&batch)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (batch, lines)
}

fn write_lines(path: &Path, lines: &[serde_json::Value]) {
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(path, text.join("\n") + "\n").unwrap();
}

fn rejected(store: &mut Store, batch: &Path) -> Vec<(u64, String)> {
    match import_file(
        store,
        t0(),
        None,
        batch,
        &Progress::new(),
        &ImportOptions::default(),
    ) {
        Err(ImportError::Rejected(r)) => r
            .problems
            .shown
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect(),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn has(problems: &[(u64, String)], line: u64, text: &str) -> bool {
    problems.iter().any(|(l, m)| *l == line && m.contains(text))
}

#[test]
fn f3_f4_f5_text_dates_lists_and_unknown_fields_name_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let (batch, mut lines) = small_batch(dir.path(), 12, 21);
    // Lines with a licence are all kinds here; break one field each.
    lines[1]["submitted_at"] = "9999-12-31T00:00:00Z".into();
    lines[2]["submitted_at"] = "0000-01-01T00:00:00Z".into();
    lines[3]["licence"]["status"] = "QZ".into();
    let from = lines[4]["licence"]["valid_from"].take();
    lines[4]["licence"]["valid_fro"] = from;
    lines[4]["licence"]
        .as_object_mut()
        .unwrap()
        .remove("valid_from");
    lines[5]["name"] = "王\u{0}伟".into();
    lines[6]["name"] = "李\u{202E}四".into();
    lines[7]["name"] = "张".repeat(1_000_000).into();
    lines[8]["app_no"] = lines[8]["app_no"].as_str().unwrap().to_lowercase().into();
    lines[9]["licence"]["valid_from"] = "1900-01-01".into();
    lines[10]["licence"]["classes"] = "C9".into();
    lines[11]["batch_version"] = 2.into();
    write_lines(&batch, &lines);
    let before = fingerprint(&path);
    let p = rejected(&mut store, &batch);
    assert!(has(&p, 2, "提交时间 9999-12-31"), "{p:?}");
    assert!(has(&p, 3, "提交时间"), "{p:?}");
    assert!(has(&p, 4, "驾驶证状态“QZ”"), "{p:?}");
    assert!(has(&p, 5, "未知字段 licence.valid_fro"), "{p:?}");
    assert!(has(&p, 6, "U+0000"), "{p:?}");
    assert!(has(&p, 7, "U+202E"), "{p:?}");
    assert!(has(&p, 8, "超过上限 50"), "{p:?}");
    assert!(has(&p, 9, "小写"), "{p:?}");
    assert!(has(&p, 10, "驾驶证有效期起 1900-01-01"), "{p:?}");
    assert!(has(&p, 11, "准驾车型"), "{p:?}");
    assert!(has(&p, 12, "批次格式版本 2"), "{p:?}");
    assert!(!p.iter().any(|(l, _)| *l == 1), "line 1 is fine: {p:?}");
    assert_eq!(fingerprint(&path).0, before.0);
}

#[test]
fn f3_a_long_term_licence_imports_and_shows_as_long_term() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let (batch, mut lines) = small_batch(dir.path(), 3, 22);
    lines[0]["licence"]["valid_until"] = "长期".into();
    write_lines(&batch, &lines);
    let s = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(s.imported, 3);
    let app_no = lines[0]["app_no"].as_str().unwrap().to_owned();
    let stored: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT valid_until FROM applications WHERE app_no = ?1",
            [&app_no],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "长期");
}

/// A JPEG that starts right and is broken after its header.
fn corrupt_jpeg() -> Vec<u8> {
    let good = counterdesk::app::demo::queue::demo_photos()
        .next()
        .unwrap()
        .1
        .to_vec();
    let mut bad = good[..good.len().min(700)].to_vec();
    bad.extend(std::iter::repeat_n(0x55, 4000));
    bad
}

#[test]
fn f6_a_corrupt_previous_photo_is_refused_at_its_line_and_each_photo_is_decoded_once() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let (batch, mut lines) = small_batch(dir.path(), 6, 23);
    let bad = corrupt_jpeg();
    let sha = counterdesk::domain::digest::sha256_hex(&bad);
    lines[3]["previous_photo"] = serde_json::json!({
        "sha256": sha,
        "base64": base64::engine::general_purpose::STANDARD.encode(&bad),
    });
    // The same bad photo, by hash only, on another line: named there too.
    lines[5]["previous_photo"] = serde_json::json!({ "sha256": sha });
    write_lines(&batch, &lines);
    let before = fingerprint(&path);
    let p = rejected(&mut store, &batch);
    assert!(has(&p, 4, "无法使用"), "{p:?}");
    assert!(has(&p, 6, "无法使用"), "{p:?}");
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(fingerprint(&path).0, before.0);
}

#[cfg(unix)]
#[test]
fn files_beside_the_batch_never_lead_out_of_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let (batch, mut lines) = small_batch(dir.path(), 4, 24);
    // Every photo comes from beside the batch (line 1 embeds none here).
    lines[0]["photo"].as_object_mut().unwrap().remove("base64");
    write_lines(&batch, &lines);
    // Replace a photo file beside the batch by a link to a copy outside it.
    let sha = lines[2]["photo"]["sha256"].as_str().unwrap().to_owned();
    let inside = batch.parent().unwrap().join(format!("{sha}.jpg"));
    let outside = dir.path().join("elsewhere.jpg");
    std::fs::rename(&inside, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &inside).unwrap();
    let before = fingerprint(&path);
    let p = rejected(&mut store, &batch);
    assert!(p.iter().any(|(_, m)| m.contains("批次文件夹以外")), "{p:?}");
    assert_eq!(fingerprint(&path).0, before.0);
    // A link that stays inside the folder is followed.
    std::fs::remove_file(&inside).unwrap();
    let kept = batch.parent().unwrap().join("photos/keep.jpg");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::rename(&outside, &kept).unwrap();
    std::os::unix::fs::symlink(&kept, &inside).unwrap();
    import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
}

#[test]
fn a_panic_in_the_photo_thread_is_an_error_not_a_silent_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let (batch, _) = small_batch(dir.path(), 5, 25);
    // Photos the database already has are checked too (intake verdicts).
    let before = fingerprint(&path);
    let err = import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions {
            panic_in_photo_check: true,
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::PhotoThread), "{err:?}");
    assert!(err.to_string().contains("照片检测线程意外中止"));
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn command_line_changes_name_the_os_account_and_a_refusal_says_it_was_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = seeded(dir.path());
    drop(store);
    let (batch, mut lines) = small_batch(dir.path(), 3, 26);
    let ok = Command::new(bin())
        .arg("--db")
        .arg(&path)
        .arg("import")
        .arg(&batch)
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    lines[0]["kind"] = "visa".into();
    write_lines(&batch, &lines);
    let bad = Command::new(bin())
        .arg("--db")
        .arg(&path)
        .arg("import")
        .arg(&batch)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(!text.contains("数据库未作任何修改"), "{text}");
    assert!(
        text.contains("申请数据未作任何修改；本次尝试已记入审计日志"),
        "{text}"
    );
    let c = Connection::open(&path).unwrap();
    let actors: Vec<String> = c
        .prepare(
            "SELECT actor FROM audit_log WHERE action IN ('batch_imported', 'batch_rejected') \
             ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actors.len(), 2);
    for a in actors {
        assert!(a.starts_with("命令行 ") && a.contains('@'), "{a}");
    }
}

#[test]
fn every_command_line_change_names_the_os_account_and_host() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = with_decisions(dir.path(), 1);
    drop(store);
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(bin())
            .arg("--db")
            .arg(&path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {o:?}");
    };
    let usb = dir.path().join("usb");
    run(&["export", "--out", usb.to_str().unwrap()], "");
    run(&["demo-data", "--applications", "3"], "");
    run(&["reset-admin"], "Fresh2027a\nFresh2027a\n");
    let c = Connection::open(&path).unwrap();
    for action in ["data_exported", "demo_data_added", "admin_recovered"] {
        let actor: String = c
            .query_row(
                "SELECT actor FROM audit_log WHERE action = ?1 ORDER BY seq DESC LIMIT 1",
                [action],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{action} not audited: {e}"));
        let who = actor.strip_prefix("命令行 ").unwrap_or("");
        let (user, host) = who.split_once('@').unwrap_or(("", ""));
        assert!(
            !user.is_empty() && !host.is_empty(),
            "{action}: actor {actor:?} names no OS account and host"
        );
    }
    // The window's requests say who they are; a counter clerk may not even
    // read (or create) the signing key.
    let mut store = Store::open(&path).unwrap();
    std::fs::remove_file(keys::key_path(&path)).unwrap();
    let counter = clerk(&mut store, "wangli");
    let refused = counterdesk::app::exchange::handle(
        Call::new(&mut store, t0(), &counter),
        counterdesk::app::exchange::Req::PublicKey,
    );
    assert!(
        matches!(
            refused,
            Err(counterdesk::app::runtime::error::AppError::Rejected(_))
        ),
        "{refused:?}"
    );
    assert!(
        !keys::key_path(&path).exists(),
        "a refused request made a key"
    );
    let sup = clerk(&mut store, "zhaomin");
    assert!(
        counterdesk::app::exchange::handle(
            Call::new(&mut store, t0(), &sup),
            counterdesk::app::exchange::Req::PublicKey
        )
        .is_ok()
    );
}

#[test]
fn f2_a_batch_over_the_application_cap_is_refused_at_the_line() {
    use counterdesk::domain::exchange::limits::MAX_BATCH_LINES;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = seeded(dir.path());
    let batch = dir.path().join("many.jsonl");
    // Lines that are not applications still count; the cap is met first.
    std::fs::write(&batch, "{}\n".repeat(MAX_BATCH_LINES as usize + 5)).unwrap();
    let before = fingerprint(&path);
    let p = rejected(&mut store, &batch);
    let over = MAX_BATCH_LINES + 1;
    assert!(has(&p, over, "件申请的上限"), "{:?}", p.last());
    assert_eq!(fingerprint(&path).0, before.0);
}

// ---- Issue 20: exports exactly once, nothing stale verifies --------------

/// A database with `n` decisions to export.
fn with_decisions(dir: &Path, n: usize) -> (PathBuf, Store) {
    let (path, mut store) = seeded(dir);
    let (batch, _) = small_batch(dir, 40, 31);
    import_file(
        &mut store,
        t0(),
        None,
        &batch,
        &Progress::new(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(decide_some(&mut store, n), n);
    (path, store)
}

fn verify_cli(dir: &Path) -> (Option<i32>, String) {
    let o = Command::new(bin())
        .arg("verify-export")
        .arg(dir)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn f7_an_extra_or_missing_file_fails_verification_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = with_decisions(dir.path(), 3);
    let usb = dir.path().join("usb");
    let e = export(&mut store, t0(), None, &usb).unwrap();
    assert!(verify_folder(&e.folder, None).intact);
    std::fs::write(e.folder.join("extra.jsonl"), b"{}\n").unwrap();
    let r = verify_folder(&e.folder, None);
    assert!(!r.intact);
    assert!(
        r.lines.iter().any(|l| l.contains("extra.jsonl 不在清单中")),
        "{:?}",
        r.lines
    );
    std::fs::remove_file(e.folder.join("extra.jsonl")).unwrap();
    std::fs::remove_file(e.folder.join("notices.jsonl")).unwrap();
    let r = verify_folder(&e.folder, None);
    assert!(
        r.lines.iter().any(|l| l.contains("notices.jsonl")),
        "{:?}",
        r.lines
    );
    assert!(!r.intact);
}

#[test]
fn f8_verification_walks_the_whole_tree_and_fails_on_any_bad_export() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = with_decisions(dir.path(), 3);
    let usb = dir.path().join("usb");
    let deep = usb.join("2026/11");
    let a = export(&mut store, t0(), None, &deep).unwrap();
    let b = export(&mut store, t0(), None, &usb).unwrap();
    assert_eq!(verify_cli(&usb).0, Some(0));
    // A damaged export two levels down fails the whole tree.
    std::fs::write(a.folder.join("decisions.jsonl"), b"{}\n").unwrap();
    let (code, out) = verify_cli(&usb);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("BROKEN {}", a.folder.display())),
        "{out}"
    );
    assert!(out.contains(&format!("OK {}", b.folder.display())), "{out}");
    // Something that looks like an export but has no manifest fails too.
    std::fs::remove_dir_all(&a.folder).unwrap();
    let fake = deep.join("counterdesk-export-20261120-000000");
    std::fs::create_dir_all(&fake).unwrap();
    let (code, out) = verify_cli(&usb);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("没有清单"), "{out}");
    std::fs::remove_dir_all(&fake).unwrap();
    let loose = deep.join("misc");
    std::fs::create_dir_all(&loose).unwrap();
    std::fs::write(loose.join("decisions.jsonl"), b"").unwrap();
    assert_eq!(verify_cli(&usb).0, Some(1));
    // A tree with no export at all.
    let empty = dir.path().join("empty/a/b");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, out) = verify_cli(&dir.path().join("empty"));
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("没有任何导出"), "{out}");
}

/// Every decision id in every intact export under `usb`, with repeats.
fn exported_decision_ids(usb: &Path) -> Vec<i64> {
    exported_keys(usb, "decisions.jsonl", "id")
}

/// The row key `key` of every row of `file` in every intact export under
/// `usb`, sorted, with repeats (a row exported twice shows twice).
fn exported_keys(usb: &Path, file: &str, key: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for f in counterdesk::app::exchange::verify::find_exports(usb).unwrap() {
        let r = verify_folder(&f, None);
        assert!(r.intact, "{}: {:?}", f.display(), r.lines);
        let text = std::fs::read_to_string(f.join(file)).unwrap();
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            ids.push(v[key].as_i64().unwrap());
        }
    }
    ids.sort();
    ids
}

/// Every row of every stream exported exactly once: no key twice, no gap
/// below the highest key exported (nothing lost on the way), and every
/// registration of `db` carried (each at its newest change per export).
fn assert_each_row_once(usb: &Path, db: &Path, what: &str) {
    for (file, key) in [
        ("decisions.jsonl", "id"),
        ("registrations.jsonl", "change"),
        ("audit.jsonl", "seq"),
        ("notices.jsonl", "id"),
    ] {
        let ids = exported_keys(usb, file, key);
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "{what}: a row of {file} was exported twice");
        if file == "registrations.jsonl" {
            continue;
        }
        let last = ids.last().copied().unwrap_or(0);
        assert_eq!(
            ids,
            (1..=last).collect::<Vec<_>>(),
            "{what}: a row of {file} was lost"
        );
    }
    let mut regs = std::collections::BTreeSet::new();
    for f in counterdesk::app::exchange::verify::find_exports(usb).unwrap() {
        let text = std::fs::read_to_string(f.join("registrations.jsonl")).unwrap();
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            regs.insert(v["reg_no"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        regs.len() as i64,
        count(db, "SELECT COUNT(*) FROM registrations"),
        "{what}: a registration was lost"
    );
}

#[test]
fn f9_f10_a_crash_at_each_export_step_doubles_nothing_and_loses_nothing() {
    use counterdesk::app::exchange::export::Step;
    for step in Step::ALL {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut store) = with_decisions(dir.path(), 5);
        // Registrations (and their changes) travel in every stream too.
        counterdesk::app::demo::registrations::add(&mut store, t0(), 2).unwrap();
        let usb = dir.path().join("usb");
        let opts = ExportOptions {
            crash_after: Some(step),
        };
        let crashed = export_with(&mut store, t0(), None, &usb, &opts);
        assert!(crashed.is_err(), "{step:?}");
        // Whatever the crash left, nothing unfinished verifies.
        let leftovers: Vec<PathBuf> = std::fs::read_dir(&usb)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        for p in &leftovers {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".partial") {
                let r = verify_folder(p, None);
                assert!(!r.intact, "{step:?}: a partial verified");
                let (code, _) = verify_cli(&usb);
                assert_eq!(code, Some(1), "{step:?}: the tree holds a partial");
                // Renamed to look finished, it fails by the name its
                // manifest signed (once the manifest is written).
                if step == Step::Manifest {
                    let renamed = usb.join("counterdesk-export-renamed");
                    std::fs::rename(p, &renamed).unwrap();
                    let r = verify_folder(&renamed, None);
                    assert!(!r.intact, "a renamed partial verified");
                    assert!(
                        r.lines.iter().any(|l| l.contains("与清单签名的名称")),
                        "{:?}",
                        r.lines
                    );
                    std::fs::rename(&renamed, p).unwrap();
                }
            }
        }
        // check-db names the partial a crash left.
        if leftovers
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".partial"))
        {
            let o = Command::new(bin())
                .arg("--db")
                .arg(&path)
                .arg("check-db")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains(".partial"), "{step:?}: {text}");
        }
        // The next export settles it: 0 doubled, 0 lost, in every stream.
        let more = decide_some(&mut store, 2);
        counterdesk::app::demo::registrations::add(&mut store, t0(), 1).unwrap();
        let next = export(&mut store, t0(), None, &usb).unwrap();
        let ids = exported_decision_ids(&usb);
        assert_eq!(ids.len(), 5 + more, "{step:?}: a decision was lost");
        assert_each_row_once(&usb, &path, &format!("{step:?}"));
        assert!(
            !std::fs::read_dir(&usb).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")),
            "{step:?}: a partial was left"
        );
        // The claim is recorded before the folder exists; files and
        // manifest crashes leave a partial, removed and named.
        let partials = usize::from(matches!(step, Step::Files | Step::Manifest));
        assert_eq!(next.removed_partials.len(), partials, "{step:?}");
        if matches!(step, Step::Claim | Step::Files | Step::Manifest) {
            assert!(matches!(next.settled[..], [Settled::Redone(_)]), "{step:?}");
        }
        if step == Step::Rename {
            assert!(
                matches!(next.settled[..], [Settled::Confirmed(_)]),
                "{step:?}"
            );
        }
        // Every export carries its id; a redone one keeps the crashed one's.
        let queued = count(
            &path,
            "SELECT COUNT(*) FROM export_pending WHERE export_run IS NOT NULL",
        );
        assert_eq!(queued, 0, "{step:?}");
    }
}

#[test]
fn f9_a_partial_on_a_stick_unplugged_before_the_redo_is_removed_when_it_is_back() {
    use counterdesk::app::exchange::export::Step;
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = with_decisions(dir.path(), 4);
    let stick = dir.path().join("stick");
    let crashed = export_with(
        &mut store,
        t0(),
        None,
        &stick,
        &ExportOptions {
            crash_after: Some(Step::Files),
        },
    );
    assert!(crashed.is_err());
    let partial = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".partial"))
        .expect("the crash left a partial");
    // The clerk pulls the stick and exports to another one.
    let away = dir.path().join("drawer");
    std::fs::rename(&stick, &away).unwrap();
    let other = dir.path().join("other");
    let redo = export(&mut store, t0(), None, &other).unwrap();
    assert!(matches!(redo.settled[..], [Settled::Redone(_)]));
    assert!(redo.removed_partials.is_empty());
    // The stick is back: check-db names the partial, the next export
    // removes and names it; nothing was exported twice or lost.
    std::fs::rename(&away, &stick).unwrap();
    let o = Command::new(bin())
        .arg("--db")
        .arg(&path)
        .arg("check-db")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&partial.display().to_string()),
        "check-db: {text}"
    );
    let next = export(&mut store, t0(), None, &other).unwrap();
    assert_eq!(next.removed_partials, vec![partial.clone()]);
    assert!(!partial.exists());
    assert_eq!(verify_cli(&stick).0, Some(2), "the stick holds nothing now");
    assert_each_row_once(&other, &path, "unplugged");
    assert_eq!(exported_decision_ids(&other).len(), 4);
    // Once removed, it is forgotten.
    let again = export(&mut store, t0(), None, &other).unwrap();
    assert!(again.removed_partials.is_empty());
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM export_leftovers WHERE removed_at IS NULL"
        ),
        0
    );
}

#[test]
fn f9_a_partial_made_by_another_database_is_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = with_decisions(dir.path(), 2);
    let usb = dir.path().join("usb");
    let foreign = usb.join(".counterdesk-export-20261120-093000.partial");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("decisions.jsonl"), b"{}\n").unwrap();
    let e = export(&mut store, t0(), None, &usb).unwrap();
    assert!(e.removed_partials.is_empty());
    assert!(foreign.exists());
    // A renamed partial fails by the name its manifest signed.
    let renamed = usb.join("counterdesk-export-copy");
    std::fs::rename(&e.folder, &renamed).unwrap();
    let r = verify_folder(&renamed, None);
    assert!(!r.intact);
    assert!(
        r.lines.iter().any(|l| l.contains("与清单签名的名称")),
        "{:?}",
        r.lines
    );
}

#[cfg(unix)]
#[test]
fn exports_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut store) = with_decisions(dir.path(), 1);
    let e = export(&mut store, t0(), None, &dir.path().join("usb")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&e.folder), 0o700);
    for f in std::fs::read_dir(&e.folder).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
}

#[cfg(debug_assertions)]
#[test]
fn a_killed_cli_export_at_each_step_is_settled_by_the_next() {
    use counterdesk::app::exchange::export::Step;
    for step in Step::ALL {
        let dir = tempfile::tempdir().unwrap();
        let (path, store) = with_decisions(dir.path(), 4);
        drop(store);
        let usb = dir.path().join("usb");
        let o = Command::new(bin())
            .arg("--db")
            .arg(&path)
            .arg("export")
            .arg("--out")
            .arg(&usb)
            .env("COUNTERDESK_CRASH_AFTER", format!("{step:?}"))
            .output()
            .unwrap();
        assert!(!o.status.success(), "{step:?} aborted");
        let o = Command::new(bin())
            .arg("--db")
            .arg(&path)
            .arg("export")
            .arg("--out")
            .arg(&usb)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{step:?}");
        let ids = exported_decision_ids(&usb);
        assert_eq!(ids.len(), 4, "{step:?}");
        assert_each_row_once(&usb, &path, &format!("killed after {step:?}"));
    }
}
