//! 面签注册 (issue 10) through the window: the person and company forms with
//! their per-field messages, scans, submit exactly once, a number already
//! registered, 面签记录 with masked numbers and an audited reveal, the
//! four-eyes countersignature, and drafts. "Now" is 2026-11-20 09:30 CST.

use std::sync::Arc;

use crate::common::*;
use chrono::Duration;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::password::hash_password;
use counterdesk::store::{NewClerk, Store};
use counterdesk::ui::kit::file_picker::ScriptedPicker;
use counterdesk::ui::registration::company::CompanyRegistration;
use counterdesk::ui::registration::form::Stage;
use counterdesk::ui::registration::list::Registrations;
use counterdesk::ui::registration::person::PersonRegistration;
use counterdesk::ui::shell::screen_id::ScreenId;
use eframe::egui::accesskit::Role as A11y;
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

const PERSON_ID: &str = "110101199003070011";
const AGENT_ID: &str = "110101200002290018";
const CREDIT_CODE: &str = "91110000600037341L";

fn scan_picker() -> counterdesk::ui::kit::file_picker::PickerFactory {
    Arc::new(|| Box::new(ScriptedPicker::new(Some(fixture("ok_520x756.jpg")), None)))
}

fn person(ui: &Ui) -> &PersonRegistration {
    ui.app()
        .session()
        .and_then(|s| s.screen_as::<PersonRegistration>(ScreenId::PersonRegistration))
        .unwrap()
}

fn company(ui: &Ui) -> &CompanyRegistration {
    ui.app()
        .session()
        .and_then(|s| s.screen_as::<CompanyRegistration>(ScreenId::CompanyRegistration))
        .unwrap()
}

fn records(ui: &Ui) -> &Registrations {
    ui.app()
        .session()
        .and_then(|s| s.screen_as::<Registrations>(ScreenId::Registrations))
        .unwrap()
}

fn ctrl(ui: &mut Ui, key: Key) {
    ui.harness.key_press_modifiers(Modifiers::COMMAND, key);
    ui.settle();
}

fn tick(ui: &mut Ui, label: &str) {
    ui.harness
        .query_by_role_and_label(A11y::CheckBox, label)
        .unwrap_or_else(|| panic!("checkbox {label}"))
        .click();
    ui.settle();
}

fn fill_person(ui: &mut Ui, number: &str, name: &str, mobile: &str) {
    ui.type_into("证件号码", number);
    ui.type_into("姓名", name);
    ui.type_into("手机号码", mobile);
    ui.click("无智能手机");
    tick(ui, "已核验身份证明原件，人证一致");
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn add_supervisor(path: &std::path::Path, username: &str, name: &str) {
    let mut store = Store::open(path).unwrap();
    let hash = hash_password("review2026").unwrap();
    store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: username.to_owned(),
                    display_name: name.to_owned(),
                    role: Role::Supervisor,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
                t0(),
            )
        })
        .unwrap();
}

#[test]
fn person_form_shows_each_problem_beside_its_field() {
    let path = seeded_db("reg_person_errors");
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    ui.harness.snapshot("registration_person_empty");
    // The number picks its document type; a wrong check digit, a landline and
    // a missing tick are each told beside their field after Enter.
    ui.type_into("证件号码", "110101199003070010");
    ui.type_into("姓名", "张三");
    ui.type_into("手机号码", "010-12345678");
    ui.press_enter();
    let p = person(&ui);
    assert!(p.core.attempted);
    assert_eq!(p.core.stage, Stage::Editing, "nothing was sent");
    // Beside the field, and in the 证件核验 breakdown beside the form.
    assert_eq!(ui.harness.query_all_by_label_contains("校验码").count(), 2);
    assert!(
        ui.harness
            .query_by_label_contains("请选择办理原因")
            .is_some()
    );
    assert!(
        ui.harness
            .query_by_label_contains("请核验身份证明原件并确认人证一致后勾选")
            .is_some()
    );
    assert!(
        ui.harness
            .query_by_label_contains("尚需填写或更正：证件号码、手机号码、办理原因、核验原件勾选")
            .is_some()
    );
    ui.harness.snapshot("registration_person_errors");
}

