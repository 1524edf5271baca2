//! 证件核验: one input for any identity number, credit/organisation code or
//! phone number, with a verdict badge, a breakdown and each finding in plain
//! Chinese. Embeddable anywhere: it only draws into the `Ui` it is given.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, RichText};

use crate::domain::documents::result::{CheckResult, DocKind, DocVerdict, Severity};
use crate::domain::documents::router::check_any;

const GREEN: Color32 = Color32::from_rgb(0x1b, 0x7f, 0x3a);
const AMBER: Color32 = Color32::from_rgb(0xb0, 0x6a, 0x00);
const RED: Color32 = Color32::from_rgb(0xc0, 0x24, 0x24);

/// The reusable widget. Keep one per form field in the form's state.
#[derive(Debug)]
pub struct IdCheckPanel {
    /// Keeps widget ids apart when a form embeds several panels.
    id_salt: egui::IdSalt,
    text: String,
    /// (text, today) the cached result was computed for.
    checked_for: Option<(String, NaiveDate)>,
    result: Option<CheckResult>,
    /// Focus the input on the next frame (e.g. when its screen opens).
    focus_pending: bool,
    /// The text was restored from a draft: continue after it, don't select it.
    restored: bool,
}

impl Default for IdCheckPanel {
    fn default() -> Self {
        Self {
            id_salt: egui::IdSalt::new("id_check"),
            text: String::new(),
            checked_for: None,
            result: None,
            focus_pending: false,
            restored: false,
        }
    }
}

impl IdCheckPanel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Distinct salt for a second panel in the same form (e.g. 申请人 / 代理人).
    pub fn with_id_salt(mut self, salt: impl egui::AsIdSalt) -> Self {
        self.id_salt = egui::IdSalt::new(salt);
        self
    }

    /// What the clerk has typed (raw).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the input (e.g. from a card reader); re-checked on the next frame.
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.restored = true;
    }

    /// Puts the keyboard focus into the input on the next frame, so a clerk
    /// arriving at the screen can type or scan at once.
    pub fn request_focus(&mut self) {
        self.focus_pending = true;
    }

    /// The latest result (`None` while the input is blank).
    pub fn result(&self) -> Option<&CheckResult> {
        self.result.as_ref()
    }

    /// Re-checks only when the text or the date changed: the domain call is
    /// pure and cheap, so it runs on the UI thread.
    fn refresh(&mut self, today: NaiveDate) {
        let fresh = self
            .checked_for
            .as_ref()
            .is_some_and(|(t, d)| *t == self.text && *d == today);
        if fresh {
            return;
        }
        self.result = if self.text.trim().is_empty() {
            None
        } else {
            Some(check_any(&self.text, today))
        };
        self.checked_for = Some((self.text.clone(), today));
    }

    /// Draws the panel; `today` comes from the caller's clock.
    pub fn ui(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.push_id(self.id_salt, |ui| self.contents(ui, today));
    }

    fn contents(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.horizontal(|ui| {
            let label = ui.label("证件号码");
            let edit = egui::TextEdit::singleline(&mut self.text)
                .hint_text("身份证、居住证、永居证、统一社会信用代码、组织机构代码或电话")
                .desired_width(f32::INFINITY)
                // Enter keeps the focus here: the next number is typed or scanned at once.
                .return_key(None);
            let output = edit.show(ui);
            let field = output.response.response.clone().labelled_by(label.id);
            let entered = field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if std::mem::take(&mut self.focus_pending) || entered {
                field.request_focus();
                let len = self.text.chars().count();
                // A restored draft is continued; a checked number is replaced by the next.
                let from = if std::mem::take(&mut self.restored) && !entered {
                    len
                } else {
                    0
                };
                select_range(ui.ctx(), field.id, from, len);
            }
        });
        self.details(
            ui,
            today,
            "输入或粘贴号码后自动核验（可含空格、全角字符）；回车后全选，下一个号码直接覆盖",
        );
    }

    /// For a form: the input alone, inside the caller's two-column grid
    /// (label cell, then the field). Enter gives up the focus like any form
    /// field, so the form moves on. Returns the field's response.
    pub fn form_input(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        hint: &str,
        error: Option<&str>,
    ) -> egui::Response {
        let l = ui.label(label);
        let r = ui
            .push_id(self.id_salt, |ui| {
                ui.vertical(|ui| {
                    let r = egui::TextEdit::singleline(&mut self.text)
                        .hint_text(hint)
                        .desired_width(260.0)
                        .show(ui)
                        .response
                        .response;
                    if let Some(e) = error {
                        crate::ui::kit::widgets::field_error(ui, e);
                    }
                    r
                })
                .inner
            })
            .inner
            .labelled_by(l.id);
        if std::mem::take(&mut self.focus_pending) {
            r.request_focus();
            let len = self.text.chars().count();
            select_range(ui.ctx(), r.id, len, len);
        }
        self.restored = false;
        ui.end_row();
        r
    }

    /// For a form: the live verdict and breakdown of what [`Self::form_input`] holds.
    pub fn form_details(&mut self, ui: &mut egui::Ui, today: NaiveDate) {
        ui.push_id(self.id_salt, |ui| {
            self.details(ui, today, "输入号码后，这里显示核验结果和号码含义。")
        });
    }

    fn details(&mut self, ui: &mut egui::Ui, today: NaiveDate, empty_hint: &str) {
        self.refresh(today);
        let Some(result) = &self.result else {
            ui.weak(empty_hint);
            return;
        };
        ui.add_space(4.0);
        if result.looks_incomplete() {
            ui.horizontal(|ui| {
                pending_badge(ui);
                ui.label(
                    RichText::new(format!(
                        "已输入 {} 位，号码尚未输入完整。",
                        result.normalized.chars().count()
                    ))
                    .weak(),
                );
            });
            return;
        }
        ui.horizontal(|ui| {
            badge(ui, result.verdict);
            ui.label(RichText::new(result.kind.label()).strong());
        });
        ui.add_space(4.0);
        breakdown(ui, result);
        findings(ui, result);
    }
}

