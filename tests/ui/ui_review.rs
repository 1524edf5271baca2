//! 审核队列 (issue 11): claiming, deciding with the keyboard, the reject
//! dialog and its one-time notice, another clerk's claim, and snapshots of
//! every state a reviewer meets. Small databases built with the store's own
//! functions, "now" pinned at 2026-11-20 09:30 Beijing time (a Friday).

use crate::common::*;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::demo::sample_pdf as pdf_with_pages;
use counterdesk::app::photo::intake::PhotoIntake;
use counterdesk::app::review;
use counterdesk::app::review::Req;
use counterdesk::app::review::Resp;
use counterdesk::app::runtime::call::Call;
use counterdesk::app::runtime::worker::DbTarget;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::password::hash_password;
use counterdesk::domain::review::eligibility::IssuedELicence;
use counterdesk::domain::review::queue::due_for;
use counterdesk::domain::review::{AppKind, PhotoSource, Reason, Status};
use counterdesk::photo::check_bytes;
use counterdesk::store::{NewApplication, NewClerk, Store};
use counterdesk::ui::review::queue::ReviewQueue;
use counterdesk::ui::shell::screen_id::ScreenId;
use eframe::egui::accesskit::Role as A11y;
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::{By, NodeT, Queryable};

pub(crate) fn photo_bytes(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(name),
    )
    .unwrap()
}

/// CST wall-clock time on a November 2026 day.
pub(crate) fn cst(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap() - Duration::hours(8)
}

/// One application as a test wants it.
pub(crate) struct Spec {
    pub(crate) no: &'static str,
    pub(crate) kind: AppKind,
    pub(crate) name: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) status: &'static str,
    pub(crate) photo: &'static str,
    pub(crate) submitted: DateTime<Utc>,
}

impl Spec {
    pub(crate) fn new(no: &'static str, name: &'static str, submitted: DateTime<Utc>) -> Self {
        Spec {
            no,
            kind: AppKind::New,
            name,
            doc: "11010519491231002X",
            status: "A",
            photo: "ok_260x378.jpg",
            submitted,
        }
    }
}

pub(crate) fn insert(store: &mut Store, s: &Spec) -> i64 {
    let bytes = photo_bytes(s.photo);
    let intake = PhotoIntake::from_report(&check_bytes(&bytes, t0().date_naive()).unwrap().report);
    let previous = if s.kind == AppKind::PhotoChange {
        let b = photo_bytes("ok_260x378.jpg");
        Some(
            store
                .write(|tx| tx.put_blob(&b, "image/jpeg", t0()))
                .unwrap(),
        )
    } else {
        None
    };
    let blob = store
        .write(|tx| tx.put_blob(&bytes, "image/jpeg", t0()))
        .unwrap();
    let due = due_for(s.submitted);
    let from = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap();
    let until = NaiveDate::from_ymd_opt(2032, 3, 1).unwrap();
    let a = NewApplication {
        app_no: s.no.to_owned(),
        kind: s.kind,
        doc_no: s.doc.to_owned(),
        name: s.name.to_owned(),
        mobile: "13812345678".to_owned(),
        licence_no: s.doc.to_owned(),
        classes: "C1".to_owned(),
        licence_status: s.status.to_owned(),
        valid_from: Some(from),
        valid_until: Some(until),
        authority: "北京市公安局公安交通管理局".to_owned(),
        photo_blob: Some(blob),
        photo_source: Some(PhotoSource::Camera),
        last_photo_change: None,
        previous_photo_blob: previous,
        issued: (s.kind == AppKind::PhotoChange).then(|| IssuedELicence {
            classes: "C1".to_owned(),
            valid_until: until,
            authority: "北京市公安局公安交通管理局".to_owned(),
            photo_source: PhotoSource::Held,
        }),
        photo_verdict: Some(intake.verdict),
        photo_failed: intake.failed,
        photo_summary: intake.summary,
        submitted_at: s.submitted,
        due_at: due.at,
        due_day: due.day,
        created_by: None,
    };
    store.write(|tx| tx.insert_application(&a)).unwrap()
}

/// A database with the demo clerks and these applications.
pub(crate) fn queue_db(name: &str, specs: &[Spec]) -> std::path::PathBuf {
    let path = seeded_db(name);
    let mut store = Store::open(&path).unwrap();
    for s in specs {
        insert(&mut store, s);
    }
    path
}

/// A second reviewer, 钱峰 (qianfeng / review2027).
pub(crate) fn second_reviewer(path: &std::path::Path) -> SessionClerk {
    let mut store = Store::open(path).unwrap();
    let hash = hash_password("review2027").unwrap();
    store
        .write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: "qianfeng".to_owned(),
                    display_name: "钱峰".to_owned(),
                    role: Role::Supervisor,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
                t0(),
            )
        })
        .unwrap();
    let rec = store
        .read(|tx| tx.clerk_by_username("qianfeng"))
        .unwrap()
        .unwrap();
    SessionClerk::from(&rec)
}

pub(crate) fn queue(ui: &Ui) -> &ReviewQueue {
    ui.app()
        .session()
        .and_then(|s| s.screen_as::<ReviewQueue>(ScreenId::ReviewQueue))
        .unwrap()
}

