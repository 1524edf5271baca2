//! Keyboard-first (issue 9) and reply routing (issue 8): shortcuts never type
//! into fields, focus is where the next piece of work starts, drafts come
//! back field by field, lock reasons are honest, replies reach their sender.

use std::time::Duration as StdDuration;

use crate::common::*;
use chrono::Duration;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::store::Store;
use counterdesk::ui::documents::document_check::DocumentCheck;
use counterdesk::ui::shell::app::Phase;
use counterdesk::ui::shell::screen_id::ScreenId;
use eframe::egui::{self, Event, Key, Modifiers};
use egui_kittest::kittest::Queryable;

fn doc_text(ui: &Ui) -> String {
    ui.app()
        .session()
        .and_then(|s| s.screen_as::<DocumentCheck>(ScreenId::DocumentCheck))
        .map(|d| d.panel.text().to_owned())
        .unwrap_or_default()
}

/// Alt+digit as a real keyboard sends it: the key, and the digit as text.
fn alt_digit(ui: &mut Ui, key: Key, digit: &str) {
    ui.harness.key_down_modifiers(Modifiers::ALT, key);
    ui.harness
        .event_modifiers(Event::Text(digit.to_owned()), Modifiers::ALT);
    ui.harness.key_up_modifiers(Modifiers::ALT, key);
    ui.settle();
}

fn focused(ui: &Ui, labels: &[&'static str]) -> Option<&'static str> {
    labels
        .iter()
        .copied()
        .find(|l| ui.harness.query_by_label(l).is_some_and(|n| n.is_focused()))
}

#[test]
fn alt_shortcuts_never_type_into_the_focused_field() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_alt_digits")));
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num5, "5");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::DocumentCheck);
    assert!(ui.harness.get_by_label("证件号码").is_focused());
    assert_eq!(doc_text(&ui), "");
    ui.type_into("证件号码", "11010519491231002X");
    alt_digit(&mut ui, Key::Num6, "6");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::PhotoCheck);
    alt_digit(&mut ui, Key::Num5, "5");
    assert_eq!(doc_text(&ui), "11010519491231002X");
    // Alt+1 from an empty focused field types nothing either.
    alt_digit(&mut ui, Key::Num1, "1");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::Dashboard);
    alt_digit(&mut ui, Key::Num5, "5");
    assert_eq!(doc_text(&ui), "11010519491231002X");
}

#[test]
fn enter_in_document_check_keeps_focus_and_the_next_scan_replaces_the_number() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_enter_scan")));
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num5, "5");
    ui.type_into("证件号码", "11010519491231002X");
    ui.press_enter();
    assert!(ui.harness.get_by_label("证件号码").is_focused());
    // The reader "types" the next number: it replaces the selected one.
    ui.harness
        .get_by_label("证件号码")
        .type_text("440524188001010014");
    ui.settle();
    assert_eq!(doc_text(&ui), "440524188001010014");
}

#[test]
fn a_partial_number_is_neutral_until_complete() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_partial")));
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num5, "5");
    ui.type_into("证件号码", "1101051949");
    ui.harness.get_by_label("输入中");
    assert!(ui.harness.query_by_label("无效").is_none());
    ui.harness.snapshot("document_check_partial");
}

#[test]
fn login_focus_enter_and_tab_order() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_login")));
    assert_eq!(focused(&ui, &["用户名", "密码"]), Some("用户名"));
    ui.harness.get_by_label("用户名").type_text("wangli");
    ui.settle();
    // Enter in the name moves on to the password.
    ui.harness.key_press(Key::Enter);
    ui.settle();
    assert_eq!(focused(&ui, &["用户名", "密码"]), Some("密码"));
    ui.harness.get_by_label("密码").type_text("wrong2026");
    ui.press_enter();
    // After a refusal the cursor is in the password field, ready to retry.
    assert_eq!(focused(&ui, &["用户名", "密码"]), Some("密码"));
    ui.harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    ui.settle();
    assert_eq!(focused(&ui, &["用户名", "密码"]), Some("用户名"));
}

#[test]
fn setup_form_opens_on_its_first_field_and_tabs_down_the_form() {
    let mut ui = launch(DbTarget::File(db_path("kb_setup")));
    let order = ["单位名称", "用户名", "姓名", "密码", "确认密码"];
    assert_eq!(focused(&ui, &order), Some("单位名称"));
    for next in &order[1..] {
        ui.harness.key_press(Key::Tab);
        ui.settle();
        assert_eq!(focused(&ui, &order), Some(*next));
    }
}

#[test]
fn forced_password_change_opens_on_the_old_password() {
    let path = seeded_db("kb_forced");
    {
        let mut s = Store::open(&path).unwrap();
        let admin = counterdesk::app::clerks::session::login(
            &mut s,
            "admin",
            "admin2026",
            counterdesk::app::clerks::session::LoginPurpose::SignIn,
            None,
            t0(),
        )
        .unwrap();
        let counterdesk::app::clerks::session::LoginOutcome::Success(admin) = admin else {
            panic!("admin")
        };
        counterdesk::app::clerks::accounts::reset_password(&mut s, &admin, 2, "temp2026a", t0())
            .unwrap();
    }
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "temp2026a");
    let order = ["原密码", "新密码", "确认新密码"];
    assert_eq!(focused(&ui, &order), Some("原密码"));
    ui.harness.key_press(Key::Tab);
    ui.settle();
    assert_eq!(focused(&ui, &order), Some("新密码"));
}

