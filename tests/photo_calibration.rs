//! Issue 13: head geometry measured against hand labels on real, public-domain
//! portraits composited at known sizes (tests/fixtures/photos/calib, made by
//! tools/photo_calib/make_calib.py; labels.json there). Run with
//! `-- --nocapture` to see the per-face error table and the distributions the
//! warning thresholds were set from. Faces: Collins and Hopper (from the
//! scikit-image and matplotlib wheels, also mirrored) and four NASA Artemis II
//! crew portraits (tests/fixtures/photos/faces, SOURCES.md there).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use counterdesk::photo::{self, PhotoReport, Verdict};
use serde_json::Value;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/calib")
}

fn labels() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(dir().join("labels.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn report(name: &str) -> PhotoReport {
    photo::check_file(&dir().join(name), today())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .report
}

fn summary(r: &PhotoReport) -> String {
    r.checks
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .map(|c| format!("{} {:?} {} | ", c.id, c.verdict, c.value))
        .collect()
}

fn num(v: &Value, key: &str) -> f32 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}")) as f32
}

struct Row {
    face: String,
    name: String,
    len_err: f32,
    wid_err: f32,
    report: PhotoReport,
}

fn compliant_rows() -> Vec<Row> {
    labels()
        .into_iter()
        .filter(|(_, v)| v["kind"] == "compliant")
        .map(|(name, v)| {
            let r = report(&name);
            let g = &r.geometry;
            Row {
                face: v["face"].as_str().unwrap().to_owned(),
                len_err: g.head_length_mm.unwrap_or(0.0) - num(&v, "head_length_mm"),
                wid_err: g.head_width_mm.unwrap_or(0.0) - num(&v, "head_width_mm"),
                name,
                report: r,
            }
        })
        .collect()
}

