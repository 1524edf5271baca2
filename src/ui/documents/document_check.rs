//! 证件核验 screen: the embeddable [`IdCheckPanel`] on its own page. The
//! number typed is the clerk's draft.

use std::any::Any;

use eframe::egui;
use serde::{Deserialize, Serialize};

use crate::ui::documents::id_check::IdCheckPanel;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen_id::ScreenId;

#[derive(Default)]
pub struct DocumentCheck {
    pub panel: IdCheckPanel,
}

#[derive(Serialize, Deserialize)]
struct Draft {
    text: String,
}

impl Screen for DocumentCheck {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, _out: &mut Outbox) {
        ui.heading(ScreenId::DocumentCheck.title());
        ui.add_space(6.0);
        self.panel.ui(ui, cx.today);
    }

    fn on_open(&mut self, _cx: &ScreenCx<'_>, _out: &mut Outbox) {
        self.panel.request_focus();
    }

    fn draft(&self) -> Option<serde_json::Value> {
        let text = self.panel.text();
        (!text.is_empty())
            .then(|| {
                serde_json::to_value(Draft {
                    text: text.to_owned(),
                })
                .ok()
            })
            .flatten()
    }

    fn restore(&mut self, draft: serde_json::Value) {
        if let Ok(d) = serde_json::from_value::<Draft>(draft) {
            self.panel.set_text(d.text);
        }
    }

    fn is_dirty(&self) -> bool {
        !self.panel.text().trim().is_empty()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