#[test]
fn new_account_enter_submits_and_tab_never_reaches_logout() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_accounts")));
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    assert!(ui.harness.get_by_label("新用户名").is_focused());
    ui.type_into("新用户名", "liuyang");
    ui.type_into("新账号姓名", "刘洋");
    ui.click("窗口");
    ui.type_into("初始密码", "start2026");
    // Tab from the last field cycles inside the page, never to 退出登录.
    ui.harness.key_press(Key::Tab);
    ui.settle();
    for bar in ["退出登录", "锁屏 (Ctrl+L)", "修改密码"] {
        assert!(!ui.harness.get_by_label(bar).is_focused(), "{bar}");
    }
    ui.harness.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    ui.settle();
    assert!(ui.harness.get_by_label("初始密码").is_focused());
    ui.press_enter();
    ui.harness.get_by_label_contains("已创建账号 liuyang");
    assert!(matches!(ui.app().phase, Phase::Main(_)), "still signed in");
}

#[test]
fn manual_and_idle_locks_are_told_apart() {
    let path = seeded_db("kb_lock_reasons");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    ui.settle();
    assert!(ui.app().is_locked());
    ui.harness.get_by_label_contains("已手动锁屏");
    ui.type_into("密码", "counter2026");
    ui.press_enter();
    assert!(!ui.app().is_locked());
    ui.clock.advance(Duration::minutes(6));
    ui.settle();
    ui.harness.get_by_label_contains("闲置超过 5 分钟自动锁屏");
    drop(ui);
    let mut s = Store::open(&path).unwrap();
    let codes: Vec<String> = s
        .read(|tx| tx.audit_tail(20))
        .unwrap()
        .into_iter()
        .map(|r| r.action_code)
        .collect();
    let manual = codes.iter().position(|c| c == "manual_locked");
    let idle = codes.iter().position(|c| c == "idle_locked");
    assert!(
        manual.is_some() && idle.is_some() && idle < manual,
        "{codes:?}"
    );
}

#[test]
fn drafts_come_back_after_a_take_over_and_after_a_restart() {
    let path = seeded_db("kb_drafts");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num5, "5");
    ui.type_into("证件号码", "1101051949123");
    ui.clock.advance(Duration::minutes(6));
    ui.settle();
    assert!(ui.app().is_locked());
    ui.type_into("其他账号用户名", "zhaomin");
    ui.type_into("其他账号密码", "review2026");
    ui.press_enter();
    assert_eq!(ui.app().session().unwrap().clerk.username, "zhaomin");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::Dashboard);
    alt_digit(&mut ui, Key::Num3, "3");
    assert_eq!(doc_text(&ui), "", "the other clerk sees nothing");
    ui.click("退出登录");
    ui.sign_in("wangli", "counter2026");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::DocumentCheck);
    assert_eq!(doc_text(&ui), "1101051949123");
    // Typed on, saved as they type (after a pause), then the app is closed.
    ui.type_into("证件号码", "1002X");
    ui.clock.advance(Duration::seconds(3));
    ui.settle();
    drop(ui);
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    assert_eq!(doc_text(&ui), "11010519491231002X");
}

#[test]
fn a_failed_request_shows_on_its_own_screen_while_a_dialog_is_open() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_routing")));
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    ui.type_into("新用户名", "x");
    ui.click("窗口");
    ui.type_into("初始密码", "start2026");
    // Send, and open the password dialog before the answer is delivered.
    ui.harness
        .query_by_role_and_label(egui::accesskit::Role::Button, "创建账号")
        .unwrap()
        .click();
    ui.harness.step();
    ui.harness.get_by_label("修改密码").click();
    ui.settle();
    assert!(ui.app().session().unwrap().password.is_some());
    assert!(
        ui.app()
            .session()
            .unwrap()
            .password
            .as_ref()
            .unwrap()
            .message
            .is_none(),
        "the failure did not land in the password dialog"
    );
    ui.harness.key_press(Key::Escape);
    ui.settle();
    let shown = ui.harness.query_all_by_label_contains("× ").count();
    assert!(shown >= 1, "the error is on the accounts screen");
}

#[test]
fn a_reply_for_a_closed_session_is_dropped() {
    let mut ui = launch(DbTarget::File(seeded_db("kb_stale")));
    ui.sign_in("zhaomin", "review2026");
    let before = ui.app().dropped_replies;
    // Ask for the audit log and log out before it answers.
    ui.harness.key_press_modifiers(Modifiers::ALT, Key::Num5);
    ui.harness.step();
    ui.harness.get_by_label("退出登录").click();
    ui.settle();
    assert!(matches!(ui.app().phase, Phase::Login(_)));
    assert!(ui.app().dropped_replies > before);
    assert!(ui.harness.query_by_label_contains("× ").is_none());
}

