//! Full photo check vs bare decode, and the learned models' load time.
//! Run: `cargo bench --bench photo_check`.
//! Goals (issue 23): 520×756 ≤ 25 ms median (aim 12); 4000×3000 ≤ 2× its bare decode.

use std::hint::black_box;
use std::io::Cursor;
use std::path::PathBuf;

use chrono::NaiveDate;
use counterdesk::photo;
use criterion::{Criterion, criterion_group, criterion_main};
use image::{ImageFormat, RgbImage, imageops};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name);
    std::fs::read(p).expect("fixture")
}

/// A 4000×3000 camera-sized JPEG: the compliant photo enlarged on a white frame.
fn big_jpeg() -> Vec<u8> {
    let small = image::load_from_memory(&fixture("ok_520x756.jpg"))
        .expect("decode")
        .to_rgb8();
    let person = imageops::resize(&small, 1820, 2646, imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(4000, 3000, image::Rgb([255, 255, 255]));
    imageops::overlay(&mut canvas, &person, 1090, 354);
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&canvas)
        .expect("encode");
    let _ = ImageFormat::Jpeg;
    out.into_inner()
}

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let mut g = c.benchmark_group("photo");
    g.sample_size(10);
    // loading the three models (parse + optimise), as the background loader does
    g.bench_function("load_models", |b| b.iter(photo::Models::load));
    // the checks below use the shared models: loaded once, before measuring
    photo::check_bytes(&fixture("ok_260x378.jpg"), today).expect("warm-up");
    g.sample_size(20);
    for (name, bytes) in [
        ("check_520x756", fixture("ok_520x756.jpg")),
        ("check_260x378", fixture("ok_260x378.jpg")),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| photo::check_bytes(black_box(&bytes), today).expect("check"))
        });
    }
    let big = big_jpeg();
    g.sample_size(10);
    g.bench_function("decode_4000x3000", |b| {
        b.iter(|| image::load_from_memory(black_box(&big)).expect("decode"))
    });
    g.bench_function("check_4000x3000", |b| {
        b.iter(|| photo::check_bytes(black_box(&big), today).expect("check"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
