//! Resident-ID validation speed (criterion). `cargo bench --bench resident_id`.

use std::hint::black_box;

use chrono::NaiveDate;
use counterdesk::domain::documents::router::check_identity;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let valid = "11010519491231002X";
    let bad_check = "110101199003070010";
    let mut group = c.benchmark_group("resident_id");
    group.bench_function("valid", |b| {
        b.iter(|| check_identity(black_box(valid), today))
    });
    group.bench_function("bad_check", |b| {
        b.iter(|| check_identity(black_box(bad_check), today))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
