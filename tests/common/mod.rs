//! Shared helpers for the screenshot tests: a pinned clock (2026-11-20 09:30
//! Beijing time), a database per test at a stable path, and a way to wait for
//! the worker thread without timing assumptions.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use counterdesk::app::runtime::clock::ManualClock;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::store::Store;
use counterdesk::ui::AppConfig;
use counterdesk::ui::CounterDeskApp;
use counterdesk::ui::kit::file_picker::PickerFactory;
use counterdesk::ui::kit::file_picker::ScriptedPicker;
use counterdesk::ui::shell::app::Phase;
use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

/// A fresh database path for one test, the same on every run (it is shown in
/// the status bar, so it appears in snapshots).
pub fn db_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("counterdesk-ui-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite3"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    // A fixed workstation key: its fingerprint appears on screen (系统设置, 数据交换).
    let key = counterdesk::app::exchange::keys::key_path(&path);
    std::fs::write(&key, format!("# test key\n{}\n", "5a".repeat(32))).unwrap();
    // Owner-only, as the app writes it (a readable key is refused).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

/// A database with the demo clerks (admin/admin2026, wangli/counter2026, zhaomin/review2026).
pub fn seeded_db(name: &str) -> PathBuf {
    let path = db_path(name);
    let mut store = Store::open(&path).unwrap();
    counterdesk::app::demo::seed(&mut store, t0()).unwrap();
    path
}

pub struct Ui {
    pub harness: Harness<'static, CounterDeskApp>,
    pub clock: ManualClock,
}

pub fn launch(target: DbTarget) -> Ui {
    launch_sized(target, [1280.0, 800.0], 1.0)
}

pub fn launch_sized(target: DbTarget, size: [f32; 2], pixels_per_point: f32) -> Ui {
    launch_full(
        target,
        size,
        pixels_per_point,
        Arc::new(|| Box::new(ScriptedPicker::new(Some(fixture("ok_520x756.jpg")), None))),
    )
}

pub fn launch_with_picker(target: DbTarget, picker: PickerFactory) -> Ui {
    launch_full(target, [1280.0, 800.0], 1.0, picker)
}

pub fn launch_full(
    target: DbTarget,
    size: [f32; 2],
    pixels_per_point: f32,
    picker: PickerFactory,
) -> Ui {
    let clock = ManualClock::new(t0());
    let config = AppConfig {
        target,
        clock: Arc::new(clock.clone()),
        picker,
        live_clock: false,
        startup_notice: None,
        // The offline tools notice a server that is back within a test.
        probe_every: std::time::Duration::from_millis(100),
    };
    let harness = Harness::builder()
        .with_size(size)
        .with_theme(egui::Theme::Light)
        .with_pixels_per_point(pixels_per_point)
        .build_eframe(move |cc| CounterDeskApp::new(cc, config));
    let mut ui = Ui { harness, clock };
    ui.settle();
    ui
}

impl Ui {
    /// Steps the window until `done` holds (news from a background thread),
    /// for up to 30 s; panics naming `what` after that.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&Self) -> bool) {
        for _ in 0..3000 {
            self.harness.step();
            if done(self) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("waited 30 s for {what}");
    }

    /// Steps until the worker has answered everything, then until egui is idle.
    pub fn settle(&mut self) {
        // Requests (a picked file, a click) may only start work a frame or two later.
        self.harness.run_steps(3);
        // A frame may start new work (a page fetched as the selection nears
        // the end) while the app waits on it, it repaints: wait again rather
        // than let `run` count those frames as never settling. On a loaded
        // machine the worker can take longer than `run`'s step budget.
        for _ in 0..20 {
            self.wait_for_worker();
            if self.harness.try_run().is_ok() && !self.busy() {
                return;
            }
        }
        self.harness.run();
    }

    fn busy(&self) -> bool {
        let app = self.harness.state();
        app.is_working() || matches!(app.phase, Phase::Opening)
    }

    fn wait_for_worker(&mut self) {
        for _ in 0..2000 {
            self.harness.step();
            if !self.busy() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn type_into(&mut self, label: &str, text: &str) {
        let node = self.harness.get_by_label(label);
        node.focus();
        node.type_text(text);
        // Typing may ask the worker something (is this number registered?).
        self.settle();
    }

    /// Clicks the button (or radio button) with this label.
    pub fn click(&mut self, label: &str) {
        // Navigation entries read "单位面签  Alt+4".
        let nav = format!("{label}  Alt+");
        let node = self
            .harness
            .query_by_role_and_label(Role::Button, label)
            .or_else(|| {
                self.harness
                    .query_by_role_and_label(Role::RadioButton, label)
            })
            .or_else(|| self.harness.query_by_label_contains(&nav))
            .unwrap_or_else(|| self.harness.get_by_label(label));
        node.click();
        self.settle();
    }

    pub fn press_enter(&mut self) {
        self.harness.key_press(egui::Key::Enter);
        self.settle();
    }

    /// Signs in by typing into the labelled fields and pressing Enter.
    pub fn sign_in(&mut self, user: &str, password: &str) {
        self.type_into("用户名", user);
        self.type_into("密码", password);
        self.press_enter();
    }

    pub fn app(&self) -> &CounterDeskApp {
        self.harness.state()
    }
}
