//! Screenshot tests of the foundation screens, driven through accessible labels.

use crate::common;
use counterdesk::app::clerks::accounts;
use counterdesk::app::clerks::session;

use crate::common::{Ui, db_path, launch, seeded_db, t0};
use chrono::Duration;
use counterdesk::app::clerks::session::LoginPurpose;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::store::Store;
use counterdesk::ui::photo::screen::PhotoScreen;
use counterdesk::ui::shell::app::Phase;
use counterdesk::ui::shell::screen_id::ScreenId;
use egui_kittest::kittest::Queryable;

fn photo(
    s: &counterdesk::ui::shell::session::Session,
) -> &counterdesk::ui::photo::check::PhotoCheckPanel {
    &s.screen_as::<PhotoScreen>(ScreenId::PhotoCheck)
        .unwrap()
        .panel
}

fn signed_in_role(ui: &Ui) -> Option<Role> {
    ui.app().session().map(|s| s.clerk.role)
}

#[test]
fn first_run_creates_the_administrator() {
    let mut ui = launch(DbTarget::File(db_path("first_run")));
    assert!(matches!(ui.app().phase, Phase::Setup(_)));
    ui.harness.snapshot("setup_first_run");
    ui.type_into("单位名称", "某市车辆管理所");
    ui.type_into("用户名", "chief");
    ui.type_into("姓名", "李强");
    ui.type_into("密码", "chief2026");
    ui.type_into("确认密码", "chief2026");
    ui.click("创建并登录");
    assert_eq!(signed_in_role(&ui), Some(Role::Admin));
    assert_eq!(ui.app().settings.office_name, "某市车辆管理所");
}

#[test]
fn setup_rejects_mismatched_passwords() {
    let mut ui = launch(DbTarget::File(db_path("setup_mismatch")));
    ui.type_into("单位名称", "某市车辆管理所");
    ui.type_into("用户名", "chief");
    ui.type_into("姓名", "李强");
    ui.type_into("密码", "chief2026");
    ui.type_into("确认密码", "chief2027");
    ui.click("创建并登录");
    assert!(matches!(ui.app().phase, Phase::Setup(_)));
    ui.harness.get_by_label_contains("两次输入的密码不一致");
}

#[test]
fn login_screen_empty() {
    let mut ui = launch(DbTarget::File(seeded_db("login_empty")));
    assert!(matches!(ui.app().phase, Phase::Login(_)));
    ui.harness.snapshot("login_empty");
}

#[test]
fn login_by_typing_and_clicking() {
    let mut ui = launch(DbTarget::File(seeded_db("login_click")));
    ui.type_into("用户名", "wangli");
    ui.type_into("密码", "counter2026");
    ui.click("登录");
    assert_eq!(signed_in_role(&ui), Some(Role::Counter));
    ui.harness.snapshot("main_counter");
}

#[test]
fn wrong_password_gives_the_same_message_as_an_unknown_name() {
    let mut ui = launch(DbTarget::File(seeded_db("login_wrong")));
    ui.sign_in("wangli", "wrong2026");
    assert!(matches!(ui.app().phase, Phase::Login(_)));
    ui.harness
        .get_by_label_contains("用户名或密码错误。连续失败 5 次将锁定 15 分钟。");
    ui.harness.snapshot("login_wrong_password");
}

#[test]
fn locked_account_says_until_when() {
    let path = seeded_db("login_locked");
    {
        let mut s = Store::open(&path).unwrap();
        for _ in 0..5 {
            session::login(
                &mut s,
                "wangli",
                "wrong2026",
                LoginPurpose::SignIn,
                None,
                t0(),
            )
            .unwrap();
        }
    }
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    assert!(matches!(ui.app().phase, Phase::Login(_)));
    ui.harness.get_by_label_contains("09:45");
    ui.harness.snapshot("login_locked");
}

#[test]
fn main_window_supervisor() {
    let mut ui = launch(DbTarget::File(seeded_db("main_supervisor")));
    ui.sign_in("zhaomin", "review2026");
    assert_eq!(signed_in_role(&ui), Some(Role::Supervisor));
    ui.harness.snapshot("main_supervisor");
}

