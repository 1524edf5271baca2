//! 数据交换 and 工作台 speed (criterion, release):
//! - `import_100k`: a 100 000-line demo batch into a fresh database (clerks only);
//! - `export_100k_decisions`: exporting 100 000 decisions (with their 200 000
//!   notices) after every row is queued for export again;
//! - `dashboard_1m`: every number 工作台 shows, on a reader connection, at
//!   1 000 000 applications with 60 000 decisions over 14 days.
//!
//! `cargo bench --bench exchange`. Inputs are built once into
//! `target/exchange-bench/` and reused (delete the folder to rebuild).
//! The decisions are written with plain SQL here (one transaction) so the
//! setup takes seconds, not the 100 000 separate synchronous commits the app
//! would make; the triggers keep the same aggregates either way.

use counterdesk::app::runtime::call::Call;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::demo;
use counterdesk::app::demo::queue as demo_queue;
use counterdesk::app::exchange::Progress;
use counterdesk::app::exchange::dashboard;
use counterdesk::app::exchange::demo_batch;
use counterdesk::app::exchange::export::export;
use counterdesk::app::exchange::import::ImportOptions;
use counterdesk::app::exchange::import::import_file;
use counterdesk::store::Store;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rusqlite::Connection;

/// Friday 2026-11-20 09:30 CST.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0)
        .single()
        .unwrap_or_default()
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/exchange-bench");
    std::fs::create_dir_all(&d).unwrap_or_default();
    d
}

