//! The labelled fixture set (tests/fixtures/photos, see SOURCES.md there):
//! compliant photos pass, each variant fails or warns on the check it breaks,
//! hostile files give an error with a message and nothing panics.

use std::path::PathBuf;

use chrono::NaiveDate;
use counterdesk::photo::{self, PhotoError, PhotoReport, PhotoVerdict, SpecKind};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

fn report(name: &str) -> PhotoReport {
    match photo::check_file(&fixture(name), today()) {
        Ok(a) => a.report,
        Err(e) => panic!("{name}: unexpected error {e}"),
    }
}

fn summary(r: &PhotoReport) -> String {
    r.checks
        .iter()
        .map(|c| format!("{} {:?} {} | ", c.id, c.verdict, c.value))
        .collect()
}

fn verdict_of(r: &PhotoReport, id: &str) -> PhotoVerdict {
    r.check(id)
        .unwrap_or_else(|| panic!("no check {id}: {}", summary(r)))
        .verdict
}

fn assert_pass(name: &str) -> PhotoReport {
    let r = report(name);
    assert_eq!(r.verdict, PhotoVerdict::Pass, "{name}: {}", summary(&r));
    assert_eq!(r.face_count, 1);
    r
}

/// The variant trips `id` with at least `at_least`.
fn assert_trips(name: &str, id: &str, at_least: PhotoVerdict) {
    let r = report(name);
    let v = verdict_of(&r, id);
    assert!(v >= at_least, "{name}: {id} is {v:?}: {}", summary(&r));
    assert!(r.verdict >= at_least, "{name}: overall {:?}", r.verdict);
}

#[test]
fn compliant_archive_photo_passes() {
    let r = assert_pass("ok_260x378.jpg");
    assert_eq!(r.spec, SpecKind::Archive);
    let len = r.geometry.head_length_mm.unwrap();
    let wid = r.geometry.head_width_mm.unwrap();
    assert!((19.0..=22.0).contains(&len), "{len}");
    assert!((14.0..=16.0).contains(&wid), "{wid}");
    assert!(!r.manual_checklist.is_empty());
}

#[test]
fn compliant_upload_photo_passes() {
    let r = assert_pass("ok_520x756.jpg");
    assert_eq!(r.spec, SpecKind::Upload);
}

#[test]
fn handled_formats_pass() {
    // PNG, CMYK JPEG, opaque RGBA PNG and a rotated-EXIF JPEG are all checked normally
    for name in [
        "ok_260x378.png",
        "fmt_cmyk.jpg",
        "fmt_opaque_rgba.png",
        "exif_rotated.jpg",
    ] {
        let r = report(name);
        assert_ne!(r.verdict, PhotoVerdict::Fail, "{name}: {}", summary(&r));
        assert_eq!((r.width_px, r.height_px), (260, 378), "{name}");
        assert_eq!(r.face_count, 1, "{name}");
    }
}

#[test]
fn cmyk_conversion_is_reported() {
    let r = report("fmt_cmyk.jpg");
    assert!(r.check("format").unwrap().message.contains("CMYK"));
}

#[test]
fn sixteen_bit_greyscale_is_decoded_then_fails_colour() {
    assert_trips("fmt_grey16.png", "colour", PhotoVerdict::Fail);
}

#[test]
fn each_variant_trips_its_check() {
    let cases = [
        (
            "bad_grey_background.jpg",
            "background_white",
            PhotoVerdict::Fail,
        ),
        ("bad_greyscale.jpg", "colour", PhotoVerdict::Fail),
        ("bad_head_small.jpg", "head_length", PhotoVerdict::Fail),
        ("bad_head_large.jpg", "head_length", PhotoVerdict::Fail),
        ("bad_two_faces.jpg", "face_count", PhotoVerdict::Fail),
        ("bad_no_face.jpg", "face_count", PhotoVerdict::Fail),
        ("bad_blurred.jpg", "sharpness", PhotoVerdict::Warn),
        ("bad_over_exposed.jpg", "exposure", PhotoVerdict::Warn),
        ("bad_under_exposed.jpg", "exposure", PhotoVerdict::Warn),
        ("bad_glare.jpg", "glare", PhotoVerdict::Warn),
        ("bad_smoothed_skin.jpg", "skin_texture", PhotoVerdict::Warn),
        ("bad_uneven_light.jpg", "lighting", PhotoVerdict::Warn),
        ("bad_wrong_aspect.jpg", "size", PhotoVerdict::Fail),
        ("bad_too_small.jpg", "size", PhotoVerdict::Fail),
        ("bad_old_exif_date.jpg", "taken_date", PhotoVerdict::Fail),
        ("bad_jpeg_quality.jpg", "format", PhotoVerdict::Fail),
        (
            "warn_editor_software.jpg",
            "exif_software",
            PhotoVerdict::Warn,
        ),
        ("warn_no_exif_date.jpg", "taken_date", PhotoVerdict::Warn),
    ];
    for (name, id, v) in cases {
        assert_trips(name, id, v);
    }
}

#[test]
fn two_faces_are_counted() {
    assert_eq!(report("bad_two_faces.jpg").face_count, 2);
}

#[test]
fn hostile_files_give_errors_with_messages() {
    for name in [
        "hostile_empty.jpg",
        "hostile_truncated.jpg",
        "hostile_text.jpg",
        "hostile_bomb_30000.png",
        "hostile_transparent.png",
    ] {
        match photo::check_file(&fixture(name), today()) {
            Ok(a) => panic!("{name}: expected an error, got {:?}", a.report.verdict),
            Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
        }
    }
    assert!(matches!(
        photo::check_file(&fixture("hostile_bomb_30000.png"), today()),
        Err(PhotoError::DimensionsTooLarge {
            width: 30000,
            height: 30000
        })
    ));
    assert!(matches!(
        photo::check_file(&fixture("missing.jpg"), today()),
        Err(PhotoError::Io(_))
    ));
}