pub(crate) fn open_queue(ui: &mut Ui, user: &str, password: &str) {
    ui.sign_in(user, password);
    ui.click("审核队列");
}

pub(crate) fn key(ui: &mut Ui, k: Key) {
    ui.harness.key_press(k);
    ui.settle();
}

pub(crate) fn reviewing(ui: &Ui) -> Option<String> {
    queue(ui).review.as_ref().map(|r| r.item.app_no.clone())
}

fn status_of(path: &std::path::Path, no: &str) -> (Status, Option<Vec<Reason>>, String) {
    let mut store = Store::open(path).unwrap();
    store
        .read(|tx| {
            for id in 1..50 {
                if let Some(a) = tx.application(id)?
                    && a.data.app_no == no
                {
                    let d = tx.decision_for(id)?;
                    return Ok((
                        a.status,
                        d.as_ref().map(|d| d.data.reasons.clone()),
                        d.map(|d| d.data.notice).unwrap_or_default(),
                    ));
                }
            }
            panic!("no application {no}");
        })
        .unwrap()
}

/// Three applications: one overdue with a grey-background photo, one due today, one due Monday.
pub(crate) fn mixed() -> Vec<Spec> {
    vec![
        Spec {
            photo: "bad_grey_background.jpg",
            ..Spec::new("SL202611170000001", "李娜", cst(17, 10, 5))
        },
        Spec::new("SL202611190000002", "王伟", cst(19, 14, 20)),
        Spec {
            doc: "440524188001010014",
            ..Spec::new("SL202611200000003", "陈静", cst(20, 8, 50))
        },
    ]
}

#[test]
fn f2_claims_the_soonest_due_application_and_opens_it() {
    let path = queue_db("review_claim", &mixed());
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    assert_eq!(queue(&ui).rows.len(), 3);
    // Overdue first, masked numbers, a label per row.
    assert!(ui.harness.query_by_label("SL202611170000001").is_some());
    assert!(ui.harness.query_by_label("11010519491231002X").is_none());
    ui.harness.snapshot("review_queue_overdue");
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611170000001"));
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.ticket.is_some());
    // The failing background check pre-selects its fixable reason.
    assert!(
        r.reasons.contains(&Reason::PhotoBackground),
        "{:?}",
        r.reasons
    );
    ui.harness.snapshot("review_failing_photo");
    // Esc gives it back; the next F2 takes it again (still the soonest due).
    key(&mut ui, Key::Escape);
    assert_eq!(reviewing(&ui), None);
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611170000001"));
    // F2 in a review skips: the next one opens, the skipped one is free again.
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611190000002"));
    // While open, the claim is renewed before it runs out.
    // (The clerk keeps working: five idle minutes would lock the screen, and
    // a lock gives the claim back.)
    let until = queue(&ui).review.as_ref().unwrap().ticket.unwrap().until;
    ui.clock.advance(Duration::minutes(4));
    ui.harness
        .event(eframe::egui::Event::PointerMoved(eframe::egui::pos2(
            600.0, 400.0,
        )));
    ui.settle();
    ui.clock.advance(Duration::minutes(2));
    ui.settle();
    let renewed = queue(&ui).review.as_ref().unwrap().ticket.unwrap().until;
    assert_eq!(renewed, until + Duration::minutes(6));
    key(&mut ui, Key::Escape);
    let rows = &queue(&ui).rows;
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r.held_by.is_none()),
        "every claim given back"
    );
}

/// Alt+digit as a real keyboard sends it: the key, and the digit as text.
fn alt_digit(ui: &mut Ui, key: Key, digit: &str) {
    ui.harness.key_down_modifiers(Modifiers::ALT, key);
    ui.harness
        .event_modifiers(eframe::egui::Event::Text(digit.to_owned()), Modifiers::ALT);
    ui.harness.key_up_modifiers(Modifiers::ALT, key);
    ui.settle();
}

#[test]
fn arrows_and_enter_open_a_row_without_the_mouse() {
    let path = queue_db("review_arrows", &mixed());
    let mut ui = launch(DbTarget::File(path));
    ui.sign_in("zhaomin", "review2026");
    alt_digit(&mut ui, Key::Num2, "2");
    assert_eq!(ui.app().session().unwrap().screen, ScreenId::ReviewQueue);
    key(&mut ui, Key::ArrowDown);
    key(&mut ui, Key::ArrowDown);
    assert_eq!(queue(&ui).selected, Some(1));
    key(&mut ui, Key::Enter);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611190000002"));
    key(&mut ui, Key::Escape);
    assert_eq!(reviewing(&ui), None);
    // Ctrl+F, a full document number, Enter: one row, found by 证件号码.
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    ui.settle();
    assert!(ui.harness.get_by_label("搜索").is_focused());
    ui.harness
        .get_by_label("搜索")
        .type_text("440524188001010014");
    ui.press_enter();
    let q = queue(&ui);
    assert_eq!(q.rows.len(), 1);
    assert_eq!(q.rows[0].app_no, "SL202611200000003");
    assert_eq!(q.search_as, Some("证件号码"));
}