/// A data-only or satellite mobile is valid but may never get the 12123
/// SMS: the clerk is told under the field, and it still registers.
#[test]
fn a_mobile_that_may_miss_the_sms_is_warned_under_its_field() {
    let path = seeded_db("reg_mobile_warning");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, "110101199003070011", "张三", "14800000000");
    assert!(
        ui.harness
            .query_by_label_contains("注意：148 号段为物联网/上网卡专用号段")
            .is_some()
    );
    ui.harness.snapshot("registration_person_mobile_warning");
    ctrl(&mut ui, Key::Enter);
    assert_eq!(
        person(&ui)
            .core
            .record
            .view
            .as_ref()
            .map(|v| v.status.label()),
        Some("已注册"),
        "a warning does not block"
    );

    ui.click("单位面签");
    ui.type_into("代理人手机号码", "17400000000");
    assert!(
        ui.harness
            .query_by_label_contains("注意：174 号段为卫星通信号码")
            .is_some()
    );
    // Typed over: select it all first.
    ui.harness.get_by_label("代理人手机号码").focus();
    ui.settle();
    ctrl(&mut ui, Key::A);
    ui.harness
        .get_by_label("代理人手机号码")
        .type_text("13900139000");
    ui.settle();
    assert_eq!(company(&ui).body.form.agent_mobile, "13900139000");
    assert!(
        ui.harness.query_by_label_contains("注意：").is_none(),
        "an ordinary number clears it"
    );
}

#[test]
fn person_is_registered_once_with_a_scan_and_a_receipt() {
    let path = seeded_db("reg_person_ok");
    let mut ui = launch_with_picker(DbTarget::File(path.clone()), scan_picker());
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "阿依古丽·买买提", "138 0013 8000");
    ui.click("添加（正面）…");
    assert_eq!(person(&ui).core.scans.ready().len(), 1, "the scan was read");
    ui.harness.snapshot("registration_person_filled");
    // Enter held down / a double submit: one record.
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    let p = person(&ui);
    assert_eq!(p.core.stage, Stage::Done { replayed: false });
    let v = p.core.record.view.as_ref().unwrap();
    assert_eq!(v.number, "MQ-20261120-0001");
    assert_eq!(v.doc_number_shown, "110101********0011");
    assert_eq!(v.attachments.len(), 1);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
    ui.harness.snapshot("registration_person_done");
    // V: the scan in the document viewer, the record's facts beside it; Esc
    // closes the viewer only.
    ui.harness.key_press(Key::V);
    ui.settle();
    let viewer = person(&ui)
        .core
        .record
        .viewer
        .as_ref()
        .expect("viewer open");
    assert_eq!(viewer.position(), (0, 1));
    assert!(viewer.current_ready());
    ui.harness.snapshot("viewer_record");
    ui.harness.key_press(Key::Escape);
    ui.settle();
    assert!(person(&ui).core.record.viewer.is_none());
    assert!(person(&ui).core.record.view.is_some());
    // Next applicant: an empty form with a new key.
    let key = person(&ui).core.key.clone();
    ctrl(&mut ui, Key::N);
    let p = person(&ui);
    assert_eq!(p.core.stage, Stage::Editing);
    assert_ne!(p.core.key, key);
    assert_eq!(p.body.form.name, "");
}

#[test]
fn a_registered_number_opens_its_record_and_the_mobile_change_is_audited() {
    let path = seeded_db("reg_person_dup");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "张三", "13800138000");
    ctrl(&mut ui, Key::Enter);
    ctrl(&mut ui, Key::N);
    // Same person again, with a new phone.
    fill_person(&mut ui, PERSON_ID, "张三", "13900139000");
    ctrl(&mut ui, Key::Enter);
    assert!(matches!(person(&ui).core.stage, Stage::Existing(_)));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
    assert!(
        person(&ui).core.record.view.is_some(),
        "the existing record is open"
    );
    ui.harness.snapshot("registration_person_existing");
    ui.click("用表单中的手机号码修改…");
    ui.click("保存新号码 (Enter)");
    let v = person(&ui).core.record.view.clone().unwrap();
    assert_eq!(v.masked_mobile, "139****9000");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'registration_mobile_changed'"
        ),
        1
    );
    ui.harness.snapshot("registration_person_mobile_changed");
}

