//! The review's keys: F8/F9/F2/Esc/V, and a letter per standard reason
//! (Alt+letter while the cursor is in the reject dialog's 补充说明).

use eframe::egui;

use crate::ui::review::item::Action;

use crate::domain::review::Reason;
use crate::ui::review::item::ReviewView;

/// Keys of the reason toggles, in [`Reason::ALL`] order (fixable first).
pub const REASON_KEYS: [egui::Key; 18] = {
    use egui::Key::*;
    [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R]
};

pub fn key_name(k: egui::Key) -> &'static str {
    k.name()
}

impl ReviewView {
    /// Takes the review's keys out of the input (the reason letters only
    /// while the free-text field is not being typed in).
    pub fn shortcuts(&mut self, i: &mut egui::InputState) -> Option<Action> {
        use egui::{Key, Modifiers};
        let mut action = None;
        if let Some(v) = &mut self.viewer {
            // The viewer owns every key; Esc closes it and nothing else.
            if v.shortcuts(i) {
                self.viewer = None;
            }
            return None;
        }
        if self.overriding.is_some() {
            // Enter is left to the focused button (取消 at first): only
            // Ctrl+Enter confirms.
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                return Some(Action::CloseOverride);
            }
            if i.consume_key(Modifiers::COMMAND, Key::Enter) {
                return Some(Action::ConfirmOverride);
            }
            return None;
        }
        if self.rejecting {
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                action = Some(Action::CloseReject);
            } else if i.consume_key(Modifiers::COMMAND, Key::Enter)
                || (!self.free_text_focused && i.consume_key(Modifiers::NONE, Key::Enter))
            {
                action = Some(Action::ConfirmReject);
            }
            // The cursor is in 补充说明, so letters type there: Alt+letter
            // toggles a reason instead (and types nothing).
            // With Alt held nothing types (X11 sends the letter as text too),
            // whether or not the letter is a reason for this kind. Judged per
            // key event: a quick Alt+K may press and release Alt in one frame.
            let alt_pressed = i.events.iter().any(
                |e| matches!(e, egui::Event::Key { pressed: true, modifiers, .. } if modifiers.alt),
            );
            for (r, k) in Reason::ALL.into_iter().zip(REASON_KEYS) {
                if r.applies_to(self.item.kind) && i.consume_key(Modifiers::ALT, k) {
                    self.toggle(r);
                }
            }
            if alt_pressed {
                i.events
                    .retain(|e| !matches!(e, egui::Event::Text(_) | egui::Event::Ime(_)));
            }
            return action;
        } else if i.consume_key(Modifiers::NONE, Key::F8) {
            action = Some(Action::Approve);
        } else if i.consume_key(Modifiers::NONE, Key::F9) {
            action = Some(Action::OpenReject);
        } else if i.consume_key(Modifiers::NONE, Key::F2) {
            action = Some(Action::Next);
        } else if i.consume_key(Modifiers::NONE, Key::Escape) {
            action = Some(Action::Back);
        } else if i.consume_key(Modifiers::NONE, Key::V) {
            action = Some(Action::View(0));
        }
        if !self.free_text_focused && self.can_decide() && !self.deciding {
            for (r, k) in Reason::ALL.into_iter().zip(REASON_KEYS) {
                if r.applies_to(self.item.kind) && i.consume_key(Modifiers::NONE, k) {
                    self.toggle(r);
                }
            }
        }
        action
    }
}