#[test]
fn approve_with_the_keyboard_and_the_next_opens_by_itself() {
    let path = queue_db(
        "review_approve",
        &[
            Spec::new("SL202611190000002", "王伟", cst(19, 14, 20)),
            Spec {
                doc: "440524188001010014",
                ..Spec::new("SL202611200000003", "陈静", cst(20, 8, 50))
            },
        ],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    ui.sign_in("zhaomin", "review2026");
    alt_digit(&mut ui, Key::Num2, "2");
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611190000002"));
    ui.harness.snapshot("review_eligible");
    key(&mut ui, Key::F8);
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Approved);
    // then_next: the other one is open now.
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611200000003"));
    key(&mut ui, Key::F8);
    assert_eq!(status_of(&path, "SL202611200000003").0, Status::Approved);
    assert_eq!(reviewing(&ui), None);
    let msg = queue(&ui).message.clone().unwrap().text;
    assert!(msg.contains("没有可领取的申请了"), "{msg}");
}

#[test]
fn reject_with_two_reasons_shows_the_notice_before_sending() {
    let path = queue_db(
        "review_reject",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    // A 背景, B 反光.
    key(&mut ui, Key::A);
    key(&mut ui, Key::B);
    key(&mut ui, Key::F9);
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.rejecting);
    let notice = r.notice().unwrap();
    assert!(notice.contains("1. 照片背景不符合要求"), "{notice}");
    assert!(notice.contains("2. 照片有反光"), "{notice}");
    assert!(notice.contains("一次性补正"), "{notice}");
    assert!(
        ui.harness
            .query_by_label_contains("1. 照片背景不符合要求")
            .is_some()
    );
    ui.harness.snapshot("review_reject_dialog");
    // Esc closes the dialog and keeps the reasons.
    key(&mut ui, Key::Escape);
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(!r.rejecting);
    assert_eq!(r.reasons.len(), 2);
    key(&mut ui, Key::F9);
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    let (status, reasons, stored) = status_of(&path, "SL202611190000002");
    assert_eq!(status, Status::Returned);
    assert_eq!(
        reasons,
        Some(vec![Reason::PhotoBackground, Reason::PhotoGlare])
    );
    assert_eq!(stored, notice);
}

#[test]
fn another_clerks_claim_says_who_and_until_when() {
    let path = queue_db(
        "review_held",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let qian = second_reviewer(&path);
    {
        let mut store = Store::open(&path).unwrap();
        let Resp::Claimed(Some(_)) = review::handle(
            Call::new(&mut store, t0(), &qian),
            Req::ClaimNext { kind: None },
        )
        .unwrap() else {
            panic!("nothing claimed");
        };
    }
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    ui.click("SL202611190000002");
    assert_eq!(reviewing(&ui), None);
    let held = queue(&ui).held.clone().unwrap();
    assert_eq!(held.sentence(), "正在由 钱峰 审核，至 09:45");
    assert!(
        ui.harness
            .query_by_label_contains("正在由 钱峰 审核，至 09:45")
            .is_some()
    );
    ui.harness.snapshot("review_held_by_other");
    // Nothing else is free.
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui), None);
}

#[test]
fn a_failed_decision_keeps_the_reasons_and_says_why() {
    let path = queue_db(
        "review_failed",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let qian = second_reviewer(&path);
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    key(&mut ui, Key::C);
    key(&mut ui, Key::F9);
    // Meanwhile a supervisor releases the claim and takes it himself.
    {
        let mut store = Store::open(&path).unwrap();
        let id = queue(&ui).review.as_ref().unwrap().item.id;
        review::handle(
            Call::new(&mut store, t0(), &qian),
            Req::Release { id, ticket: None },
        )
        .unwrap();
        review::handle(Call::new(&mut store, t0(), &qian), Req::Open { id }).unwrap();
    }
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.rejecting, "the dialog stays up");
    assert_eq!(r.reasons, vec![Reason::PhotoBlur]);
    let err = r.error.clone().unwrap();
    assert!(err.contains("钱峰") || err.contains("他人"), "{err}");
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Pending);
}

#[test]
fn an_empty_queue_says_so() {
    let mut ui = launch(DbTarget::File(queue_db("review_empty", &[])));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    assert!(
        queue(&ui)
            .message
            .clone()
            .unwrap()
            .text
            .contains("没有可领取")
    );
    ui.harness.snapshot("review_queue_empty");
}

