//! `counterdesk check-photo` as a user runs it: JSON shape, exit codes, and a
//! bad file never stopping the others.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

fn run(args: &[&str], files: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("check-photo")
        .args(args)
        .args(files.iter().map(|f| fixture(f)))
        .env("COUNTERDESK_TODAY", "2026-11-20")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn objects(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn compliant_photos_exit_zero_with_full_json() {
    let (code, out) = run(&["--json"], &["ok_260x378.jpg", "ok_520x756.jpg"]);
    assert_eq!(code, 0, "{out}");
    let objs = objects(&out);
    assert_eq!(objs.len(), 2);
    for o in &objs {
        assert_eq!(o["verdict"], "pass", "{o}");
        for key in [
            "file",
            "checks",
            "face_count",
            "head_length_mm",
            "head_width_mm",
            "width_px",
            "height_px",
            "elapsed_ms",
        ] {
            assert!(!o[key].is_null(), "missing {key}: {o}");
        }
        let checks = o["checks"].as_array().unwrap();
        assert!(checks.len() >= 10);
        for c in checks {
            for key in ["id", "verdict", "value", "limit", "message"] {
                assert!(c[key].is_string(), "{key} in {c}");
            }
        }
    }
    assert_eq!(objs[0]["width_px"], 260);
    assert_eq!(objs[1]["height_px"], 756);
}

#[test]
fn warnings_alone_exit_zero() {
    let (code, out) = run(&["--json"], &["warn_editor_software.jpg"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(objects(&out)[0]["verdict"], "warn");
}

#[test]
fn a_bad_file_does_not_stop_the_others() {
    let (code, out) = run(
        &["--json"],
        &[
            "hostile_empty.jpg",
            "ok_260x378.jpg",
            "hostile_bomb_30000.png",
            "bad_greyscale.jpg",
            "hostile_text.jpg",
        ],
    );
    assert_eq!(code, 1);
    let objs = objects(&out);
    let verdicts: Vec<&str> = objs
        .iter()
        .map(|o| o["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["error", "pass", "error", "fail", "error"]);
    for o in objs.iter().filter(|o| o["verdict"] == "error") {
        assert!(!o["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn text_output_is_chinese() {
    let (code, out) = run(&[], &["bad_head_small.jpg"]);
    assert_eq!(code, 1);
    assert!(out.contains("不合格"), "{out}");
    assert!(out.contains("头部长度"), "{out}");
    assert!(out.contains("需人工核对"), "{out}");
}

#[test]
fn missing_argument_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("check-photo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
