//! Small building blocks shared by the screens: labelled form rows, messages,
//! cards. Every input gets an accessible label (the test harness checks, and
//! the tests drive the UI through those labels).

use eframe::egui::{self, Color32, RichText};

use crate::domain::documents::result::sentence;
use crate::ui::kit::theme;

/// A label + single-line text field row inside a two-column `Grid`.
/// Returns the field's response.
pub fn text_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    password: bool,
) -> egui::Response {
    let l = ui.label(label);
    let r = ui.add(
        egui::TextEdit::singleline(value)
            .password(password)
            .desired_width(260.0)
            .id_salt(label),
    );
    ui.end_row();
    r.labelled_by(l.id)
}

/// A label + numeric drag value row inside a two-column `Grid`.
pub fn number_row(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut u32,
    range: std::ops::RangeInclusive<u32>,
    suffix: &str,
) -> egui::Response {
    let l = ui.label(label);
    let r = ui.add(egui::DragValue::new(value).range(range).suffix(suffix));
    ui.end_row();
    r.labelled_by(l.id)
}

/// A checkbox that Space toggles and Enter does not: egui treats Enter on a
/// focused widget as a click, but in a form Enter means "submit". Returns
/// the response and whether Enter was pressed on it (the form submits).
pub fn checkbox(ui: &mut egui::Ui, value: &mut bool, label: &str) -> (egui::Response, bool) {
    let before = *value;
    let enter = enter_pressed(ui);
    let mut r = ui.checkbox(value, label);
    let on_enter = enter && r.has_focus();
    if on_enter && *value != before {
        *value = before;
        r.mark_changed();
    }
    (r, on_enter)
}

/// A radio button that Space selects, an arrow key moving onto it selects
/// (as native radio rows do), and Enter does not: Enter submits the form.
pub fn radio_value<T: PartialEq + Clone>(
    ui: &mut egui::Ui,
    current: &mut T,
    value: T,
    label: &str,
) -> (egui::Response, bool) {
    let before = current.clone();
    let enter = enter_pressed(ui);
    let arrow = ui.input(|i| {
        [
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
            egui::Key::ArrowUp,
            egui::Key::ArrowDown,
        ]
        .into_iter()
        .any(|k| i.key_pressed(k))
    });
    let mut r = ui.radio_value(current, value.clone(), label);
    let on_enter = enter && r.has_focus();
    if on_enter && *current != before {
        *current = before;
    } else if arrow && r.gained_focus() && *current != value {
        *current = value;
        r.mark_changed();
    }
    (r, on_enter)
}

fn enter_pressed(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.is_none())
}

fn newly_focused_id() -> egui::Id {
    egui::Id::unique("counterdesk_newly_focused")
}

/// Once per frame (the shell calls it): remembers where the widget that just
/// got the keyboard focus (Tab, Enter moving down a form) was drawn, so the
/// scroll area holding it can bring it into view ([`follow_focus`]).
pub fn note_focus(ctx: &egui::Context, last: &mut Option<egui::Id>) {
    let focused = ctx.memory(|m| m.focused());
    let rect = focused
        .filter(|f| *last != Some(*f))
        .and_then(|f| ctx.read_response(f))
        .map(|r| r.rect);
    *last = focused;
    ctx.data_mut(|d| match rect {
        Some(r) => {
            d.insert_temp(newly_focused_id(), r);
        }
        None => {
            d.remove::<egui::Rect>(newly_focused_id());
        }
    });
}

/// Call at the end of a scroll area's content: if the newly focused widget
/// lies in this area, scroll it into view. The innermost area runs first and
/// takes it, so an outer area does not scroll as well.
pub fn follow_focus(ui: &mut egui::Ui) {
    let id = newly_focused_id();
    let Some(rect) = ui.ctx().data(|d| d.get_temp::<egui::Rect>(id)) else {
        return;
    };
    if ui.clip_rect().x_range().contains(rect.center().x) {
        ui.ctx().data_mut(|d| {
            d.remove::<egui::Rect>(id);
        });
        ui.scroll_to_rect(rect.expand(8.0), None);
    }
}

/// True when Enter was pressed this frame while `field` had focus (the
/// single-line editor gives up focus on Enter).
pub fn submitted(ui: &egui::Ui, field: &egui::Response) -> bool {
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// Enter in any but the last field of a form moves to the next one (the
/// last field's Enter submits, see [`submitted`]).
pub fn enter_moves_on(ui: &egui::Ui, fields: &[egui::Response]) {
    for pair in fields.windows(2) {
        if submitted(ui, &pair[0]) {
            pair[1].request_focus();
        }
    }
}

/// A red line under a field saying what to fix there.
pub fn field_error(ui: &mut egui::Ui, text: &str) {
    ui.label(RichText::new(text).color(theme::ERROR).small());
}

/// A warning under a field: it may be kept, but the clerk should ask.
pub fn field_warning(ui: &mut egui::Ui, text: &str) {
    ui.label(
        RichText::new(format!("注意：{text}"))
            .color(theme::WARN)
            .small(),
    );
}

/// Error / success / info message line.
pub fn message(ui: &mut egui::Ui, msg: &Message) {
    let (color, prefix) = match msg.kind {
        MessageKind::Error => (theme::ERROR, "× "),
        MessageKind::Success => (theme::OK, "✓ "),
        MessageKind::Info => (theme::MUTED, ""),
    };
    ui.label(RichText::new(format!("{prefix}{}", msg.text)).color(color));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Error,
    Success,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

/// Messages read as sentences: 。 at the end (see [`sentence`]).
impl Message {
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            kind: MessageKind::Error,
            text: sentence(text.into()).into_owned(),
        }
    }
    pub fn success(text: impl Into<String>) -> Self {
        Self {
            kind: MessageKind::Success,
            text: sentence(text.into()).into_owned(),
        }
    }
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            kind: MessageKind::Info,
            text: sentence(text.into()).into_owned(),
        }
    }
}

/// A white card with a border, for forms on a plain background.
pub fn card<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    egui::Frame::new()
        .fill(Color32::WHITE)
        .stroke(egui::Stroke::new(1.0, Color32::from_gray(210)))
        .corner_radius(6.0)
        .inner_margin(egui::Margin::same(20))
        .show(ui, add)
        .inner
}

/// A card that fills its column's width (login, setup, lock, error pages),
/// so it lines up with the centred heading above it.
pub fn form_card<R>(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    card(ui, |ui| {
        ui.set_min_width(ui.available_width());
        add(ui)
    })
}

/// Centres a fixed-width column in the available space (login, setup, lock).
pub fn centered_column<R>(
    ui: &mut egui::Ui,
    width: f32,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    let avail = ui.available_rect_before_wrap();
    let w = width.min(avail.width());
    let left = avail.left() + (avail.width() - w) / 2.0;
    let top = avail.top() + (avail.height() * 0.12).min(90.0);
    let rect =
        egui::Rect::from_min_size(egui::pos2(left, top), egui::vec2(w, avail.bottom() - top));
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::top_down(egui::Align::Min)),
    );
    add(&mut child)
}

/// A primary (accent) button.
pub fn primary_button(ui: &mut egui::Ui, text: &str, enabled: bool) -> egui::Response {
    ui.add_enabled(
        enabled,
        egui::Button::new(RichText::new(text).color(Color32::WHITE)).fill(theme::ACCENT),
    )
}
