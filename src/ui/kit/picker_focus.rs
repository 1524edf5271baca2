//! Puts the keyboard focus back where it was when a file dialog closes, so
//! a clerk working with the keyboard carries on from the button that opened
//! it (the native dialog takes the window's focus while it is up).

use std::time::{Duration, Instant};

use eframe::egui;

use crate::ui::kit::file_picker::FileKind;

use crate::ui::kit::file_picker::FilePicker;

use crate::ui::kit::file_picker::Picked;

pub struct FocusReturn {
    inner: Box<dyn FilePicker>,
    ctx: egui::Context,
    /// The widget focused when the dialog was asked for.
    saved: Option<egui::Id>,
    /// After the answer: that widget, to focus as soon as it is drawn again
    /// (a scan row shows a spinner in between), until the deadline.
    pending: Option<(egui::Id, Instant)>,
}

/// How long to wait for the widget to come back before giving up.
const RETURN_WITHIN: Duration = Duration::from_secs(5);

impl FocusReturn {
    pub fn new(inner: Box<dyn FilePicker>, ctx: egui::Context) -> Self {
        FocusReturn {
            inner,
            ctx,
            saved: None,
            pending: None,
        }
    }

    fn save(&mut self) {
        self.saved = self.ctx.memory(|m| m.focused());
        self.pending = None;
    }

    /// Focuses the saved widget once it is on screen again, unless the clerk
    /// has put the focus somewhere else meanwhile.
    fn give_back(&mut self) {
        let Some((id, since)) = self.pending else {
            return;
        };
        let focused = self.ctx.memory(|m| m.focused());
        // Still on it (egui lets go of a widget a frame after it vanishes).
        if focused == Some(id) {
            return;
        }
        if focused.is_some() || since.elapsed() > RETURN_WITHIN {
            self.pending = None;
        } else if self.ctx.read_response(id).is_some() {
            self.ctx.memory_mut(|m| m.request_focus(id));
            self.pending = None;
        }
    }
}

impl FilePicker for FocusReturn {
    fn request_open(&mut self) {
        self.save();
        self.inner.request_open();
    }

    fn request_save(&mut self, suggested_name: &str) {
        self.save();
        self.inner.request_save(suggested_name);
    }

    fn request_open_kind(&mut self, kind: FileKind) {
        self.save();
        self.inner.request_open_kind(kind);
    }

    fn request_save_kind(&mut self, kind: FileKind, suggested_name: &str) {
        self.save();
        self.inner.request_save_kind(kind, suggested_name);
    }

    fn request_folder(&mut self) {
        self.save();
        self.inner.request_folder();
    }

    fn poll(&mut self) -> Option<Picked> {
        self.give_back();
        let answer = self.inner.poll()?;
        self.pending = self.saved.take().map(|id| (id, Instant::now()));
        self.give_back();
        Some(answer)
    }
}
