//! Issue 22: 证件核验 and 照片检测 keep working when the database cannot be
//! opened (the office server is down at start-up), and F5 tries again.

use crate::common::{Ui, db_path, launch};
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::ui::documents::document_check::DocumentCheck;
use counterdesk::ui::photo::screen::PhotoScreen;
use counterdesk::ui::shell::app::Phase;
use counterdesk::ui::shell::offline::OfflineTools;
use counterdesk::ui::shell::screen_id::ScreenId;
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

fn tools(ui: &Ui) -> &OfflineTools {
    match &ui.app().phase {
        Phase::Offline(t) => t,
        _ => panic!("not in the offline tools"),
    }
}

/// Waits for the worker that F5 started: the phase leaves 正在打开数据库….
fn wait_opened(ui: &mut Ui) {
    // Up to 30 s: a loaded CI machine may be slow to connect.
    for _ in 0..3000 {
        ui.harness.step();
        if !matches!(ui.app().phase, Phase::Opening) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("still opening");
}

/// A server that refuses connections: the window offers the two tools,
/// which work with nobody signed in.
#[test]
fn the_tools_work_when_the_office_server_is_down_at_start_up() {
    use counterdesk::store::postgres::{Connector, Prompt, Target};
    // Port 9 (discard): nothing listens there, the connection is refused.
    let target = Target::parse("postgres://counterdesk_app@127.0.0.1:9/counterdesk").unwrap();
    let connector = std::sync::Arc::new(Connector::new(target, Prompt::Never).unwrap());
    let mut ui = launch(DbTarget::Office(connector));
    wait_opened(&mut ui);
    assert!(
        matches!(ui.app().phase, Phase::DbError { .. }),
        "the error window names the server first"
    );
    assert!(
        ui.harness
            .query_all_by_label_contains("127.0.0.1:9/counterdesk")
            .next()
            .is_some()
    );
    ui.harness.snapshot("offline_db_error_office");

    // Keyboard-first: the offline button has the focus; Enter takes it.
    ui.press_enter();
    assert_eq!(tools(&ui).screen, ScreenId::DocumentCheck);
    assert!(ui.harness.get_by_label("证件号码").is_focused());
    ui.type_into("证件号码", "11010519491231002X");
    let text = tools(&ui)
        .screen_as::<DocumentCheck>(ScreenId::DocumentCheck)
        .map(|d| d.panel.text().to_owned());
    assert_eq!(text.as_deref(), Some("11010519491231002X"));
    ui.harness.get_by_label_contains("离线核验：数据库无法打开");
    ui.harness.snapshot("offline_document_check");

    ui.harness.key_press_modifiers(Modifiers::ALT, Key::Num2);
    ui.settle();
    assert_eq!(tools(&ui).screen, ScreenId::PhotoCheck);
    ui.click("打开照片…");
    ui.settle();
    let photo = tools(&ui)
        .screen_as::<PhotoScreen>(ScreenId::PhotoCheck)
        .unwrap();
    assert!(photo.panel.report().is_some(), "{:?}", photo.panel.error());
    ui.harness.snapshot("offline_photo_check");

    // F5 while the server is still down: back to the tools as they were,
    // with a line that says so.
    ui.harness.key_press(Key::F5);
    wait_opened(&mut ui);
    ui.settle();
    assert_eq!(tools(&ui).screen, ScreenId::PhotoCheck);
    assert!(
        tools(&ui)
            .screen_as::<PhotoScreen>(ScreenId::PhotoCheck)
            .unwrap()
            .panel
            .report()
            .is_some()
    );
    ui.harness.get_by_label_contains("仍无法打开数据库");
}

/// Once the database can be opened, F5 leaves the tools for the usual
/// first-run or login form.
#[test]
fn f5_opens_the_database_once_it_is_back() {
    let path = db_path("offline_then_back");
    std::fs::write(&path, "这不是数据库\n".repeat(40)).unwrap();
    let mut ui = launch(DbTarget::File(path.clone()));
    assert!(matches!(ui.app().phase, Phase::DbError { .. }));
    ui.click("离线使用证件核验和照片检测");
    assert!(matches!(ui.app().phase, Phase::Offline(_)));
    // IT restores the file (here: a new, empty database).
    std::fs::remove_file(&path).unwrap();
    ui.click("重新连接 (F5)");
    wait_opened(&mut ui);
    assert!(
        matches!(ui.app().phase, Phase::Setup(_)),
        "a new database asks for its first administrator"
    );
}

/// The office server is back while the clerk works offline: the tools say
/// so without a key pressed (a background probe), and F5 goes on to sign-in.
#[test]
fn the_tools_say_when_the_office_server_answers_again() {
    use counterdesk::store::postgres::{Connector, Prompt, Target};
    use counterdesk::ui::shell::offline::SERVER_BACK;
    let Some(db) = crate::pg::test_db("offline_probe") else {
        return;
    };
    let gate = |allow: bool| {
        db.cluster
            .admin("postgres")
            .batch_execute(&format!(
                "ALTER DATABASE {} WITH ALLOW_CONNECTIONS {allow}",
                db.name
            ))
            .unwrap();
    };
    gate(false);
    let target = Target::parse(&db.app_url()).unwrap();
    let connector = std::sync::Arc::new(Connector::new(target, Prompt::Never).unwrap());
    let mut ui = launch(DbTarget::Office(connector));
    wait_opened(&mut ui);
    assert!(matches!(ui.app().phase, Phase::DbError { .. }));
    ui.press_enter();
    assert!(tools(&ui).probe.is_some(), "an office server is tried");
    // Still refused: a few probes later nothing has changed.
    std::thread::sleep(std::time::Duration::from_millis(400));
    ui.settle();
    assert!(ui.harness.query_by_label_contains(SERVER_BACK).is_none());

    gate(true);
    ui.wait_until("the tools to say the server is back", |ui| {
        ui.harness.query_by_label_contains(SERVER_BACK).is_some()
    });
    assert!(
        matches!(ui.app().phase, Phase::Offline(_)),
        "no switch unasked"
    );
    // No snapshot: the status line names the test cluster's random port.
    ui.harness.key_press(Key::F5);
    wait_opened(&mut ui);
    assert!(
        !matches!(ui.app().phase, Phase::Offline(_) | Phase::DbError { .. }),
        "F5 opened the server"
    );
}
