//! 数据交换 and 工作台 (issue 12): an import through the (scripted) file
//! dialog, its error list, its progress dialog, an export, and the dashboard
//! empty and busy, with the overdue list opening an application.

use counterdesk::app::runtime::call::Call;
use std::path::PathBuf;
use std::sync::Arc;

use crate::common::*;
use chrono::Duration;
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::exchange::Phase;
use counterdesk::app::exchange::Progress;
use counterdesk::app::exchange::demo_batch;
use counterdesk::app::exchange::verify::find_exports;
use counterdesk::app::exchange::verify::verify_folder;
use counterdesk::app::review;
use counterdesk::app::review::Decision;
use counterdesk::app::review::Req;
use counterdesk::app::review::Resp;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::domain::review::Reason;
use counterdesk::store::Store;
use counterdesk::ui::exchange::Exchange;
use counterdesk::ui::kit::file_picker::ScriptedPicker;
use counterdesk::ui::review::queue::ReviewQueue;
use counterdesk::ui::shell::screen::Screen;
use counterdesk::ui::shell::screen::ScreenCx;
use counterdesk::ui::shell::screen::ScreenEnv;
use counterdesk::ui::shell::screen_id::ScreenId;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A stable folder for batches and exports (its names appear on screen).
fn work_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("counterdesk-ui-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn picker(open: PathBuf, save: PathBuf) -> counterdesk::ui::kit::file_picker::PickerFactory {
    Arc::new(move || Box::new(ScriptedPicker::new(Some(open.clone()), Some(save.clone()))))
}

fn count(db: &std::path::Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn clerk(store: &mut Store, user: &str) -> SessionClerk {
    store
        .read(|tx| Ok(tx.clerk_by_username(user)?.map(|c| SessionClerk::from(&c))))
        .unwrap()
        .unwrap()
}

#[test]
fn import_through_the_dialog_then_export() {
    let db = seeded_db("exchange_import_ok");
    let dir = work_dir("exchange_import_ok");
    let batch = dir.join("batch-20261120.jsonl");
    demo_batch::write_batch(&batch, 200, 11, t0()).unwrap();
    let usb = dir.join("usb");
    let mut ui = launch_with_picker(DbTarget::File(db.clone()), picker(batch, usb.clone()));
    ui.sign_in("zhaomin", "review2026");
    ui.click("数据交换");
    ui.click("导入批次…");
    ui.settle();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM applications"), 200);
    let s = ui
        .app()
        .session()
        .unwrap()
        .screen_as::<Exchange>(ScreenId::Exchange)
        .unwrap();
    assert!(s.message.as_ref().unwrap().text.contains("新增 200 件"));
    ui.click("导出到…");
    ui.settle();
    let folders = find_exports(&usb).unwrap();
    assert_eq!(folders.len(), 1);
    assert!(verify_folder(&folders[0], None).intact);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'data_exported'"
        ),
        1
    );
}

#[test]
fn a_rejected_batch_lists_its_problems_by_line() {
    let db = seeded_db("exchange_import_errors");
    let dir = work_dir("exchange_import_errors");
    let batch = dir.join("batch-20261120.jsonl");
    demo_batch::write_batch(&batch, 40, 12, t0()).unwrap();
    let text = std::fs::read_to_string(&batch).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[6] = r#"{"app_no": "SL202611200000007", "kind": "new""#.into();
    lines[12] = lines[12].replacen("\"kind\":\"", "\"kind\":\"x", 1);
    lines[20] = lines[20].replacen("\"doc_no\":\"", "\"doc_no\":\"9", 1);
    lines[31] = lines[31].replacen("\"name\":\"", "\"nam\":\"", 1);
    lines.push(lines[3].clone());
    std::fs::write(&batch, lines.join("\n")).unwrap();
    let mut ui = launch_with_picker(DbTarget::File(db.clone()), picker(batch, dir.join("usb")));
    ui.sign_in("zhaomin", "review2026");
    ui.click("数据交换");
    ui.click("导入批次…");
    ui.settle();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM applications"), 0);
    let s = ui
        .app()
        .session()
        .unwrap()
        .screen_as::<Exchange>(ScreenId::Exchange)
        .unwrap();
    let r = s.rejection.as_ref().expect("a rejection");
    let lines: Vec<u64> = r.problems.shown.iter().map(|p| p.line).collect();
    assert!(
        lines.contains(&7) && lines.contains(&13) && lines.contains(&21) && lines.contains(&32)
    );
    assert!(lines.contains(&41), "the duplicate number");
    ui.harness.snapshot("exchange_import_errors");
}