#[test]
fn head_geometry_per_face_within_tolerance() {
    let rows = compliant_rows();
    let mut by_face: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        by_face.entry(&r.face).or_default().push(r);
    }
    println!(
        "face                 | n | length err mean / worst (mm) | width err mean / worst (mm)"
    );
    let mut failures = Vec::new();
    for (face, rs) in &by_face {
        let n = rs.len() as f32;
        let lm = rs.iter().map(|r| r.len_err.abs()).sum::<f32>() / n;
        let lw = rs.iter().map(|r| r.len_err.abs()).fold(0.0, f32::max);
        let wm = rs.iter().map(|r| r.wid_err.abs()).sum::<f32>() / n;
        let ww = rs.iter().map(|r| r.wid_err.abs()).fold(0.0, f32::max);
        println!(
            "{face:20} | {} | {lm:.2} / {lw:.2} | {wm:.2} / {ww:.2}",
            rs.len()
        );
        for r in rs {
            println!(
                "    {:34} length {:+.2} width {:+.2}  {}",
                r.name,
                r.len_err,
                r.wid_err,
                summary(&r.report)
            );
        }
        if lm > 0.5 || lw > 1.0 || ww > 0.7 {
            failures.push(format!(
                "{face}: length {lm:.2}/{lw:.2}, width worst {ww:.2}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn no_compliant_photo_fails_and_few_warn() {
    let rows = compliant_rows();
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.report.verdict == Verdict::Fail)
        .map(|r| format!("{}: {}", r.name, summary(&r.report)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let warned = rows
        .iter()
        .filter(|r| r.report.verdict == Verdict::Warn)
        .count();
    // Warnings per check, for docs/photo.md.
    let mut per_check: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        for c in r
            .report
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Warn)
        {
            *per_check.entry(c.id).or_default() += 1;
        }
    }
    // Known false alarms, not fixed by issue 13 (docs/photo.md shows their
    // distributions): `skin_colour` and `exposure` react to the Hopper print
    // itself (red cast, cheek a* 28-30 against OFIQ's 5-25; dark cap) and to
    // Koch's dark, low-key portrait; `skin_texture` compares cheeks with the
    // hair band, and no one ratio separates smoothed from untouched skin
    // across these faces (Wiseman's untouched 0.21-0.26 is below Collins'
    // smoothed 0.23-0.32). The 1-in-5 bound applies to every other check;
    // the full rate is printed and reported.
    const KNOWN: [&str; 3] = ["skin_colour", "exposure", "skin_texture"];
    let warned_other = rows
        .iter()
        .filter(|r| {
            r.report
                .checks
                .iter()
                .any(|c| c.verdict == Verdict::Warn && !KNOWN.contains(&c.id))
        })
        .count();
    println!(
        "warned: {warned} of {} (any check); {warned_other} of {} (other than {KNOWN:?}); per check {per_check:?}",
        rows.len(),
        rows.len()
    );
    assert!(
        warned_other * 5 <= rows.len(),
        "{warned_other} of {} warned",
        rows.len()
    );
}

/// Doctored variants trip the check they were made for.
#[test]
fn doctored_photos_warn_for_the_right_reason() {
    for (name, v) in labels() {
        let id = match v["kind"].as_str().unwrap() {
            // the texture reference is the hair band; Hopper's is a cap, so
            // her ratio says nothing (docs/photo.md shows both distributions)
            "smoothed" if name.starts_with("astronaut") => "skin_texture",
            "gradient" | "shadow" => "background_uniform",
            // the Artemis portraits as NASA lit them: real side light
            "side_lit" => "lighting",
            _ => continue,
        };
        let r = report(&name);
        let c = r.check(id).unwrap();
        assert!(c.verdict >= Verdict::Warn, "{name}: {id} {}", c.value);
    }
}

/// The values the `skin_texture` and `background_uniform` thresholds were
/// set from (docs/photo.md shows them).
#[test]
fn print_distributions() {
    println!("file | kind | skin_texture | background_uniform | lighting");
    for (name, v) in labels() {
        let r = report(&name);
        let value = |id: &str| r.check(id).map_or("-".to_owned(), |c| c.value.clone());
        println!(
            "{name} | {} | {} | {} | {}",
            v["kind"].as_str().unwrap(),
            value("skin_texture"),
            value("background_uniform"),
            value("lighting"),
        );
    }
}

/// Turns `img` by `deg` (clockwise on screen) about (cx, cy), white outside.
fn rotated(img: &image::RgbImage, deg: f32, cx: f32, cy: f32) -> image::RgbImage {
    let (s, c) = deg.to_radians().sin_cos();
    image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (sx, sy) = (dx * c + dy * s + cx, -dx * s + dy * c + cy);
        if sx < 0.0 || sy < 0.0 || sx >= img.width() as f32 - 1.0 || sy >= img.height() as f32 - 1.0
        {
            return image::Rgb([255, 255, 255]);
        }
        *img.get_pixel(sx.round() as u32, sy.round() as u32)
    })
}

/// A compliant photo turned by 12° warns on `tilt` and measures the roll.
#[test]
fn tilted_head_is_flagged() {
    let name = "astronaut_L20.5_W14.5.jpg";
    let v = &labels()[name];
    let img = image::open(dir().join(name)).unwrap().to_rgb8();
    let eyes = v["eyes"].as_array().unwrap();
    let cx = (eyes[0][0].as_f64().unwrap() + eyes[1][0].as_f64().unwrap()) as f32 / 2.0;
    let cy = num(v, "ear_y");
    let own = report(name).geometry.tilt_deg.unwrap();
    for deg in [-12.0f32, 12.0] {
        let turned = rotated(&img, deg, cx, cy);
        let mut bytes = std::io::Cursor::new(Vec::new());
        turned
            .write_to(&mut bytes, image::ImageFormat::Png)
            .unwrap();
        let r = photo::check_bytes(bytes.get_ref(), today()).unwrap().report;
        let tilt = r
            .check("tilt")
            .unwrap_or_else(|| panic!("{deg}: {}", summary(&r)));
        assert_eq!(tilt.verdict, Verdict::Warn, "{deg}: {}", tilt.value);
        let measured = r.geometry.tilt_deg.unwrap();
        assert!(
            (measured - own - deg).abs() <= 3.0,
            "{deg}: {measured} (upright {own})"
        );
    }
    assert_eq!(report(name).check("tilt").unwrap().verdict, Verdict::Pass);
}