#[test]
fn company_waits_for_another_supervisor_to_countersign() {
    let path = seeded_db("reg_company");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("zhaomin", "review2026");
    ui.click("单位面签");
    ui.harness.snapshot("registration_company_empty");
    // Submitting the empty form shows every problem beside its field.
    ctrl(&mut ui, Key::Enter);
    assert!(company(&ui).core.attempted);
    assert!(
        ui.harness
            .query_by_label_contains("请核验委托书原件后勾选")
            .is_some()
    );
    ui.harness.snapshot("registration_company_errors");
    ui.type_into("单位名称", "北京某某科技有限公司");
    ui.type_into("统一社会信用代码或组织机构代码", CREDIT_CODE);
    ui.type_into("代理人姓名", "李四");
    ui.type_into("代理人证件号码", AGENT_ID);
    ui.type_into("代理人手机号码", "13900139000");
    for t in [
        "已核验营业执照（或组织机构代码证书）原件",
        "已核验委托书原件",
        "已核验代理人身份证明原件",
    ] {
        tick(&mut ui, t);
    }
    assert_eq!(
        company(&ui).body.form.agent_doc_type.map(|t| t.label()),
        Some("居民身份证"),
        "the agent's number chose its type"
    );
    ui.harness.snapshot("registration_company_filled");
    ctrl(&mut ui, Key::Enter);
    let c = company(&ui);
    let v = c.core.record.view.clone().unwrap();
    assert_eq!(v.status.label(), "待复核");
    assert!(
        !v.can_countersign,
        "the registering supervisor may not countersign"
    );
    ui.harness.snapshot("registration_company_pending");

    // Another supervisor countersigns from 面签记录.
    add_supervisor(&path, "qianjun", "钱军");
    ui.click("退出登录");
    ui.sign_in("qianjun", "review2026");
    ui.click("面签记录");
    ui.click("待复核的单位面签");
    assert_eq!(records(&ui).page.as_ref().unwrap().rows.len(), 1);
    ui.harness.key_press(Key::ArrowDown);
    ui.press_enter();
    assert!(records(&ui).record.view.as_ref().unwrap().can_countersign);
    ui.harness.snapshot("registrations_countersign");
    ui.click("复核通过（单位注册生效）");
    assert_eq!(
        records(&ui).record.view.as_ref().unwrap().status.label(),
        "已复核"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM registrations WHERE status = 'countersigned'"
        ),
        1
    );
}

#[test]
fn records_are_masked_until_a_deliberate_audited_reveal() {
    let path = seeded_db("reg_records");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "张三", "13800138000");
    ctrl(&mut ui, Key::Enter);
    ctrl(&mut ui, Key::N);
    fill_person(&mut ui, "11010519491231002X", "张三丰", "13700137000");
    ctrl(&mut ui, Key::Enter);
    ui.click("面签记录");
    ui.type_into("查找", "张三");
    ui.press_enter();
    let page = records(&ui).page.clone().unwrap();
    assert_eq!(page.rows.len(), 2);
    assert!(
        page.rows
            .iter()
            .all(|r| r.doc_number_shown.contains("********"))
    );
    assert!(ui.harness.query_by_label_contains(PERSON_ID).is_none());
    ui.harness.snapshot("registrations_search");
    ui.harness.key_press(Key::ArrowDown);
    ui.press_enter();
    ui.click("显示完整号码");
    assert!(records(&ui).record.revealed.is_some());
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'registration_number_revealed'"
        ),
        1
    );
    ui.harness.snapshot("registrations_revealed");
}

#[test]
fn a_half_filled_form_survives_a_clerk_switch_and_a_restart() {
    let path = seeded_db("reg_drafts");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    ui.type_into("证件号码", PERSON_ID);
    ui.type_into("姓名", "张三");
    let key = person(&ui).core.key.clone();
    ui.clock.advance(Duration::minutes(6));
    ui.settle();
    assert!(ui.app().is_locked());
    ui.type_into("其他账号用户名", "zhaomin");
    ui.type_into("其他账号密码", "review2026");
    ui.press_enter();
    ui.click("个人面签");
    assert_eq!(
        person(&ui).body.form.name,
        "",
        "the other clerk sees nothing"
    );
    ui.click("退出登录");
    ui.sign_in("wangli", "counter2026");
    assert_eq!(
        ui.app().session().unwrap().screen,
        ScreenId::PersonRegistration
    );
    assert_eq!(person(&ui).body.form.name, "张三");
    assert_eq!(person(&ui).body.number.text(), PERSON_ID);
    assert_eq!(person(&ui).core.key, key, "the form keeps its key");
    ui.clock.advance(Duration::seconds(3));
    ui.settle();
    drop(ui);
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    assert_eq!(person(&ui).body.form.name, "张三");
    assert_eq!(person(&ui).core.key, key);
}