#[test]
fn main_window_admin() {
    let mut ui = launch(DbTarget::File(seeded_db("main_admin")));
    ui.sign_in("admin", "admin2026");
    assert_eq!(signed_in_role(&ui), Some(Role::Admin));
    ui.harness.snapshot("main_admin");
}

#[test]
fn idle_lock_and_unlock() {
    let mut ui = launch(DbTarget::File(seeded_db("idle_lock")));
    ui.sign_in("wangli", "counter2026");
    ui.clock.advance(Duration::minutes(4));
    ui.settle();
    assert!(!ui.app().is_locked(), "locks only after 5 idle minutes");
    ui.clock.advance(Duration::minutes(1));
    ui.settle();
    assert!(ui.app().is_locked());
    ui.harness.snapshot("idle_lock");
    ui.type_into("密码", "counter2026");
    ui.press_enter();
    assert!(!ui.app().is_locked());
    assert_eq!(signed_in_role(&ui), Some(Role::Counter));
}

#[test]
fn a_second_clerk_ends_the_first_session_and_sees_none_of_its_work() {
    let mut ui = launch(DbTarget::File(seeded_db("switch_clerk")));
    ui.sign_in("wangli", "counter2026");
    ui.click("单位面签");
    assert_eq!(
        ui.app().session().unwrap().screen,
        ScreenId::CompanyRegistration
    );
    ui.clock.advance(Duration::minutes(6));
    ui.settle();
    assert!(ui.app().is_locked());
    ui.type_into("其他账号用户名", "zhaomin");
    ui.type_into("其他账号密码", "review2026");
    ui.press_enter();
    let s = ui.app().session().unwrap();
    assert_eq!(s.clerk.username, "zhaomin");
    assert!(s.lock.is_none());
    assert_eq!(
        s.screen,
        ScreenId::Dashboard,
        "the first clerk's work is not shown"
    );
    // The first clerk gets their work back when they sign in again.
    ui.click("退出登录");
    ui.sign_in("wangli", "counter2026");
    assert_eq!(
        ui.app().session().unwrap().screen,
        ScreenId::CompanyRegistration
    );
}

#[test]
fn account_management() {
    let mut ui = launch(DbTarget::File(seeded_db("accounts")));
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    ui.harness.get_by_label("wangli");
    ui.harness.snapshot("accounts");
    // Create an account by typing.
    ui.type_into("新用户名", "liuyang");
    ui.type_into("新账号姓名", "刘洋");
    ui.click("窗口");
    ui.type_into("初始密码", "start2026");
    ui.click("创建账号");
    ui.harness.get_by_label("liuyang");
    ui.harness.get_by_label_contains("已创建账号 liuyang");
}

#[test]
fn forced_password_change_after_reset() {
    let path = seeded_db("forced_change");
    {
        let mut s = Store::open(&path).unwrap();
        let admin = match session::login(
            &mut s,
            "admin",
            "admin2026",
            LoginPurpose::SignIn,
            None,
            t0(),
        )
        .unwrap()
        {
            session::LoginOutcome::Success(c) => c,
            other => panic!("{other:?}"),
        };
        let id = s
            .read(|tx| tx.clerk_by_username("wangli"))
            .unwrap()
            .unwrap()
            .id;
        accounts::reset_password(&mut s, &admin, id, "temp2026x", t0()).unwrap();
    }
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "temp2026x");
    assert!(
        ui.app()
            .session()
            .unwrap()
            .password
            .as_ref()
            .is_some_and(|p| p.forced)
    );
    ui.harness.snapshot("password_forced");
    ui.type_into("原密码", "temp2026x");
    ui.type_into("新密码", "mine2026y");
    ui.type_into("确认新密码", "mine2026y");
    ui.click("保存新密码");
    assert!(ui.app().session().unwrap().password.is_none());
}

#[test]
fn audit_log_screen_lists_and_verifies() {
    let mut ui = launch(DbTarget::File(seeded_db("audit_screen")));
    ui.sign_in("zhaomin", "review2026");
    ui.click("审计日志");
    ui.click("校验哈希链");
    ui.harness.get_by_label_contains("哈希链完整");
    ui.harness.snapshot("audit_log");
}

