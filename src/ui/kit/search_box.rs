//! The search box above a list: Ctrl+F puts the cursor in it, Enter (or the
//! button beside it) searches, ↓ leaves it for the first result.

use eframe::egui;

use crate::ui::kit::widgets;

#[derive(Debug)]
pub struct SearchBox {
    pub text: String,
    label: &'static str,
    hint: &'static str,
    width: f32,
    /// Where the box keeps its state when its screen has more than one.
    id_salt: Option<&'static str>,
    /// Ctrl+F was pressed: focus the box at the next frame.
    focus: bool,
    /// ↓ was pressed in the box: give the focus up at the next frame.
    leave: bool,
    focused: bool,
}

impl SearchBox {
    /// An empty box labelled `label`, `hint` inside it while empty.
    pub fn new(label: &'static str, hint: &'static str, width: f32) -> Self {
        SearchBox {
            text: String::new(),
            label,
            hint,
            width,
            id_salt: None,
            focus: false,
            leave: false,
            focused: false,
        }
    }

    pub fn with_id_salt(self, id_salt: &'static str) -> Self {
        SearchBox {
            id_salt: Some(id_salt),
            ..self
        }
    }

    /// Draws the label and the box; true when Enter was pressed in it.
    pub fn show(&mut self, ui: &mut egui::Ui) -> bool {
        let l = ui.label(self.label);
        let mut edit = egui::TextEdit::singleline(&mut self.text)
            .hint_text(self.hint)
            .desired_width(self.width);
        if let Some(salt) = self.id_salt {
            edit = edit.id_salt(salt);
        }
        let r = ui.add(edit).labelled_by(l.id);
        if std::mem::take(&mut self.focus) {
            r.request_focus();
        }
        if std::mem::take(&mut self.leave) {
            r.surrender_focus();
        }
        self.focused = r.has_focus();
        widgets::submitted(ui, &r)
    }

    /// Focus the box at the next frame.
    pub fn focus(&mut self) {
        self.focus = true;
    }

    /// The cursor is in the box (its keys are the box's, not the list's).
    pub fn has_focus(&self) -> bool {
        self.focused
    }

    /// Ctrl+F focuses the box. ↓ in the box, with results below, leaves it:
    /// true then, and the caller selects the first result.
    pub fn keys(&mut self, input: &mut egui::InputState, has_results: bool) -> bool {
        if input.consume_key(egui::Modifiers::COMMAND, egui::Key::F) {
            self.focus = true;
        }
        if self.focused
            && has_results
            && input.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown)
        {
            self.leave = true;
            self.focused = false;
            return true;
        }
        false
    }
}