#[test]
fn snapshots_of_the_queue_and_the_special_reviews() {
    // Filtered to 已超期, and the blocked / photo-change reviews.
    let mut specs = mixed();
    specs.push(Spec {
        status: "D",
        ..Spec::new("SL202611180000004", "赵强", cst(18, 9, 0))
    });
    specs.push(Spec {
        kind: AppKind::PhotoChange,
        photo: "bad_head_small.jpg",
        ..Spec::new("HZ202611190000005", "周敏", cst(19, 11, 0))
    });
    let path = queue_db("review_filtered", &specs);
    let mut ui = launch(DbTarget::File(path));
    open_queue(&mut ui, "zhaomin", "review2026");
    let overdue = ui
        .harness
        .get(By::new().role(A11y::Button).label_contains("已超期"));
    overdue.click();
    ui.settle();
    assert_eq!(queue(&ui).rows.len(), 2);
    assert!(queue(&ui).rows.iter().all(|r| r.overdue));
    ui.harness.snapshot("review_queue_filtered_overdue");

    ui.click("SL202611180000004");
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.blocking().is_some());
    assert!(r.reasons.contains(&Reason::LicenceStatus));
    ui.harness.snapshot("review_blocked_licence");
    // F8 is refused with the reason; nothing is written.
    key(&mut ui, Key::F8);
    let err = queue(&ui).review.as_ref().unwrap().error.clone().unwrap();
    assert!(err.contains("不能通过"), "{err}");
    key(&mut ui, Key::Escape);

    let pending = ui
        .harness
        .get(By::new().role(A11y::Button).label_contains("待审核"));
    pending.click();
    ui.settle();
    ui.click("HZ202611190000005");
    assert_eq!(
        queue(&ui).review.as_ref().unwrap().item.kind,
        AppKind::PhotoChange
    );
    ui.harness.snapshot("review_photo_change");
    // The photos in the viewer: the new one, → the one it replaces.
    key(&mut ui, Key::V);
    assert_eq!(viewer(&ui).position(), (0, 2));
    key(&mut ui, Key::ArrowRight);
    assert_eq!(viewer(&ui).position(), (1, 2));
    assert!(viewer(&ui).current_ready());
    ui.harness.snapshot("viewer_photo_change_previous");
    key(&mut ui, Key::Escape);
    assert!(reviewing(&ui).is_some());
}

#[test]
fn a_review_fits_a_1024_by_600_screen() {
    let path = queue_db("review_small", &mixed());
    let mut ui = launch_sized(DbTarget::File(path), [1024.0, 600.0], 1.0);
    open_queue(&mut ui, "zhaomin", "review2026");
    ui.harness.snapshot("small_review_queue_supervisor");
    key(&mut ui, Key::F2);
    ui.harness.snapshot("small_review");
}

#[test]
fn a_counter_clerk_may_look_but_not_decide() {
    let path = queue_db("review_counter", &mixed());
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "wangli", "counter2026");
    let disabled = |ui: &Ui, label: &str| {
        ui.harness
            .get_by_label(label)
            .accesskit_node()
            .is_disabled()
    };
    assert!(disabled(&ui, "领取下一件 (F2)"), "the queue's F2 is greyed");
    ui.click("SL202611190000002");
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.ticket.is_none());
    assert!(r.item.read_only_reason.is_some());
    // Every decision control is greyed, and the screen says why.
    for label in ["通过 (F8)", "退回… (F9)", "跳过，领取下一件 (F2)"] {
        assert!(disabled(&ui, label), "{label}");
    }
    assert!(
        ui.harness
            .query_by_label("键盘：V 查看照片或扫描件　Esc 返回（只读）")
            .is_some()
    );
    ui.harness.snapshot("review_counter_read_only");
    key(&mut ui, Key::F8);
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Pending);
    key(&mut ui, Key::F2);
    let msg = queue(&ui).message.clone().unwrap().text;
    assert!(msg.contains("审核岗"), "{msg}");
}