#[test]
fn database_error_window() {
    let path = db_path("not_a_database");
    std::fs::write(&path, "这不是数据库\n".repeat(40)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut ui = launch(DbTarget::File(path.clone()));
    assert!(matches!(ui.app().phase, Phase::DbError { .. }));
    ui.harness.snapshot("db_error");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn renders_crisply_at_2x() {
    let mut ui = common::launch_sized(DbTarget::File(seeded_db("login_2x")), [640.0, 480.0], 2.0);
    ui.harness.snapshot("login_2x");
}

#[test]
fn document_check_screen_in_the_workstation() {
    let mut ui = launch(DbTarget::File(seeded_db("shell_document_check")));
    ui.sign_in("wangli", "counter2026");
    ui.harness
        .key_press_modifiers(eframe::egui::Modifiers::ALT, eframe::egui::Key::Num5);
    ui.settle();
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::DocumentCheck);
    // Keyboard-first: the number field has focus as soon as the screen opens.
    assert!(ui.harness.get_by_label("证件号码").is_focused());
    ui.type_into("证件号码", "11010519491231002X");
    ui.harness.snapshot("shell_document_check");
}

#[test]
fn photo_check_screen_in_the_workstation() {
    let mut ui = launch(DbTarget::File(seeded_db("shell_photo_check")));
    ui.sign_in("wangli", "counter2026");
    ui.click("照片检测");
    ui.click("打开照片…");
    ui.settle();
    let s = ui.app().session().unwrap();
    assert!(photo(s).report().is_some(), "{:?}", photo(s).error());
    ui.harness.snapshot("shell_photo_check");
}

#[test]
fn keyboard_only_login_with_tab_and_enter() {
    let mut ui = launch(DbTarget::File(seeded_db("keyboard_login")));
    // The user-name field has focus when the login screen opens.
    assert!(ui.harness.get_by_label("用户名").is_focused());
    ui.harness.get_by_label("用户名").type_text("wangli");
    ui.harness.key_press(eframe::egui::Key::Tab);
    ui.settle();
    assert!(ui.harness.get_by_label("密码").is_focused());
    ui.harness.get_by_label("密码").type_text("counter2026");
    ui.press_enter();
    assert_eq!(signed_in_role(&ui), Some(Role::Counter));
    // Ctrl+L locks at once.
    ui.harness
        .key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::L);
    ui.settle();
    assert!(ui.app().is_locked());
}

#[test]
fn voluntary_password_change_dialog() {
    let mut ui = launch(DbTarget::File(seeded_db("password_dialog")));
    ui.sign_in("zhaomin", "review2026");
    ui.click("修改密码");
    ui.type_into("原密码", "review2026");
    ui.type_into("新密码", "short1");
    ui.type_into("确认新密码", "short1");
    ui.click("保存新密码");
    ui.harness.get_by_label_contains("密码至少 8 位");
    ui.harness.snapshot("password_dialog_error");
    ui.click("取消 (Esc)");
    assert!(ui.app().session().unwrap().password.is_none());
}

#[test]
fn account_reset_form() {
    let mut ui = launch(DbTarget::File(seeded_db("accounts_reset")));
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    ui.click("重置密码 wangli");
    ui.type_into("临时密码", "temp2026z");
    ui.harness.snapshot("accounts_reset");
    ui.click("确认重置");
    ui.harness
        .get_by_label_contains("已重置 王丽（wangli，窗口） 的密码");
    // Disabling asks first and names the account.
    ui.click("停用 wangli");
    ui.harness
        .get_by_label_contains("确定停用账号 王丽（wangli）");
    ui.harness.snapshot("accounts_disable_confirm");
    ui.click("确认停用");
    ui.harness
        .get_by_label_contains("已停用账号 王丽（wangli，窗口）");
    ui.harness.get_by_label("启用 wangli");
}

#[test]
fn audit_log_screen_reports_a_tampered_row() {
    let path = seeded_db("audit_tampered");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 3;",
        )
        .unwrap();
    }
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("zhaomin", "review2026");
    ui.click("审计日志");
    ui.click("校验哈希链");
    ui.harness.get_by_label_contains("第 3 条记录起哈希链断裂");
    ui.harness.snapshot("audit_log_broken");
}

