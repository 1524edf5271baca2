//! The form pattern every dialog shares: a two-column grid of labelled
//! fields where the right one takes the focus, Enter moves down and Enter in
//! the last field submits; then the message line and the submit button.

use eframe::egui;

use crate::ui::kit::widgets;

use crate::ui::kit::widgets::Message;

/// One labelled single-line field.
pub struct Field<'a> {
    pub label: &'a str,
    pub value: &'a mut String,
    pub password: bool,
}

impl<'a> Field<'a> {
    pub fn text(label: &'a str, value: &'a mut String) -> Self {
        Field {
            label,
            value,
            password: false,
        }
    }

    pub fn password(label: &'a str, value: &'a mut String) -> Self {
        Field {
            label,
            value,
            password: true,
        }
    }
}

/// Draws the fields; focuses field `focus` (taken); returns true when Enter
/// was pressed in the last field.
pub fn fields(
    ui: &mut egui::Ui,
    id: &str,
    fields: Vec<Field<'_>>,
    focus: &mut Option<usize>,
) -> bool {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            let responses: Vec<egui::Response> = fields
                .into_iter()
                .map(|f| widgets::text_row(ui, f.label, f.value, f.password))
                .collect();
            if let Some(i) = focus.take()
                && let Some(r) = responses.get(i.min(responses.len().saturating_sub(1)))
            {
                r.request_focus();
            }
            widgets::enter_moves_on(ui, &responses);
            responses
                .last()
                .is_some_and(|last| widgets::submitted(ui, last))
        })
        .inner
}

/// The message (if any), then the primary button with a spinner while
/// `waiting` is shown; returns true when it was clicked.
pub fn submit_row(
    ui: &mut egui::Ui,
    message: Option<&Message>,
    label: &str,
    ready: bool,
    waiting: Option<&str>,
) -> bool {
    submit_or_cancel(ui, message, label, ready, waiting, None).0
}

/// As [`submit_row`], with a cancel button beside it (also Esc):
/// returns (submitted, cancelled).
pub fn submit_or_cancel(
    ui: &mut egui::Ui,
    message: Option<&Message>,
    label: &str,
    ready: bool,
    waiting: Option<&str>,
    cancel: Option<&str>,
) -> (bool, bool) {
    if let Some(m) = message {
        widgets::message(ui, m);
    }
    ui.horizontal(|ui| {
        let clicked = widgets::primary_button(ui, label, ready).clicked();
        let cancelled = cancel.is_some_and(|c| {
            ui.button(c).clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape))
        });
        if let Some(w) = waiting {
            ui.spinner();
            ui.label(w);
        }
        (clicked, cancelled)
    })
    .inner
}