#[test]
fn a_broken_scan_is_refused_beside_its_row_and_blocks_submit() {
    let path = seeded_db("reg_bad_scan");
    let picker: counterdesk::ui::kit::file_picker::PickerFactory = Arc::new(|| {
        Box::new(ScriptedPicker::new(
            Some(fixture("hostile_truncated.jpg")),
            None,
        ))
    });
    let mut ui = launch_with_picker(DbTarget::File(path.clone()), picker);
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "张三", "13800138000");
    ui.click("添加（背面）…");
    assert!(person(&ui).core.scans.has_failed());
    assert!(
        ui.harness
            .query_by_label_contains("有扫描件未能添加")
            .is_some()
    );
    ui.harness.snapshot("registration_scan_refused");
    ctrl(&mut ui, Key::Enter);
    assert_eq!(person(&ui).core.stage, Stage::Editing);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 0);
    ui.click("清除");
    ctrl(&mut ui, Key::Enter);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
}

#[test]
fn the_receipt_is_saved_through_the_dialog() {
    let path = seeded_db("reg_receipt");
    let out = std::env::temp_dir().join("counterdesk-ui-tests/reg_receipt.pdf");
    let _ = std::fs::remove_file(&out);
    let save = out.clone();
    let picker: counterdesk::ui::kit::file_picker::PickerFactory =
        Arc::new(move || Box::new(ScriptedPicker::new(None, Some(save.clone()))));
    let mut ui = launch_with_picker(DbTarget::File(path.clone()), picker);
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "张三", "13800138000");
    ctrl(&mut ui, Key::Enter);
    ui.click("保存回执…");
    for _ in 0..200 {
        if out.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        ui.harness.step();
    }
    ui.settle();
    let pdf = std::fs::read(&out).expect("receipt written");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("MQ-20261120-0001"), "{text}");
    assert!(text.contains("110101********0011"));
    assert!(!text.contains(PERSON_ID), "the receipt masks the number");
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'registration_receipt_issued'"
        ),
        1
    );
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl eframe::egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(ui: &mut Ui, name: &str) {
    ui.harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(fixture(name))));
    ui.settle();
}

#[test]
fn dropped_files_fill_the_empty_rows_in_order() {
    let path = seeded_db("reg_drop");
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    drop_file(&mut ui, "ok_520x756.jpg");
    drop_file(&mut ui, "ok_260x378.png");
    let slots: Vec<_> = person(&ui)
        .core
        .scans
        .ready()
        .into_iter()
        .map(|(s, scan)| (s.label(), scan.file_name().to_owned()))
        .collect();
    assert_eq!(
        slots,
        [
            ("身份证明正面", "ok_520x756.jpg".to_owned()),
            ("身份证明背面", "ok_260x378.png".to_owned())
        ]
    );
    drop_file(&mut ui, "ok_260x378.jpg");
    assert!(
        ui.harness
            .query_by_label_contains("扫描件各项都已添加")
            .is_some()
    );
    assert_eq!(person(&ui).core.scans.ready().len(), 2);
}

#[test]
fn esc_asks_before_a_filled_form_is_thrown_away() {
    let path = seeded_db("reg_discard");
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    // An empty form: Esc does nothing.
    ui.harness.key_press(Key::Escape);
    ui.settle();
    assert!(!person(&ui).confirm_discard);
    ui.type_into("姓名", "张三");
    let key = person(&ui).core.key.clone();
    ui.harness.key_press(Key::Escape);
    ui.settle();
    assert!(person(&ui).confirm_discard);
    ui.harness.snapshot("registration_discard_prompt");
    // Esc again: back to the form, nothing lost.
    ui.harness.key_press(Key::Escape);
    ui.settle();
    assert!(!person(&ui).confirm_discard);
    assert_eq!(person(&ui).body.form.name, "张三");
    // Esc, then Enter: emptied, with a new key.
    ui.harness.key_press(Key::Escape);
    ui.settle();
    ui.press_enter();
    assert!(!person(&ui).confirm_discard);
    assert_eq!(person(&ui).body.form.name, "");
    assert_ne!(person(&ui).core.key, key);
}