/// Frame cost at a large queue: `COUNTERDESK_BIG_DB=/tmp/1m.sqlite3 cargo test
/// --test ui_review large -- --ignored --nocapture` on a database made with
/// `counterdesk demo-data --applications 1000000`. Prints step times while
/// the wheel scrolls through the window; asserts nothing about time.
#[test]
#[ignore = "needs a large demo database (COUNTERDESK_BIG_DB)"]
fn large_queue_scrolls_a_window_of_rows() {
    let Some(path) = std::env::var_os("COUNTERDESK_BIG_DB") else {
        return;
    };
    let mut ui = launch(DbTarget::File(path.into()));
    open_queue(&mut ui, "zhaomin", "review2026");
    let total = queue(&ui).total().unwrap_or_default();
    println!(
        "open applications: {total}, rows in memory: {}",
        queue(&ui).rows.len()
    );
    ui.harness
        .event(eframe::egui::Event::PointerMoved(eframe::egui::pos2(
            600.0, 500.0,
        )));
    let mut times = Vec::new();
    for _ in 0..600 {
        ui.harness.event(eframe::egui::Event::MouseWheel {
            unit: eframe::egui::MouseWheelUnit::Point,
            delta: eframe::egui::vec2(0.0, -400.0),
            modifiers: Modifiers::NONE,
            phase: eframe::egui::TouchPhase::Move,
            source: eframe::egui::MouseWheelSource::Wheel,
        });
        let t = std::time::Instant::now();
        ui.harness.step();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        // Let page replies arrive as they would between frames.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    ui.settle();
    times.sort_by(f64::total_cmp);
    println!(
        "rows in memory after scrolling: {}, step ms median {:.2}, p95 {:.2}, max {:.2}",
        queue(&ui).rows.len(),
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        times[times.len() - 1]
    );
    let t = std::time::Instant::now();
    key(&mut ui, Key::F2);
    println!(
        "claim-next and open at {total}: {:.0} ms (including photo decode)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    assert!(reviewing(&ui).is_some());
}

#[test]
fn past_two_thousand_rows_the_window_moves_on() {
    let path = seeded_db("review_window");
    {
        let mut store = Store::open(&path).unwrap();
        counterdesk::app::demo::queue::generate(&mut store, 2300, 7, t0()).unwrap();
    }
    let mut ui = launch(DbTarget::File(path));
    open_queue(&mut ui, "zhaomin", "review2026");
    // ↓ by pages: rows are fetched as the selection nears the end.
    for _ in 0..110 {
        ui.harness.key_press(Key::PageDown);
        ui.settle();
        if queue(&ui).rows.len() >= 2000 {
            break;
        }
    }
    assert_eq!(
        queue(&ui).rows.len(),
        2000,
        "the window stops at 2 000 rows"
    );
    let first = queue(&ui).rows[0].app_no.clone();
    let next = ui
        .harness
        .get(By::new().role(A11y::Button).label_contains("下一批"));
    next.click();
    ui.settle();
    let q = queue(&ui);
    assert!(
        q.rows.len() > 100 && q.rows.len() <= 300,
        "{}",
        q.rows.len()
    );
    assert!(q.rows.iter().all(|r| r.app_no != first));
    ui.click("上一批");
    assert_eq!(queue(&ui).rows[0].app_no, first);
}

/// 王丽 (counter) registers a company with two scans: it joins the queue as
/// 单位注册复核. Returns the registration id.
pub(crate) fn company_registration(path: &std::path::Path) -> i64 {
    use counterdesk::domain::registration::ScanSlot;
    company_registration_with(
        path,
        vec![
            (
                ScanSlot::BusinessLicence,
                "营业执照.jpg",
                photo_bytes("ok_260x378.jpg"),
            ),
            (
                ScanSlot::Authorization,
                "委托书.jpg",
                photo_bytes("ok_260x378.jpg"),
            ),
        ],
    )
}

fn company_registration_with(
    path: &std::path::Path,
    files: Vec<(counterdesk::domain::registration::ScanSlot, &str, Vec<u8>)>,
) -> i64 {
    use counterdesk::app::registration;
    use counterdesk::app::registration::Req as RegReq;
    use counterdesk::app::registration::Resp as RegResp;
    use counterdesk::app::registration::attachments::ScanInput;
    use counterdesk::app::registration::attachments::prepare;
    use counterdesk::domain::registration::CompanyDraft;
    let mut store = Store::open(path).unwrap();
    let wang = SessionClerk::from(
        &store
            .read(|tx| tx.clerk_by_username("wangli"))
            .unwrap()
            .unwrap(),
    );
    let scans = files
        .into_iter()
        .map(|(slot, name, bytes)| {
            let p = prepare(ScanInput::Bytes {
                file_name: name.into(),
                bytes,
            })
            .unwrap();
            (slot, p)
        })
        .collect();
    let RegResp::Submitted(s) = registration::handle(
        Call::new(&mut store, t0() - Duration::hours(20), &wang),
        RegReq::SubmitCompany {
            form: CompanyDraft::sample("北京顺达物流有限公司"),
            scans,
            idempotency_key: "ui-company".into(),
        },
    )
    .unwrap() else {
        panic!("not submitted");
    };
    s.record.id
}

#[test]
fn a_company_registration_is_countersigned_from_the_queue() {
    use counterdesk::domain::registration::RegistrationStatus;
    let path = queue_db("review_company", &[]);
    let reg = company_registration(&path);
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    assert_eq!(queue(&ui).rows.len(), 1);
    assert_eq!(queue(&ui).rows[0].kind, AppKind::CompanyRegistration);
    key(&mut ui, Key::F2);
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.item.registration.is_some());
    assert!(
        ui.harness
            .query_by_label_contains("北京顺达物流有限公司")
            .is_some()
    );
    assert!(
        ui.harness
            .query_by_label_contains("复核通过 (F8)")
            .is_some()
    );
    // The agent's number is masked; the originals and scans are listed.
    assert!(ui.harness.query_by_label_contains("20000229").is_none());
    assert!(
        ui.harness
            .query_by_label_contains("营业执照.jpg（")
            .is_some()
    );
    // Only the reasons that fit a company are offered; a photo key does nothing.
    assert!(ui.harness.query_by_label_contains("背景").is_none());
    key(&mut ui, Key::A);
    assert!(queue(&ui).review.as_ref().unwrap().reasons.is_empty());
    ui.harness.snapshot("review_company");
    key(&mut ui, Key::K);
    key(&mut ui, Key::F9);
    ui.harness.snapshot("review_company_reject_dialog");
    key(&mut ui, Key::Escape);
    key(&mut ui, Key::K);
    key(&mut ui, Key::F8);
    assert_eq!(reviewing(&ui), None);
    drop(ui);
    let mut store = Store::open(&path).unwrap();
    let rec = store.read(|tx| tx.registration(reg)).unwrap().unwrap();
    assert_eq!(rec.status, RegistrationStatus::Countersigned);
    assert_eq!(rec.countersigner_name.as_deref(), Some("赵敏"));
}

#[test]
fn locking_gives_the_claim_back_and_unlocking_takes_it_again() {
    let path = queue_db(
        "review_lock",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    let first = queue(&ui).review.as_ref().unwrap().ticket.unwrap();
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    ui.settle();
    assert!(ui.app().is_locked());
    {
        // While locked, another reviewer could take it: nobody holds it.
        let mut store = Store::open(&path).unwrap();
        let info = store.read(|tx| tx.claim_info(first.id)).unwrap().unwrap();
        assert_eq!(info.state.holder, None);
    }
    ui.type_into("密码", "review2026");
    ui.press_enter();
    assert!(!ui.app().is_locked());
    let r = queue(&ui).review.as_ref().expect("reopened after unlock");
    let again = r.ticket.expect("claimed again");
    assert_eq!(again.id, first.id);
    assert!(again.seq > first.seq);
}

#[test]
fn unlocking_after_someone_took_it_says_who_has_it() {
    let path = queue_db(
        "review_lock_taken",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let qian = second_reviewer(&path);
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    ui.settle();
    {
        let mut store = Store::open(&path).unwrap();
        let Resp::Claimed(Some(_)) = review::handle(
            Call::new(&mut store, t0(), &qian),
            Req::ClaimNext { kind: None },
        )
        .unwrap() else {
            panic!("钱峰 could not take it");
        };
    }
    ui.type_into("密码", "review2026");
    ui.press_enter();
    assert_eq!(reviewing(&ui), None);
    assert_eq!(
        queue(&ui).held.as_ref().unwrap().sentence(),
        "正在由 钱峰 审核，至 09:45"
    );
}

/// Issue 19: another process adds applications; the open queue shows them
/// with no input from the clerk (the store-change watcher). Polled with a
/// generous timeout; the latency itself is measured by `benches/refresh.rs`.
#[test]
fn a_second_process_adding_applications_shows_without_input() {
    let path = queue_db("review_two_processes", &mixed());
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    assert_eq!(queue(&ui).rows.len(), 3);
    queue(&ui)
        .rows
        .iter()
        .for_each(|r| assert!(!r.app_no.is_empty()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("--db")
        .arg(&path)
        .args(["demo-data", "--applications", "4"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut seen = 0;
    for _ in 0..200 {
        ui.harness.step();
        seen = queue(&ui).rows.len();
        if seen == 7 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(seen, 7, "the four new applications appear by themselves");
}

/// Issue 19: the application open in a review is taken over and decided
/// elsewhere; the review says so, and F8 is refused with that reason while
/// the clerk's chosen reasons stay.
#[test]
fn a_review_decided_elsewhere_says_so_and_refuses_the_decision() {
    let path = queue_db(
        "review_changed_elsewhere",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let qian = second_reviewer(&path);
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    assert_eq!(reviewing(&ui).as_deref(), Some("SL202611190000002"));
    key(&mut ui, Key::A);
    let chosen = queue(&ui).review.as_ref().unwrap().reasons.clone();
    assert!(!chosen.is_empty());
    // 钱峰 (a supervisor) gives the claim back, takes it and approves it.
    {
        let mut store = Store::open(&path).unwrap();
        // The only application in this database.
        let id = 1;
        review::handle(
            Call::new(&mut store, t0(), &qian),
            Req::Release { id, ticket: None },
        )
        .unwrap();
        let Resp::Opened(item) =
            review::handle(Call::new(&mut store, t0(), &qian), Req::Open { id }).unwrap()
        else {
            panic!("not opened");
        };
        review::handle(
            Call::new(&mut store, t0(), &qian),
            Req::Decide {
                ticket: item.ticket.unwrap(),
                verdict: review::Decision::Approve,
                then_next: false,
            },
        )
        .unwrap();
    }
    let mut banner = None;
    for _ in 0..200 {
        ui.harness.step();
        banner = queue(&ui)
            .review
            .as_ref()
            .and_then(|r| r.changed_elsewhere.clone());
        if banner.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let banner = banner.expect("the review learns of the change by itself");
    assert_eq!(banner, "该申请已在其他窗口被通过，本次决定不会保存。");
    ui.settle();
    key(&mut ui, Key::F8);
    let r = queue(&ui).review.as_ref().unwrap();
    assert_eq!(r.error.as_deref(), Some(banner.as_str()));
    assert_eq!(r.reasons, chosen, "the clerk's reasons stay on screen");
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Approved);
}

fn viewer(ui: &Ui) -> &counterdesk::ui::kit::viewer::DocViewer {
    queue(ui)
        .review
        .as_ref()
        .and_then(|r| r.viewer.as_ref())
        .expect("viewer open")
}

/// Issue 19: the supervisor reads the scans they countersign — page by page
/// through every attachment (a PDF's pages rendered when reached), zoomed,
/// with the typed facts beside; F8/F9 and letters do nothing meanwhile, and
/// Esc closes only the viewer.
#[test]
fn the_viewer_pages_through_the_countersign_scans_and_zooms() {
    use counterdesk::domain::registration::ScanSlot;
    use counterdesk::ui::kit::viewer::Zoom;
    let path = queue_db("review_viewer", &[]);
    company_registration_with(
        &path,
        vec![
            (
                ScanSlot::BusinessLicence,
                "营业执照.jpg",
                photo_bytes("ok_260x378.jpg"),
            ),
            (ScanSlot::Authorization, "委托书.pdf", pdf_with_pages(2)),
        ],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    let app_no = reviewing(&ui).unwrap();
    ui.click("查看 营业执照（或组织机构代码证书）");
    assert_eq!(viewer(&ui).position(), (0, 3));
    assert!(viewer(&ui).current_ready());
    // The record's typed facts beside the scan.
    assert!(ui.harness.query_by_label_contains("本记录的附件").is_some());
    assert!(
        ui.harness
            .query_by_label_contains("▶ 1. 营业执照（或组织机构代码证书）：营业执照.jpg")
            .is_some()
    );
    ui.harness.snapshot("viewer_countersign");
    key(&mut ui, Key::PageDown);
    assert_eq!(viewer(&ui).position(), (1, 3));
    assert!(viewer(&ui).current_ready(), "PDF page 1 rendered");
    key(&mut ui, Key::ArrowRight);
    assert_eq!(viewer(&ui).position(), (2, 3));
    assert!(viewer(&ui).current_ready(), "PDF page 2 rendered");
    assert!(viewer(&ui).decoded_pages() <= 3);
    key(&mut ui, Key::Plus);
    key(&mut ui, Key::Plus);
    let Zoom::Scale(z) = viewer(&ui).zoom else {
        panic!("zoomed")
    };
    key(&mut ui, Key::Minus);
    assert!(matches!(viewer(&ui).zoom, Zoom::Scale(s) if s < z));
    ui.harness.snapshot("viewer_countersign_pdf_zoomed");
    key(&mut ui, Key::R);
    assert_eq!(viewer(&ui).rotation, 1);
    key(&mut ui, Key::F);
    assert_eq!(viewer(&ui).zoom, Zoom::Fit);
    key(&mut ui, Key::ArrowRight);
    assert_eq!(viewer(&ui).position(), (2, 3), "stays on the last page");
    key(&mut ui, Key::ArrowLeft);
    key(&mut ui, Key::PageUp);
    assert_eq!(viewer(&ui).position(), (0, 3));
    // F8, F9 and the reason letters are the viewer's now: nothing happens.
    key(&mut ui, Key::K);
    key(&mut ui, Key::F9);
    key(&mut ui, Key::F8);
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.reasons.is_empty() && !r.rejecting && !r.deciding);
    assert_eq!(status_of(&path, &app_no).0, Status::Pending);
    // Esc closes the viewer only: the review and its claim stay.
    key(&mut ui, Key::Escape);
    let r = queue(&ui).review.as_ref().unwrap();
    assert!(r.viewer.is_none());
    assert!(r.ticket.is_some());
    key(&mut ui, Key::V);
    assert_eq!(viewer(&ui).position(), (0, 3));
    key(&mut ui, Key::Escape);
    assert!(reviewing(&ui).is_some());
}

/// Issue 19: F8 on a photo the check failed opens the override dialog with
/// focus on 取消: Enter there does not approve; an approval needs a reason
/// and is audited and shown with it.
#[test]
fn f8_on_a_failed_photo_asks_for_a_reason_and_audits_it() {
    let path = queue_db(
        "review_override",
        &[Spec {
            photo: "bad_grey_background.jpg",
            ..Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))
        }],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    // Until the photo report is back, 通过 waits (a fresh view of the same
    // application has not decoded its photo yet).
    let item = queue(&ui).review.as_ref().unwrap().item.clone();
    let mut fresh = counterdesk::ui::review::item::ReviewView::new(item);
    assert!(!fresh.photo_ready());
    assert!(!fresh.approve_or_ask());
    assert!(fresh.overriding.is_none());
    assert!(fresh.error.unwrap().contains("照片检测结果尚未返回"));
    assert!(queue(&ui).review.as_ref().unwrap().photo_ready());
    key(&mut ui, Key::F8);
    assert!(queue(&ui).review.as_ref().unwrap().overriding.is_some());
    assert!(ui.harness.query_by_label_contains("× 背景颜色").is_some());
    assert!(ui.harness.get_by_label("取消 (Esc)").is_focused());
    ui.harness.snapshot("review_photo_override");
    // Enter presses the focused 取消: nothing is approved.
    key(&mut ui, Key::Enter);
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Pending);
    assert!(queue(&ui).review.as_ref().unwrap().overriding.is_none());
    // A reason too short is refused, even with Ctrl+Enter.
    key(&mut ui, Key::F8);
    ui.type_into("理由（至少 4 个字，或选择上面的标准理由）", "好的");
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Pending);
    assert!(queue(&ui).review.as_ref().unwrap().overriding.is_some());
    // A standard reason, then Ctrl+Enter: approved, with the reason kept.
    ui.click("系统误判，已人工核对");
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    assert_eq!(status_of(&path, "SL202611190000002").0, Status::Approved);
    let mut store = Store::open(&path).unwrap();
    let (decision, tail) = store
        .read(|tx| {
            let id = (1..10)
                .find(|id| {
                    tx.application(*id)
                        .ok()
                        .flatten()
                        .is_some_and(|a| a.data.app_no == "SL202611190000002")
                })
                .unwrap();
            Ok((tx.decision_for(id)?.unwrap(), tx.audit_tail(1)?))
        })
        .unwrap();
    drop(store);
    assert_eq!(
        decision.data.photo_override.as_deref(),
        Some("系统误判，已人工核对")
    );
    assert!(
        tail[0]
            .detail
            .contains("仍通过，理由：系统误判，已人工核对"),
        "{}",
        tail[0].detail
    );
    // The read-only review from 已通过 says so.
    let approved = ui
        .harness
        .get(By::new().role(A11y::Button).label_contains("已通过"));
    approved.click();
    ui.settle();
    ui.click("SL202611190000002");
    assert!(
        ui.harness
            .query_by_label_contains("理由：系统误判，已人工核对")
            .is_some()
    );
    ui.harness.snapshot("review_approved_override");
}

/// Issue 19: a company's notice cites the 受理回执 number the agent holds.
#[test]
fn a_company_rejection_notice_cites_the_receipt_number() {
    let path = queue_db("review_company_notice", &[]);
    let reg = company_registration(&path);
    let reg_no = Store::open(&path)
        .unwrap()
        .read(|tx| tx.registration(reg))
        .unwrap()
        .unwrap()
        .reg_no;
    assert!(reg_no.starts_with("MQ-"), "{reg_no}");
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    let app_no = reviewing(&ui).unwrap();
    key(&mut ui, Key::K);
    key(&mut ui, Key::F9);
    let preview = queue(&ui).review.as_ref().unwrap().notice().unwrap();
    assert!(
        preview.contains(&format!("回执编号：{reg_no}")),
        "{preview}"
    );
    assert!(!preview.contains(&app_no), "{preview}");
    ui.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    ui.settle();
    let (status, _, notice) = status_of(&path, &app_no);
    assert_eq!(status, Status::Returned);
    assert!(notice.contains(&reg_no), "{notice}");
    assert!(!notice.contains(&app_no), "{notice}");
}

/// Issue 19: a PDF page the viewer cannot draw says so, and offers the
/// system's own program (not clicked here: it would start one).
#[test]
fn a_pdf_page_that_cannot_be_drawn_says_so() {
    use counterdesk::ui::kit::viewer::DocSource;
    use counterdesk::ui::kit::viewer::DocViewer;
    use counterdesk::ui::kit::viewer::ViewerDoc;
    let doc = ViewerDoc {
        label: "委托书".into(),
        file_name: "委托书.pdf".into(),
        pages: 1,
        source: DocSource::Bytes(b"%PDF-1.7\n1 0 obj broken".to_vec().into()),
    };
    let viewer = DocViewer::new(vec![doc], "面签记录 MQ-20261120-0001", vec![], 0);
    let mut h = egui_kittest::Harness::builder()
        .with_size([1024.0, 600.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui_state(
            |ui, v: &mut DocViewer| {
                let mut out = counterdesk::ui::shell::outbox::Outbox::default();
                v.show(ui.ctx(), &mut out);
            },
            viewer,
        );
    for _ in 0..400 {
        h.step();
        if !h.state().is_busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("此页无法在工作台中显示：无法读取该 PDF")
            .is_some()
    );
    assert!(h.query_by_label("用系统程序打开 (O)").is_some());
    h.snapshot("viewer_pdf_failed");
}

/// Issue 19: F9 puts the cursor in 补充说明; letters type there, Alt+letter
/// toggles a reason (and types nothing). The reasons and the note survive a
/// lock and unlock, the dialog open again as it was.
#[test]
fn the_reject_dialog_types_notes_toggles_with_alt_and_survives_a_lock() {
    let path = queue_db(
        "review_reject_keys",
        &[Spec::new("SL202611190000002", "王伟", cst(19, 14, 20))],
    );
    let mut ui = launch(DbTarget::File(path.clone()));
    open_queue(&mut ui, "zhaomin", "review2026");
    key(&mut ui, Key::F2);
    key(&mut ui, Key::A);
    key(&mut ui, Key::F9);
    assert!(queue(&ui).review.as_ref().unwrap().free_text_focused);
    assert!(
        ui.harness
            .get_by_label("补充说明（选填，最多 200 字）")
            .is_focused(),
        "the cursor starts in the note"
    );
    ui.harness
        .get_by_label("补充说明（选填，最多 200 字）")
        .type_text("b");
    ui.settle();
    // As X11 sends it: in one frame, the key with Alt and the letter as
    // text as well.
    let events = &mut ui.harness.input_mut().events;
    events.push(eframe::egui::Event::Key {
        key: Key::B,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::ALT,
    });
    events.push(eframe::egui::Event::Text("b".into()));
    ui.settle();
    let r = queue(&ui).review.as_ref().unwrap();
    assert_eq!(
        r.free_text, "b",
        "a plain letter types, Alt+letter does not"
    );
    assert_eq!(r.reasons, vec![Reason::PhotoBackground, Reason::PhotoGlare]);
    assert!(
        ui.harness
            .query_by_label_contains("Alt+字母键增减")
            .is_some(),
        "the dialog says how"
    );
    // Lock, unlock: the application is taken again with the same choices.
    ui.harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    ui.settle();
    ui.type_into("密码", "review2026");
    ui.press_enter();
    ui.settle();
    let r = queue(&ui).review.as_ref().expect("reopened after unlock");
    assert!(r.can_decide());
    assert_eq!(r.reasons, vec![Reason::PhotoBackground, Reason::PhotoGlare]);
    assert_eq!(r.free_text, "b");
    assert!(r.rejecting, "the dialog is open again");
}