/// Selects `from..to` (all of it, so the next scan replaces it; or nothing
/// with the cursor at the end, to continue typing).
fn select_range(ctx: &egui::Context, id: egui::Id, from: usize, to: usize) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    state
        .cursor
        .set_char_range(Some(egui::text::CCursorRange::two(
            egui::text::CCursor::new(from),
            egui::text::CCursor::new(to),
        )));
    state.store(ctx, id);
}

/// Neutral: a number still being typed is neither valid nor wrong yet.
fn pending_badge(ui: &mut egui::Ui) {
    egui::Frame::new()
        .fill(Color32::from_gray(150))
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(8, 3))
        .show(ui, |ui| {
            ui.label(RichText::new("输入中").color(Color32::WHITE).strong());
        });
}

fn badge(ui: &mut egui::Ui, verdict: DocVerdict) {
    let color = match verdict {
        DocVerdict::Valid => GREEN,
        DocVerdict::ValidWithWarnings => AMBER,
        DocVerdict::Invalid => RED,
    };
    egui::Frame::new()
        .fill(color)
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(8, 3))
        .show(ui, |ui| {
            ui.label(
                RichText::new(verdict.label())
                    .color(Color32::WHITE)
                    .strong(),
            );
        });
}

fn row(ui: &mut egui::Ui, key: &str, value: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(key).weak());
    ui.label(value);
    ui.end_row();
}

fn breakdown(ui: &mut egui::Ui, r: &CheckResult) {
    let f = &r.fields;
    egui::Grid::new("id_check_breakdown")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            row(ui, "号码类型", r.kind.label());
            if !r.normalized.is_empty() {
                row(ui, "规范化号码", r.normalized.as_str());
            }
            let is_code = matches!(r.kind, DocKind::CreditCode | DocKind::OrgCode);
            if let Some(a) = f.authority {
                row(ui, "登记管理部门", a);
            }
            if let Some(t) = f.entity_type {
                row(ui, "机构类别", t);
            }
            if let Some(region) = &f.region {
                let key = if is_code { "登记地区" } else { "地区" };
                row(
                    ui,
                    key,
                    format!("{}（{}）", region.display_name(), region.years_label()),
                );
            }
            if let Some(o) = &f.org_code {
                row(ui, "组织机构代码", o.as_str());
            }
            if let Some(d) = f.birth_date {
                let age = f.age.map_or_else(String::new, |a| format!("（{a} 岁）"));
                row(ui, "出生日期", format!("{d}{age}"));
            }
            if let Some(g) = f.gender {
                row(ui, "性别", g.label());
            }
            if let Some(n) = &f.nationality_code {
                row(ui, "国籍代码", n.as_str());
            }
            if let Some(n) = &f.converted_18 {
                row(ui, "对应 18 位号码", n.as_str());
            }
            if let Some(a) = &f.area_code {
                row(ui, "区号", a.as_str());
            }
            if let Some(e) = &f.extension {
                row(ui, "分机", e.as_str());
            }
        });
}

fn findings(ui: &mut egui::Ui, r: &CheckResult) {
    if r.findings.is_empty() {
        return;
    }
    ui.add_space(6.0);
    for f in &r.findings {
        let (tag, color) = match f.severity {
            Severity::Error => ("错误", RED),
            Severity::Warning => ("提示", AMBER),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("【{tag}】")).color(color).strong());
            ui.label(f.message.as_ref());
        });
    }
    if r.supervisor_may_override() {
        ui.label(RichText::new("可由主管记录理由后放行").color(AMBER));
    }
}