/// Office mode: the status bar names the server, and when the server drops
/// every workstation connection the window shows one calm line until the
/// worker and the listener are back.
#[test]
fn office_mode_names_the_server_and_rides_out_a_dropped_connection() {
    use counterdesk::store::postgres::{Connector, Prompt, Target};
    let Some(db) = crate::pg::test_db("ui_office") else {
        return;
    };
    let target = Target::parse(&db.app_url()).unwrap();
    {
        let mut store =
            counterdesk::store::Store::open_office(target.clone(), Prompt::Never).unwrap();
        counterdesk::app::demo::seed(&mut store, t0()).unwrap();
    }
    let connector = std::sync::Arc::new(Connector::new(target, Prompt::Never).unwrap());
    let mut ui = launch(DbTarget::Office(connector));
    match &ui.app().phase {
        Phase::DbError { message, .. } => panic!("{message}"),
        Phase::Login(_) => {}
        Phase::Opening => panic!("still opening"),
        Phase::Setup(_) => panic!("setup"),
        Phase::Main(_) => panic!("main"),
        Phase::Offline(_) => panic!("offline"),
    }
    ui.sign_in("wangli", "counter2026");
    assert_eq!(signed_in_role(&ui), Some(Role::Counter));
    ui.harness
        .get_by_label_contains(&format!("办公室服务器 127.0.0.1:{}/", db.cluster.port));

    db.admin()
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND usename = 'counterdesk_app'",
        )
        .unwrap();
    let line = counterdesk::ui::shell::db_error::LINK_LOST;
    ui.wait_until("the calm line", |ui| {
        ui.harness.query_by_label_contains(line).is_some()
    });
    ui.wait_until("the calm line to go once the server is back", |ui| {
        ui.harness.query_by_label_contains(line).is_none()
    });
    // Work goes on over the new connections: signing out and in again
    // needs the writer.
    // The requests the outage held are answered before the clerk signs out
    // (the window does not sign out under a request in flight).
    ui.settle();
    ui.click("退出登录");
    for _ in 0..100 {
        ui.settle();
        if matches!(ui.app().phase, Phase::Login(_)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    match &ui.app().phase {
        Phase::Login(_) => {}
        Phase::Main(_) => panic!("still signed in after 退出登录"),
        Phase::DbError { message, .. } => panic!("{message}"),
        _ => panic!("other phase"),
    }
    ui.sign_in("zhaomin", "review2026");
    assert_eq!(signed_in_role(&ui), Some(Role::Supervisor));
}

#[test]
fn office_link_lost_line() {
    let mut h = egui_kittest::Harness::builder()
        .with_size([900.0, 60.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui(counterdesk::ui::shell::db_error::link_lost_bar);
    h.run();
    h.snapshot("office_link_lost");
}

#[test]
fn office_clock_skew_line() {
    let mut h = egui_kittest::Harness::builder()
        .with_size([900.0, 60.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui(|ui| counterdesk::ui::shell::db_error::clock_skew_bar(ui, 300));
    h.run();
    h.snapshot("office_clock_skew");
}

/// One counter at a time per clerk: signing in at a second window takes the
/// session over, and the first window returns to the login form saying where
/// the clerk is now.
#[test]
fn a_second_sign_in_takes_the_session_over() {
    let path = seeded_db("session_takeover");
    let mut a = launch(DbTarget::File(path.clone()));
    a.sign_in("wangli", "counter2026");
    assert_eq!(signed_in_role(&a), Some(Role::Counter));
    let mut b = launch(DbTarget::File(path));
    b.sign_in("wangli", "counter2026");
    assert_eq!(signed_in_role(&b), Some(Role::Counter));
    let mut ended = false;
    // The watcher polls every 250 ms; allow a loaded test machine plenty.
    for _ in 0..1500 {
        a.harness.step();
        if matches!(a.app().phase, Phase::Login(_)) {
            ended = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        ended,
        "the first window kept a session taken over elsewhere"
    );
    a.settle();
    a.harness
        .get_by_label_contains("您的账号已在本机的另一个窗口登录");
    a.harness.snapshot("session_taken_over");
    // The second window works on.
    assert_eq!(signed_in_role(&b), Some(Role::Counter));
}