/// Issue 19: Enter on a focused tick box submits the form and never toggles
/// it (Space toggles).
#[test]
fn enter_on_a_focused_tick_box_submits_and_leaves_it_as_it_was() {
    let path = seeded_db("reg_enter_on_tick");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "阿依古丽·买买提", "138 0013 8000");
    assert!(person(&ui).body.form.identity_confirmed);
    ui.harness
        .query_by_role_and_label(A11y::CheckBox, "已核验身份证明原件，人证一致")
        .unwrap()
        .focus();
    ui.settle();
    ui.press_enter();
    let p = person(&ui);
    assert!(p.body.form.identity_confirmed, "Enter did not untick it");
    assert_eq!(p.core.stage, Stage::Done { replayed: false });
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
}

/// Issue 19: on an unticked box Enter tries to submit (every problem shows)
/// and still does not tick it; Space does.
#[test]
fn enter_on_an_unticked_box_tries_to_submit_and_space_ticks_it() {
    let path = seeded_db("reg_enter_unticked");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    ui.type_into("证件号码", PERSON_ID);
    ui.harness
        .query_by_role_and_label(A11y::CheckBox, "已核验身份证明原件，人证一致")
        .unwrap()
        .focus();
    ui.settle();
    ui.press_enter();
    let p = person(&ui);
    assert!(!p.body.form.identity_confirmed, "Enter never ticks");
    assert!(p.core.attempted, "Enter tried to submit");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 0);
    // The failed submit put the cursor on the first field to fix; back on
    // the box, Space ticks it.
    ui.harness
        .query_by_role_and_label(A11y::CheckBox, "已核验身份证明原件，人证一致")
        .unwrap()
        .focus();
    ui.settle();
    ui.harness.key_press(Key::Space);
    ui.settle();
    assert!(person(&ui).body.form.identity_confirmed, "Space ticks");
}
/// Issue 19: a number already registered is said as soon as it is complete
/// (a neutral line, with the way to that record), not at submit; and no
/// field shows an error while the clerk is still typing in it.
#[test]
fn a_registered_number_is_said_as_soon_as_it_is_complete() {
    use counterdesk::domain::registration::FieldId;
    let path = seeded_db("reg_person_dup_early");
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    fill_person(&mut ui, PERSON_ID, "张三", "13800138000");
    ctrl(&mut ui, Key::Enter);
    ctrl(&mut ui, Key::N);
    // Half a number, still in the field: no red line yet.
    ui.type_into("证件号码", "1101011990");
    let p = person(&ui);
    assert!(!p.core.attempted && !p.core.touched.contains(&FieldId::DocNumber));
    assert!(ui.harness.query_by_label_contains("已办理过面签").is_none());
    // The rest of it: at once a neutral line with a link to the record.
    ui.type_into("证件号码", &PERSON_ID[10..]);
    ui.settle();
    assert!(
        ui.harness
            .query_by_label_contains("该证件号码已办理过面签（MQ-20261120-0001），无需重新登记。")
            .is_some()
    );
    assert_eq!(person(&ui).core.stage, Stage::Editing, "nothing submitted");
    assert!(
        ui.harness.get_by_label("证件号码").is_focused(),
        "the clerk stays in the field"
    );
    ui.harness
        .snapshot("registration_person_already_registered");
    ui.click("打开已有记录 MQ-20261120-0001");
    assert!(matches!(person(&ui).core.stage, Stage::Existing(_)));
    assert!(person(&ui).core.record.view.is_some());
    assert_eq!(count(&path, "SELECT COUNT(*) FROM registrations"), 1);
}

/// Issue 19: a file dialog opened from the keyboard gives the focus back to
/// the slot's button (now 更换…), so Tab carries on from there.
#[test]
fn the_focus_returns_to_the_scan_button_after_the_dialog() {
    let path = seeded_db("reg_focus_after_dialog");
    let mut ui = launch_with_picker(DbTarget::File(path.clone()), scan_picker());
    ui.sign_in("wangli", "counter2026");
    ui.click("个人面签");
    let back = ui.harness.get_by_label("添加（背面）…");
    back.focus();
    // settle, not run: a worker reply may still wake the window on a busy machine
    ui.settle();
    ui.harness.key_press(Key::Space);
    ui.settle();
    assert_eq!(person(&ui).core.scans.ready().len(), 1, "the scan was read");
    let focused = ui
        .harness
        .query_all_by_role(A11y::Button)
        .find(|n| n.is_focused())
        .map(|n| format!("{n:?}"));
    assert!(
        focused.as_deref().is_some_and(|f| f.contains("更换")),
        "focused after the dialog: {focused:?}"
    );
}
