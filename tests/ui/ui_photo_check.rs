//! Screenshots of the 照片检测 panel: empty, compliant with overlays, failing,
//! error, and a generated compliant crop. The photo is injected through a
//! scripted picker; the worker is awaited with a bounded number of steps.

use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use counterdesk::photo::PhotoVerdict;
use counterdesk::ui::kit::file_picker::ScriptedPicker;
use counterdesk::ui::photo::check::PhotoCheckPanel;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn harness(open: Option<&str>, save: Option<PathBuf>) -> Harness<'static, PhotoCheckPanel> {
    let picker = ScriptedPicker::new(open.map(fixture), save);
    let panel = PhotoCheckPanel::new(Box::new(picker), today());
    Harness::builder()
        .with_size(eframe::egui::vec2(980.0, 700.0))
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui_state(
            |ui, panel: &mut PhotoCheckPanel| {
                // Hosted the way the workstation hosts it: inside a panel.
                eframe::egui::CentralPanel::default().show(ui, |ui| panel.ui(ui));
            },
            panel,
        )
}

/// Steps until the worker is idle (bounded), then settles the UI.
fn wait_idle(h: &mut Harness<'static, PhotoCheckPanel>) {
    for _ in 0..600 {
        h.step();
        if !h.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!h.state().is_busy(), "photo job did not finish");
    h.run_steps(3);
}

fn open(h: &mut Harness<'static, PhotoCheckPanel>) {
    h.get_by_label("打开照片…").click();
    h.run_steps(2);
    wait_idle(h);
}

#[test]
fn empty_panel() {
    let mut h = harness(None, None);
    h.run_steps(2);
    h.snapshot("photo_check_empty");
}

#[test]
fn compliant_photo_with_overlays() {
    let mut h = harness(Some("ok_520x756.jpg"), None);
    open(&mut h);
    assert_eq!(h.state().report().unwrap().verdict, PhotoVerdict::Pass);
    h.get_by_label("背景区域着色").click();
    h.run_steps(2);
    h.snapshot("photo_check_compliant");
}

#[test]
fn failing_photo_highlights_clicked_check() {
    let mut h = harness(Some("bad_head_small.jpg"), None);
    open(&mut h);
    assert_eq!(h.state().report().unwrap().verdict, PhotoVerdict::Fail);
    h.get_by_label_contains("头部长度（头顶至下颌）：").click();
    h.run_steps(2);
    h.snapshot("photo_check_failing");
}

#[test]
fn unreadable_file_shows_error() {
    let mut h = harness(Some("hostile_truncated.jpg"), None);
    open(&mut h);
    assert!(h.state().error().unwrap().contains("hostile_truncated.jpg"));
    h.snapshot("photo_check_error");
}

#[test]
fn generates_and_saves_compliant_crop() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("合规照片.jpg");
    let mut h = harness(Some("large_margin_640x960.jpg"), Some(target.clone()));
    open(&mut h);
    assert_eq!(h.state().report().unwrap().verdict, PhotoVerdict::Fail);
    h.get_by_label("生成合规照片").click();
    h.run_steps(1);
    wait_idle(&mut h);
    let r = h.state().report().unwrap();
    assert_eq!((r.width_px, r.height_px), (260, 378));
    assert_eq!(r.verdict, PhotoVerdict::Pass);
    h.snapshot("photo_check_generated");

    h.get_by_label("保存合规照片…").click();
    h.run_steps(1);
    wait_idle(&mut h);
    assert!(target.exists());
    assert!(dir.path().join("合规照片_520x756.jpg").exists());
}

/// A file dropped on the window, as the native integration would hand it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl eframe::egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropped_file_is_checked() {
    let mut h = harness(None, None);
    h.run_steps(1);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(fixture("bad_greyscale.jpg"))));
    h.run_steps(1);
    wait_idle(&mut h);
    let r = h.state().report().unwrap();
    assert_eq!(r.verdict, PhotoVerdict::Fail);
    assert_eq!(r.check("colour").unwrap().verdict, PhotoVerdict::Fail);
}

#[test]
fn impossible_generation_says_why() {
    let mut h = harness(Some("bad_head_large.jpg"), None);
    open(&mut h);
    h.get_by_label("生成合规照片").click();
    h.run_steps(1);
    wait_idle(&mut h);
    // the report stays on the original photo and the reason is shown
    assert_eq!(h.state().report().unwrap().width_px, 260);
    h.get_by_label_contains("无法生成合规照片");
}