#[test]
fn the_import_dialog_shows_progress_and_a_cancel_button() {
    let progress = Progress::new();
    progress.set(Phase::Writing, 42_000, 100_000);
    let env = ScreenEnv {
        picker: Arc::new(|| Box::new(ScriptedPicker::default())),
        today: t0().date_naive(),
    };
    let screen = Exchange::with_running_import(&env, "batch-20261120.jsonl", progress.clone());
    let clerk = SessionClerk {
        id: 3,
        username: "zhaomin".into(),
        display_name: "赵敏".into(),
        role: counterdesk::domain::clerks::clerk::Role::Supervisor,
        must_change_password: false,
    };
    let settings = counterdesk::domain::clerks::settings::Settings::default();
    // The app's clock, moved on by the test: the time still to go follows it.
    let clock = std::rc::Rc::new(std::cell::Cell::new(t0()));
    let now = clock.clone();
    let mut h = Harness::builder()
        .with_size([900.0, 560.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(egui::Theme::Light)
        .build_ui_state(
            move |ui, s: &mut Exchange| {
                let db = counterdesk::store::Location::File("counterdesk.sqlite3".into());
                let cx = ScreenCx {
                    clerk: &clerk,
                    settings: &settings,
                    db: &db,
                    now: now.get(),
                    today: t0().date_naive(),
                    busy: true,
                };
                let mut out = counterdesk::ui::shell::outbox::Outbox::default();
                egui::CentralPanel::default().show(ui, |ui| s.show(ui, &cx, &mut out));
            },
            screen,
        );
    h.run_steps(4);
    assert!(h.query_by_label_contains("正在估算剩余时间").is_some());
    // 71 % done after a minute (writing is the second half): about 24 s to go.
    clock.set(t0() + chrono::Duration::seconds(60));
    h.run_steps(2);
    assert!(h.query_by_label_contains("预计还需约 24 秒").is_some());
    h.snapshot("exchange_import_progress");
    h.get_by_label("取消 (Esc)").click();
    h.run_steps(2);
    assert!(progress.cancelled());
}

#[test]
fn dashboard_empty() {
    let db = seeded_db("dashboard_empty");
    let mut ui = launch(DbTarget::File(db));
    ui.sign_in("zhaomin", "review2026");
    ui.settle();
    ui.harness.snapshot("dashboard_empty");
}

#[test]
fn dashboard_busy_and_the_overdue_list_opens_an_application() {
    let db = seeded_db("dashboard_busy");
    {
        let mut store = Store::open(&db).unwrap();
        // Demo data spreads over the last working days: a batch from three
        // days ago (overdue now) and one from today.
        counterdesk::app::demo::queue::generate(&mut store, 300, 5, t0() - Duration::days(3))
            .unwrap();
        counterdesk::app::demo::queue::generate(&mut store, 300, 6, t0()).unwrap();
        let sup = clerk(&mut store, "zhaomin");
        // Decisions on each of the last 14 days, some rejected for reasons.
        // Oldest day first: decision ids follow time, as at a real counter.
        for k in (0..14i64).rev() {
            let at = t0() - Duration::days(k) - Duration::hours(1);
            for i in 0..(2 + (k * 7) % 6) {
                let Resp::Claimed(Some(item)) = review::handle(
                    Call::new(&mut store, at, &sup),
                    Req::ClaimNext { kind: None },
                )
                .unwrap() else {
                    break;
                };
                let Some(ticket) = item.ticket else { continue };
                let mut reasons = item.pre_checks.preselected.clone();
                if reasons.is_empty() && i % 3 == 0 {
                    let r = [Reason::PhotoGlare, Reason::PhotoBeautified][(k % 2) as usize];
                    // A company item has no photo: its own reason instead.
                    reasons.push(if r.applies_to(item.kind) {
                        r
                    } else {
                        Reason::ScanUnreadable
                    });
                }
                let verdict = if reasons.is_empty() {
                    Decision::Approve
                } else {
                    Decision::Reject {
                        reasons,
                        free_text: String::new(),
                    }
                };
                review::handle(
                    Call::new(&mut store, at, &sup),
                    Req::Decide {
                        ticket,
                        verdict,
                        then_next: false,
                    },
                )
                .unwrap();
            }
        }
    }
    let mut ui = launch(DbTarget::File(db));
    ui.sign_in("zhaomin", "review2026");
    ui.settle();
    ui.harness.snapshot("dashboard_busy");
    let d = ui
        .app()
        .session()
        .unwrap()
        .screen_as::<counterdesk::ui::exchange::dashboard::Dashboard>(ScreenId::Dashboard)
        .unwrap()
        .data
        .clone()
        .unwrap();
    assert!(
        d.export_overdue,
        "decisions older than 3 days are not exported"
    );
    assert!(d.data.my_decisions_today > 0);
    let first = d.data.oldest_overdue[0].app_no.clone();
    ui.harness.get_by_label(&first).click();
    ui.settle();
    let s = ui.app().session().unwrap();
    assert_eq!(s.screen, ScreenId::ReviewQueue);
    let q = s.screen_as::<ReviewQueue>(ScreenId::ReviewQueue).unwrap();
    assert!(q.review.is_some(), "the application is open for review");
}
