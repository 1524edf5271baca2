//! Issue 19: every screen, the review, the countersign and the login at the
//! counter's two small sizes, 1024×600 and 1280×768, with a long name and
//! every panel open: 13 views at each size (`size_<w>x<h>_<view>.png`). Each
//! image was looked at: nothing may be cut off unreachably.

use crate::common::*;
use crate::ui_review::{Spec, cst, insert, key};
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::store::Store;
use eframe::egui::Key;

const LONG_NAME: &str = "阿依古丽·买买提·艾合买提江·托合提尼亚孜";

fn shot(ui: &mut Ui, size: [f32; 2], view: &str) {
    ui.settle();
    ui.harness
        .snapshot(format!("size_{}x{}_{view}", size[0] as u32, size[1] as u32));
}

fn database(name: &str) -> std::path::PathBuf {
    let path = seeded_db(name);
    let mut store = Store::open(&path).unwrap();
    for s in [
        Spec::new("SL202611170000001", LONG_NAME, cst(17, 10, 5)),
        Spec {
            photo: "bad_grey_background.jpg",
            ..Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))
        },
        Spec::new("SL202611200000003", "陈静", cst(20, 8, 50)),
    ] {
        insert(&mut store, &s);
    }
    drop(store);
    crate::ui_review::company_registration(&path);
    path
}

fn every_view_at(size: [f32; 2]) {
    let tag = format!("{}x{}", size[0] as u32, size[1] as u32);
    let path = database(&format!("sizes_{tag}"));
    let mut ui = launch_sized(DbTarget::File(path.clone()), size, 1.0);
    shot(&mut ui, size, "login");
    ui.sign_in("zhaomin", "review2026");
    ui.click("工作台");
    shot(&mut ui, size, "dashboard");
    ui.click("审核队列");
    shot(&mut ui, size, "queue");
    key(&mut ui, Key::F2);
    shot(&mut ui, size, "review");
    key(&mut ui, Key::Escape);
    // The company registration is the only one due Monday: open it by its row.
    let company_no = crate::ui_review::queue(&ui)
        .rows
        .iter()
        .find(|r| r.app_no.starts_with("DW"))
        .map(|r| r.app_no.clone())
        .expect("the company registration is in the queue");
    ui.click(&company_no);
    shot(&mut ui, size, "countersign");
    key(&mut ui, Key::Escape);
    ui.click("个人面签");
    ui.type_into("证件号码", "110101199003070011");
    ui.type_into("姓名", LONG_NAME);
    // A data-only number: its warning line is the widest thing under a field.
    ui.type_into("手机号码", "14800000000");
    shot(&mut ui, size, "person_registration");
    ui.click("单位面签");
    ui.type_into(
        "单位名称",
        "新疆维吾尔自治区乌鲁木齐市天山区国际物流运输与仓储服务有限责任公司",
    );
    ui.type_into("统一社会信用代码或组织机构代码", "91110000600037341L");
    shot(&mut ui, size, "company_registration");
    ui.click("证件核验");
    ui.type_into("证件号码", "91110000600037341L");
    ui.press_enter();
    shot(&mut ui, size, "document_check");
    ui.click("照片检测");
    ui.click("打开照片…");
    shot(&mut ui, size, "photo_check");
    ui.click("面签记录");
    ui.harness.key_press(Key::ArrowDown);
    ui.press_enter();
    shot(&mut ui, size, "registrations");
    ui.click("审计日志");
    shot(&mut ui, size, "audit_log");
    ui.click("数据交换");
    shot(&mut ui, size, "exchange");
    // Two harnesses in one test: their snapshot results are handled as one.
    let mut results = ui.harness.take_snapshot_results();
    drop(ui);
    let mut ui = launch_sized(DbTarget::File(path), size, 1.0);
    ui.sign_in("admin", "admin2026");
    ui.click("账号管理");
    shot(&mut ui, size, "accounts");
    results.extend_harness(&mut ui.harness);
    results.unwrap();
}

#[test]
fn every_view_at_1024_by_600() {
    every_view_at([1024.0, 600.0]);
}

#[test]
fn every_view_at_1280_by_768() {
    every_view_at([1280.0, 768.0]);
}
