//! 系统设置 → 检查数据库完整性: the full check runs off the UI thread and
//! says what it found.

use crate::common::*;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::ui::clerks::accounts::Accounts;
use counterdesk::ui::shell::screen_id::ScreenId;
use egui_kittest::kittest::Queryable;

#[test]
fn an_administrator_runs_the_full_check_from_the_settings() {
    let mut ui = launch(DbTarget::File(seeded_db("db_check")));
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    // The settings card is below the fold at 1280×800.
    ui.harness.get_by_label("检查数据库完整性").scroll_to_me();
    ui.settle();
    ui.click("检查数据库完整性");
    let done = |ui: &Ui| {
        ui.app()
            .session()
            .and_then(|s| s.screen_as::<Accounts>(ScreenId::Accounts))
            .is_some_and(|a| a.db_check.result.is_some())
    };
    for _ in 0..400 {
        if done(&ui) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        ui.harness.step();
    }
    ui.settle();
    let screen = ui
        .app()
        .session()
        .and_then(|s| s.screen_as::<Accounts>(ScreenId::Accounts))
        .unwrap();
    let text = screen.db_check.result.as_ref().unwrap().text.clone();
    assert!(text.contains("数据库完整性检查通过"), "{text}");
    assert!(
        ui.harness
            .query_by_label_contains("数据库完整性检查通过")
            .is_some()
    );
    ui.harness
        .get_by_label_contains("数据库完整性检查通过")
        .scroll_to_me();
    ui.settle();
    ui.harness.snapshot("accounts_db_check");
}