#[test]
fn a_double_click_opens_one_file_dialog() {
    use counterdesk::ui::kit::file_picker::ScriptedPicker;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let opened = Arc::new(AtomicUsize::new(0));
    let counter = opened.clone();
    let mut ui = launch_with_picker(
        DbTarget::File(seeded_db("kb_double_click")),
        Arc::new(move || {
            let mut p = ScriptedPicker::new(None, None);
            p.opened = counter.clone();
            p.stays_open_for = 20;
            Box::new(p)
        }),
    );
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num6, "6");
    let button = ui.harness.get_by_label("打开照片…");
    button.click();
    ui.harness.step();
    ui.harness.get_by_label("打开照片…").click();
    ui.harness.step();
    ui.settle();
    assert_eq!(opened.load(Ordering::SeqCst), 1);
}

#[test]
fn no_file_dialog_says_so_and_offers_drag_and_drop() {
    use counterdesk::ui::kit::file_picker::ScriptedPicker;
    use std::sync::Arc;
    let mut ui = launch_with_picker(
        DbTarget::File(seeded_db("kb_no_dialog")),
        Arc::new(|| {
            Box::new(ScriptedPicker::new(
                Some(std::path::PathBuf::from("<unavailable>")),
                None,
            ))
        }),
    );
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num6, "6");
    ui.click("打开照片…");
    ui.harness.get_by_label_contains("拖到本窗口");
}

/// Every screen at the smallest counter screen, 1024×600.
#[test]
fn every_screen_fits_a_1024_by_600_screen() {
    let mut ui = launch_sized(
        DbTarget::File(seeded_db("kb_small_admin")),
        [1024.0, 600.0],
        1.0,
    );
    ui.sign_in("admin", "admin2026");
    for (key, name) in [
        (Key::Num1, "small_dashboard"),
        (Key::Num2, "small_review_queue"),
        (Key::Num3, "small_document_check"),
        (Key::Num4, "small_photo_check"),
        (Key::Num5, "small_audit_log"),
        (Key::Num6, "small_accounts"),
    ] {
        ui.harness.key_press_modifiers(Modifiers::ALT, key);
        ui.settle();
        ui.harness.snapshot(name);
    }
}

#[test]
fn counter_screens_fit_a_1024_by_600_screen() {
    let mut ui = launch_sized(
        DbTarget::File(seeded_db("kb_small_counter")),
        [1024.0, 600.0],
        1.0,
    );
    ui.harness.snapshot("small_login");
    ui.sign_in("wangli", "counter2026");
    for (key, name) in [
        (Key::Num3, "small_person_registration"),
        (Key::Num4, "small_company_registration"),
    ] {
        ui.harness.key_press_modifiers(Modifiers::ALT, key);
        ui.settle();
        ui.harness.snapshot(name);
    }
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    ui.settle();
    ui.harness.snapshot("small_lock");
}

/// Unused in this binary unless the child mode runs.
#[allow(dead_code)]
fn wait_for(path: &std::path::Path, secs: u64) -> bool {
    let until = std::time::Instant::now() + StdDuration::from_secs(secs);
    while std::time::Instant::now() < until {
        if path.exists() {
            return true;
        }
        std::thread::sleep(StdDuration::from_millis(50));
    }
    false
}

const CHILD_ENV: &str = "COUNTERDESK_DRAFT_CHILD_DB";

/// The child half of the kill test: types a draft, waits for it to be
/// saved, signals, then waits to be killed.
#[test]
#[ignore = "run by drafts_survive_kill_9 as a child process"]
fn draft_child() {
    let Some(db) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let db = std::path::PathBuf::from(db);
    let mut ui = launch(DbTarget::File(db.clone()));
    ui.sign_in("wangli", "counter2026");
    alt_digit(&mut ui, Key::Num5, "5");
    ui.type_into("证件号码", "440524188001");
    ui.clock.advance(Duration::seconds(3));
    ui.settle();
    std::fs::write(db.with_extension("ready"), "ready").unwrap();
    std::thread::sleep(StdDuration::from_secs(120));
}

#[cfg(unix)]
#[test]
fn drafts_survive_kill_9() {
    let path = seeded_db("kb_kill9");
    let ready = path.with_extension("ready");
    let _ = std::fs::remove_file(&ready);
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "ui_keyboard::draft_child",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(&ready, 120), "the child saved its draft");
    child.kill().unwrap(); // SIGKILL: no destructor, no flush
    child.wait().unwrap();
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::DocumentCheck);
    assert_eq!(doc_text(&ui), "440524188001");
    // Unfinished input: logging out asks first.
    ui.click("退出登录");
    ui.harness
        .get_by_label_contains("以下页面有未完成的录入：证件核验");
    ui.harness.snapshot("logout_confirm");
    ui.click("确定退出 (Enter)");
    ui.sign_in("zhaomin", "review2026");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::Dashboard);
    alt_digit(&mut ui, Key::Num3, "3");
    assert_eq!(doc_text(&ui), "", "never visible to another clerk");
}