fn remove_db(p: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

fn batch_100k() -> PathBuf {
    let p = dir().join("batch/batch-100k.jsonl");
    if !p.exists() {
        demo_batch::write_batch(&p, 100_000, 42, now()).unwrap_or_else(|e| panic!("{e}"));
    }
    p
}

/// Lines in the batch where every line brings its own photo.
const OWN_PHOTOS: u64 = 500;

/// A batch of `OWN_PHOTOS` lines, each with a distinct photo file beside it
/// (a demo photo with a JPEG comment naming the line: same pixels, new hash).
fn batch_own_photos() -> PathBuf {
    let p = dir().join(format!("own/batch-{OWN_PHOTOS}.jsonl"));
    if p.exists() {
        return p;
    }
    demo_batch::write_batch(&p, OWN_PHOTOS, 43, now()).unwrap_or_else(|e| panic!("{e}"));
    let folder = p.parent().unwrap_or_else(|| panic!("no folder"));
    let photos: Vec<&'static [u8]> = demo_queue::demo_photos().map(|(_, b)| b).collect();
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let base = photos[i % photos.len()];
        let note = format!("CounterDesk bench line {i}");
        let len = u16::try_from(note.len() + 2).unwrap_or(u16::MAX);
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFE];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(note.as_bytes());
        bytes.extend_from_slice(&base[2..]);
        let sha = counterdesk::domain::digest::sha256_hex(&bytes);
        std::fs::write(folder.join(format!("{sha}.jpg")), &bytes).unwrap_or_else(|e| panic!("{e}"));
        v["photo"]["sha256"] = sha.into();
        if let Some(o) = v["photo"].as_object_mut() {
            o.remove("base64");
        }
        if let Some(o) = v.as_object_mut() {
            o.remove("previous_photo");
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    std::fs::write(&p, out).unwrap_or_else(|e| panic!("{e}"));
    p
}

/// A database with only the demo clerks, copied for every import.
fn empty_db() -> PathBuf {
    let p = dir().join("empty.sqlite3");
    if !p.exists() {
        let mut s = Store::open(&p).unwrap_or_else(|e| panic!("{e}"));
        demo::seed(&mut s, now()).unwrap_or_else(|e| panic!("{e}"));
        drop(s);
        // Fold the WAL back so one file copy is the whole database.
        let c = Connection::open(&p).unwrap_or_else(|e| panic!("{e}"));
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    p
}

fn supervisor(store: &mut Store) -> SessionClerk {
    store
        .read(|tx| {
            Ok(tx
                .clerk_by_username("zhaomin")?
                .map(|c| SessionClerk::from(&c)))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no demo supervisor"))
}

/// Decides the first `n` pending applications in plain SQL, spread over the
/// last 14 days, a third returned for a reason or two; two notices each.
fn decide_in_sql(path: &Path, n: u64, clerk: i64) {
    let c = Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
    let sql = format!(
        "BEGIN;
         CREATE TEMP TABLE pick AS SELECT id FROM applications WHERE status = 'pending' ORDER BY id LIMIT {n};
         INSERT INTO decisions (application_id, outcome, reasons, free_text, notice, photo_report, decided_by, decided_at, claim_seq)
           SELECT id, CASE WHEN id % 3 = 0 THEN 'returned' ELSE 'approved' END,
                  CASE WHEN id % 3 = 0 THEN (CASE id % 4 WHEN 0 THEN 'photo_glare' WHEN 1 THEN 'photo_background,photo_blur' WHEN 2 THEN 'licence_status' ELSE 'photo_beautified' END) ELSE '' END,
                  '', '您的电子驾驶证申请已办结。', '自动检测全部合格', {clerk},
                  strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-20T01:00:00Z', '-' || (13 - (id % 14)) || ' days'), 1
           FROM pick ORDER BY (13 - (id % 14)) DESC, id;
         UPDATE applications SET status = CASE WHEN id % 3 = 0 THEN 'returned' ELSE 'approved' END WHERE id IN (SELECT id FROM pick);
         INSERT INTO outbox (application_id, channel, recipient, body, created_at)
           SELECT application_id, 'sms', '13800138000', notice, decided_at FROM decisions;
         INSERT INTO outbox (application_id, channel, recipient, body, created_at)
           SELECT application_id, 'app', '110105194912310021', notice, decided_at FROM decisions;
         COMMIT;"
    );
    c.execute_batch(&sql).unwrap_or_else(|e| panic!("{e}"));
}

fn decisions_db() -> PathBuf {
    let p = dir().join("decisions-100k.sqlite3");
    let ready = p.exists()
        && Connection::open(&p)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM decisions", [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|n| n >= 100_000);
    if !ready {
        remove_db(&p);
        let started = Instant::now();
        let mut s = Store::open(&p).unwrap_or_else(|e| panic!("{e}"));
        demo_queue::generate(&mut s, 110_000, 7, now()).unwrap_or_else(|e| panic!("{e}"));
        let sup = supervisor(&mut s);
        drop(s);
        let have: i64 = Connection::open(&p)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM decisions", [], |r| r.get(0)))
            .unwrap_or(0);
        decide_in_sql(&p, 100_000 - have as u64, sup.id);
        eprintln!(
            "built {} in {:.1} s",
            p.display(),
            started.elapsed().as_secs_f64()
        );
    }
    p
}

fn dashboard_db() -> PathBuf {
    let p = dir().join("apps-1m.sqlite3");
    let ready = p.exists()
        && Connection::open(&p)
            .and_then(|c| {
                c.query_row("SELECT MAX(id) FROM applications", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .is_ok_and(|n| n >= 1_000_000);
    if !ready {
        remove_db(&p);
        let started = Instant::now();
        let mut s = Store::open(&p).unwrap_or_else(|e| panic!("{e}"));
        demo_queue::generate(&mut s, 1_000_000, 20261123, now()).unwrap_or_else(|e| panic!("{e}"));
        let sup = supervisor(&mut s);
        drop(s);
        decide_in_sql(&p, 60_000, sup.id);
        eprintln!(
            "built {} in {:.1} s",
            p.display(),
            started.elapsed().as_secs_f64()
        );
    }
    p
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("exchange");
    group
        .warm_up_time(Duration::from_millis(500))
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));

    let batch = batch_100k();
    let empty = empty_db();
    let work = dir().join("import-run.sqlite3");
    group.bench_function("import_100k", |b| {
        b.iter_batched(
            || {
                remove_db(&work);
                std::fs::copy(&empty, &work).unwrap_or_else(|e| panic!("{e}"));
                Store::open(&work).unwrap_or_else(|e| panic!("{e}"))
            },
            |mut store| {
                let s = import_file(
                    &mut store,
                    now(),
                    None,
                    &batch,
                    &Progress::new(),
                    &ImportOptions::default(),
                )
                .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(s.imported, 100_000);
                store
            },
            BatchSize::PerIteration,
        )
    });

    // Every line its own photo: the cost is the photo checks (report it per photo).
    let own = batch_own_photos();
    group.bench_function("import_500_own_photos", |b| {
        b.iter_batched(
            || {
                remove_db(&work);
                std::fs::copy(&empty, &work).unwrap_or_else(|e| panic!("{e}"));
                Store::open(&work).unwrap_or_else(|e| panic!("{e}"))
            },
            |mut store| {
                let s = import_file(
                    &mut store,
                    now(),
                    None,
                    &own,
                    &Progress::new(),
                    &ImportOptions::default(),
                )
                .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(s.photos, OWN_PHOTOS);
                store
            },
            BatchSize::PerIteration,
        )
    });

    let decided = decisions_db();
    let out = dir().join("usb");
    group.bench_function("export_100k_decisions", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_dir_all(&out);
                // Everything waits to be exported again (the queue as the
                // triggers filled it before the last run).
                Connection::open(&decided)
                    .and_then(|c| {
                        c.execute_batch(
                            "BEGIN;
                             DELETE FROM export_pending;
                             INSERT INTO export_pending (stream, row_id)
                                 SELECT 'decisions', id FROM decisions;
                             INSERT INTO export_pending (stream, row_id)
                                 SELECT 'notices', id FROM outbox;
                             INSERT INTO export_pending (stream, row_id)
                                 SELECT 'audit', seq FROM audit_log;
                             INSERT INTO export_pending (stream, row_id)
                                 SELECT 'registrations', seq FROM registration_changes;
                             UPDATE exports SET state = 'done';
                             COMMIT;",
                        )
                    })
                    .unwrap_or_else(|e| panic!("{e}"));
                Store::open(&decided).unwrap_or_else(|e| panic!("{e}"))
            },
            |mut store| {
                let e = export(&mut store, now(), None, &out).unwrap_or_else(|e| panic!("{e}"));
                assert!(e.decisions >= 100_000);
                store
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("dashboard");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    let big = dashboard_db();
    let mut reader = Store::open_reader(&big).unwrap_or_else(|e| panic!("{e}"));
    let sup = supervisor(&mut reader);
    group.bench_function("dashboard_1m", |b| {
        b.iter(|| {
            black_box(dashboard::handle(
                Call::new(&mut reader, now(), &sup),
                dashboard::Req::Load,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