#[test]
fn compliant_photo_is_generated_from_a_larger_one() {
    let src = photo::check_file(&fixture("large_margin_640x960.jpg"), today()).unwrap();
    // the source itself is not compliant: the head is too small for 640 px
    assert_eq!(
        src.report.check("head_length").unwrap().verdict,
        PhotoVerdict::Fail
    );
    let out = photo::generate_compliant(&src, today()).unwrap();
    assert_eq!(out.len(), 2);
    for g in &out {
        let r = &g.analysis.report;
        assert_eq!(
            r.verdict,
            PhotoVerdict::Pass,
            "{}x{}: {}",
            g.width,
            g.height,
            summary(r)
        );
        assert!(g.jpeg.starts_with(&[0xFF, 0xD8]));
    }
    assert_eq!((out[0].width, out[0].height), (260, 378));
    assert_eq!((out[1].width, out[1].height), (520, 756));
}

#[test]
fn generation_refuses_without_margin_and_says_why() {
    let src = photo::check_file(&fixture("bad_head_large.jpg"), today()).unwrap();
    let err = photo::generate_compliant(&src, today()).unwrap_err();
    assert!(err.to_string().contains("无法生成合规照片"), "{err}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Corrupted or cut photos give a report or an error, never a panic.
        #[test]
        fn damaged_jpeg_never_panics(cut in 0usize..40_000, flips in proptest::collection::vec((0usize..23_000, any::<u8>()), 0..8)) {
            let mut bytes = std::fs::read(fixture("ok_260x378.jpg")).unwrap();
            for (i, b) in flips {
                let n = bytes.len();
                bytes[i % n] = b;
            }
            bytes.truncate(cut.max(1).min(bytes.len()));
            match photo::check_bytes(&bytes, today()) {
                Ok(a) => prop_assert!(!a.report.checks.is_empty()),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }

        /// Random pictures (noise, flat colour, blocks, any size) give a
        /// report without NaN or infinity anywhere (issue 23).
        #[test]
        fn random_images_never_report_nan(
            w in 8u32..240,
            h in 8u32..320,
            seed in any::<u64>(),
            flat in any::<bool>(),
            blocks in proptest::collection::vec((0u32..240, 0u32..320, 1u32..120, any::<[u8; 3]>()), 0..5),
        ) {
            let mut state = seed | 1;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            let base = [next() as u8, next() as u8, next() as u8];
            let mut img = image::RgbImage::from_fn(w, h, |_, _| {
                if flat { image::Rgb(base) } else { let v = next(); image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8]) }
            });
            for (x, y, s, c) in blocks {
                for yy in y..(y + s).min(h) {
                    for xx in x..(x + s).min(w) {
                        img.put_pixel(xx, yy, image::Rgb(c));
                    }
                }
            }
            let mut bytes = std::io::Cursor::new(Vec::new());
            img.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
            let r = photo::check_bytes(bytes.get_ref(), today()).unwrap().report;
            let text = serde_json::to_string(&r).unwrap();
            prop_assert!(!text.contains("NaN") && !text.contains("inf"), "{}", text);
            let g = &r.geometry;
            for v in [g.crown_y, g.chin_y, g.head_length_mm, g.head_width_mm, g.yaw_deg, g.pitch_deg, g.tilt_deg].into_iter().flatten() {
                prop_assert!(v.is_finite());
            }
        }
    }
}

/// A model that fails to load gives the classical check and says so; no panic.
#[test]
fn failed_models_fall_back_and_say_so() {
    let bytes = std::fs::read(fixture("ok_520x756.jpg")).unwrap();
    let broken = photo::Models::from_bytes(b"not a model", b"not a model", b"not a model");
    assert_eq!(broken.errors().len(), 3);
    let r = photo::check_bytes_with(&bytes, today(), &broken)
        .unwrap()
        .report;
    assert_eq!(r.face_count, 1, "{}", summary(&r));
    let fc = r.check("face_count").unwrap();
    assert!(fc.message.contains("传统方法"), "{}", fc.message);
    let bg = r.check("background_white").unwrap();
    assert!(bg.message.contains("按颜色估计背景"), "{}", bg.message);
    assert_eq!(r.check("pose").unwrap().value, "无法测量");
    assert_eq!(
        verdict_of(&r, "head_length"),
        PhotoVerdict::Pass,
        "{}",
        summary(&r)
    );
}

#[test]
fn camera_sized_photo_is_measured_in_full_size_pixels() {
    let small = image::open(fixture("ok_520x756.jpg")).unwrap().to_rgb8();
    let big = image::imageops::resize(&small, 2080, 3024, image::imageops::FilterType::Triangle);
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&big)
        .unwrap();
    let r = photo::check_bytes(bytes.get_ref(), today()).unwrap().report;
    let r_small = report("ok_520x756.jpg");
    assert_eq!((r.width_px, r.height_px), (2080, 3024));
    assert_eq!(r.face_count, 1, "{}", summary(&r));
    let (a, b) = (
        r.geometry.head_length_mm.unwrap(),
        r_small.geometry.head_length_mm.unwrap(),
    );
    assert!((a - b).abs() < 0.6, "{a} vs {b}");
    let crown = r.geometry.crown_y.unwrap();
    assert!(
        (crown - 4.0 * r_small.geometry.crown_y.unwrap()).abs() < 12.0,
        "{crown}"
    );
    // no EXIF date on the re-encoded copy, so at most a warning
    assert_ne!(r.verdict, PhotoVerdict::Fail, "{}", summary(&r));
}
