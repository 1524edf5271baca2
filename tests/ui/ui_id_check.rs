//! Screenshot tests of 证件核验, one per state. Regenerate with
//! `UPDATE_SNAPSHOTS=1 cargo test --test ui_id_check` on Mesa llvmpipe.

use chrono::NaiveDate;
use counterdesk::domain::documents::result::{DocKind, DocVerdict};
use counterdesk::ui::documents::id_check::IdCheckPanel;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn harness(text: &str) -> Harness<'static, IdCheckPanel> {
    let mut panel = IdCheckPanel::new();
    panel.set_text(text);
    Harness::builder()
        .with_size([640.0, 460.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui_state(
            |ui, panel: &mut IdCheckPanel| {
                // Embedded the way a form would: inside whatever panel hosts it.
                egui::CentralPanel::default().show(ui, |ui| panel.ui(ui, today()));
            },
            panel,
        )
}

fn check(text: &str, name: &str, kind: DocKind, verdict: DocVerdict) {
    let mut h = harness(text);
    h.run();
    let r = h.state().result().expect("a result");
    assert_eq!(r.kind, kind);
    assert_eq!(r.verdict, verdict);
    h.snapshot(name);
}

#[test]
fn valid_id_typed_into_the_field() {
    let mut h = harness("");
    h.run();
    assert!(h.state().result().is_none());
    h.get_by_label("证件号码").focus();
    h.get_by_label("证件号码")
        .type_text("１１０１０５ 19491231 002x");
    h.run();
    let r = h.state().result().expect("a result");
    assert_eq!(r.kind, DocKind::ResidentId);
    assert_eq!(r.verdict, DocVerdict::Valid);
    assert_eq!(r.normalized, "11010519491231002X");
    h.snapshot("id_check_valid_id");
}

#[test]
fn wrong_check_character() {
    check(
        "110101199003070010",
        "id_check_wrong_check",
        DocKind::ResidentId,
        DocVerdict::Invalid,
    );
}

#[test]
fn hk_permit() {
    check(
        "810000199408230021",
        "id_check_hk_permit",
        DocKind::HmtPermit,
        DocVerdict::Valid,
    );
}

#[test]
fn valid_credit_code() {
    check(
        "91110000600037341L",
        "id_check_credit_valid",
        DocKind::CreditCode,
        DocVerdict::Valid,
    );
}

#[test]
fn invalid_credit_code() {
    check(
        "91350203M0001QKT19",
        "id_check_credit_invalid",
        DocKind::CreditCode,
        DocVerdict::Invalid,
    );
}

#[test]
fn phone_warning() {
    check(
        "146 1234 5678",
        "id_check_phone_warning",
        DocKind::Mobile,
        DocVerdict::ValidWithWarnings,
    );
}

#[test]
fn two_panels_embed_side_by_side() {
    let mut a = IdCheckPanel::new().with_id_salt("applicant");
    let mut b = IdCheckPanel::new().with_id_salt("agent");
    a.set_text("110101199003070011");
    b.set_text("91110000600037341L");
    let mut h = Harness::builder()
        .with_size([640.0, 600.0])
        .with_context_setup(counterdesk::ui::setup_context)
        .with_theme(eframe::egui::Theme::Light)
        .build_ui_state(
            |ui, (a, b): &mut (IdCheckPanel, IdCheckPanel)| {
                a.ui(ui, today());
                ui.separator();
                b.ui(ui, today());
            },
            (a, b),
        );
    h.run();
    assert_eq!(h.state().0.result().unwrap().kind, DocKind::ResidentId);
    assert_eq!(h.state().1.result().unwrap().kind, DocKind::CreditCode);
}
