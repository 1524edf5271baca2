//! Review-queue speed at 1 000 / 100 000 / 1 000 000 applications (criterion):
//! first page, a deep keyset page, overdue page, claim-next (rolled back),
//! exact search by document number, per-filter counts, and opening the file.
//! `cargo bench --bench queue`. The databases are built once into
//! `target/queue-bench/` and reused (delete them to rebuild).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::demo::queue as demo_queue;
use counterdesk::domain::review::{PageCursor, Scope};
use counterdesk::store::Lease;
use counterdesk::store::{PageQuery, QueueClock, SearchKey, Store};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Monday 2026-11-23 10:00 CST: data and queries use the same "now".
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

const SIZES: [u64; 3] = [1_000, 100_000, 1_000_000];

fn db_for(n: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/queue-bench");
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join(format!("apps-{n}.sqlite3"));
    let complete = path.exists()
        && Store::open(&path)
            .and_then(|mut s| s.read(|tx| tx.max_application_id()))
            .is_ok_and(|m| m as u64 == n);
    if !complete {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let started = Instant::now();
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        demo_queue::generate(&mut store, n, 20261123, now()).unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "built {} in {:.1} s",
            path.display(),
            started.elapsed().as_secs_f64()
        );
    }
    path
}

fn page(scope: Scope, after: Option<PageCursor>, search: Option<SearchKey>) -> PageQuery {
    PageQuery {
        scope,
        kind: None,
        search,
        after,
        offset: 0,
        limit: 50,
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    for n in SIZES {
        let path = db_for(n);
        let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut reader = Store::open_reader(&path).unwrap_or_else(|e| panic!("{e}"));
        let clerk = store
            .read(|tx| tx.clerk_by_username("zhaomin"))
            .ok()
            .flatten()
            .map_or(0, |c| c.id);
        let clock = QueueClock::at(now(), clerk);
        // A cursor in the middle of the queue and a document number that exists.
        let mid = reader
            .read(|tx| {
                let q = PageQuery {
                    offset: (n / 2) as u32,
                    limit: 1,
                    ..page(Scope::Open, None, None)
                };
                tx.queue_page(&q, &clock)
            })
            .unwrap_or_default();
        let cursor = mid.first().map(|r| PageCursor {
            due_at: r.due_at,
            id: r.id,
        });
        let doc = mid.first().map(|r| r.doc_no.clone()).unwrap_or_default();

        group.bench_with_input(BenchmarkId::new("page_first", n), &n, |b, _| {
            let q = page(Scope::Open, None, None);
            b.iter(|| black_box(reader.read(|tx| tx.queue_page(&q, &clock))))
        });
        group.bench_with_input(BenchmarkId::new("page_middle_keyset", n), &n, |b, _| {
            let q = page(Scope::Open, cursor, None);
            b.iter(|| black_box(reader.read(|tx| tx.queue_page(&q, &clock))))
        });
        group.bench_with_input(BenchmarkId::new("page_overdue", n), &n, |b, _| {
            let q = page(Scope::Overdue, None, None);
            b.iter(|| black_box(reader.read(|tx| tx.queue_page(&q, &clock))))
        });
        group.bench_with_input(BenchmarkId::new("search_document", n), &n, |b, _| {
            let q = page(Scope::Open, None, Some(SearchKey::DocNo(doc.clone())));
            b.iter(|| black_box(reader.read(|tx| tx.queue_page(&q, &clock))))
        });
        group.bench_with_input(BenchmarkId::new("counts", n), &n, |b, _| {
            b.iter(|| black_box(reader.read(|tx| tx.queue_counts(&clock))))
        });
        group.bench_with_input(BenchmarkId::new("claim_next", n), &n, |b, _| {
            let until = now() + chrono::Duration::minutes(15);
            b.iter(|| {
                black_box(store.rehearse(|tx| tx.claim_next(clerk, Lease::new(now(), until), None)))
            })
        });
        group.bench_with_input(BenchmarkId::new("open_store", n), &n, |b, _| {
            b.iter(|| black_box(Store::open(&path).map(drop)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
