//! 面签注册 timings (criterion), see docs/registration.md:
//! `cargo bench --bench registration`.
//! - search at 100 000 registrations: exact registration number, exact
//!   document number, name prefix (one page of 50);
//! - submit-to-success with two 3 MB scans: prepare both (decode, hash,
//!   thumbnail) and submit them in one transaction;
//! - the receipt PDF;
//! - the document viewer's page decode on the job runner (`viewer_page`): a
//!   3 MB A4 JPEG scan, a page of the receipt PDF (text, embedded font) and a
//!   page of the demo's drawn PDF.

use counterdesk::app::runtime::call::Call;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::registration;
use counterdesk::app::registration::Req;
use counterdesk::app::registration::Resp;
use counterdesk::app::registration::attachments::ScanInput;
use counterdesk::app::registration::attachments::prepare;
use counterdesk::app::registration::receipt;
use counterdesk::app::registration::receipt::ReceiptData;
use counterdesk::domain::documents::checksum::mod11_2;
use counterdesk::domain::registration::{IdDocType, PersonDraft, ReasonKind, ScanSlot};
use counterdesk::store::Store;
use criterion::{Criterion, criterion_group, criterion_main};

const ROWS: usize = 100_000;

/// An A4 page at 300 dpi with enough texture to weigh about 3 MB as JPEG.
fn scan_jpeg(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(2480, 3508, |x, y| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = ((state >> 16) % 56) as u8;
        let ink = if (x / 40 + y / 60) % 7 == 0 { 90 } else { 215 };
        image::Rgb([ink + noise / 2, ink + noise / 3, ink.saturating_sub(noise)])
    });
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    img.write_with_encoder(enc).unwrap_or_default();
    out
}

/// A valid synthetic number (district 310104, which the demo data does not use).
fn synthetic_id(i: usize) -> String {
    let body = format!(
        "310104{}{:02}{:02}{:03}",
        1960 + (i / 336_000) % 40,
        1 + (i / 28_000) % 12,
        1 + (i / 1000) % 28,
        i % 1000
    );
    let check = mod11_2(body.as_bytes()).map(char::from).unwrap_or('0');
    format!("{body}{check}")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("bench.sqlite3");
    let mut store = Store::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
    let now = Utc::now();
    let started = std::time::Instant::now();
    counterdesk::app::demo::registrations::add(&mut store, now, ROWS)
        .unwrap_or_else(|e| panic!("demo data: {e}"));
    eprintln!("{ROWS} demo registrations in {:?}", started.elapsed());
    let clerk = store
        .read(|tx| tx.clerk_by_username("wangli"))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("demo clerk"));
    let actor = SessionClerk::from(&clerk);
    let sample = store
        .read(|tx| tx.registration(ROWS as i64 / 2))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("sample row"));

    let mut group = c.benchmark_group("registration_search_100k");
    let mut search = |name: &str, text: String| {
        group.bench_function(name, |b| {
            b.iter(|| {
                registration::handle(
                    Call::new(&mut store, now, &actor),
                    Req::Search {
                        text: black_box(text.clone()),
                        page: 0,
                        generation: 1,
                    },
                )
            })
        });
    };
    search("reg_no", sample.reg_no.clone());
    search("doc_number", sample.applicant.doc_number.clone());
    search("name_prefix_1char", "王".to_owned());
    search("name_prefix_2char", "李娜".to_owned());
    group.finish();

    let front = scan_jpeg(1);
    let back = scan_jpeg(2);
    eprintln!("scan sizes: {} and {} bytes", front.len(), back.len());
    let n = AtomicUsize::new(0);
    let mut group = c.benchmark_group("registration_submit");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("prepare_two_3mb_scans_and_submit", |b| {
        b.iter(|| {
            let i = n.fetch_add(1, Ordering::Relaxed);
            // Distinct bytes after the end marker: every submit stores new blobs.
            let scan = |bytes: &[u8], slot: ScanSlot| {
                let mut bytes = bytes.to_vec();
                bytes.extend_from_slice(&(i as u64).to_le_bytes());
                let s = prepare(ScanInput::Bytes {
                    file_name: "scan.jpg".into(),
                    bytes,
                })
                .unwrap_or_else(|e| panic!("prepare: {e}"));
                (slot, s)
            };
            let scans = vec![
                scan(&front, ScanSlot::IdFront),
                scan(&back, ScanSlot::IdBack),
            ];
            let out = registration::handle(
                Call::new(&mut store, now, &actor),
                Req::SubmitPerson {
                    form: PersonDraft {
                        doc_type: Some(IdDocType::ResidentId),
                        doc_number: synthetic_id(i),
                        name: "张三".into(),
                        mobile: "13800138000".into(),
                        reason: Some(ReasonKind::NoSmartphone),
                        reason_text: String::new(),
                        identity_confirmed: true,
                    },
                    scans,
                    idempotency_key: format!("bench-{i}"),
                },
            );
            assert!(matches!(out, Ok(Resp::Submitted(_))), "{out:?}");
        })
    });
    group.finish();

    let data = ReceiptData::from_record(&sample, now, 123_456, "ab".repeat(32));
    let pdf = receipt::render(&data).unwrap_or_default();
    eprintln!("receipt PDF: {} bytes", pdf.len());
    let mut group = c.benchmark_group("registration_receipt");
    group.bench_function("render_pdf", |b| {
        b.iter(|| receipt::render(black_box(&data)))
    });
    group.finish();
    // The viewer drawing that receipt's page: real text in an embedded font.
    let mut group = c.benchmark_group("viewer_page");
    group.sample_size(20);
    group.bench_function("receipt_pdf_page", |b| {
        b.iter(|| {
            counterdesk::app::registration::document_view::render_page(black_box(&pdf), 0)
                .map(|p| p.width)
        })
    });
    group.finish();
}

fn viewer(c: &mut Criterion) {
    use counterdesk::app::registration::document_view::render_page;
    let jpeg = scan_jpeg(7);
    let sample = counterdesk::app::demo::sample_pdf(2);
    let mut group = c.benchmark_group("viewer_page");
    group.sample_size(20);
    group.bench_function("jpeg_a4_3mb", |b| {
        b.iter(|| render_page(black_box(&jpeg), 0).map(|p| p.width))
    });
    group.bench_function("drawn_pdf_page", |b| {
        b.iter(|| render_page(black_box(&sample), 1).map(|p| p.width))
    });
    group.finish();
}

criterion_group!(benches, viewer, bench);
criterion_main!(benches);
