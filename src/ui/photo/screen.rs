//! 照片检测 screen: the embeddable [`PhotoCheckPanel`] on its own page.

use std::any::Any;

use eframe::egui;

use crate::ui::photo::check::PhotoCheckPanel;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;

pub struct PhotoScreen {
    pub panel: PhotoCheckPanel,
}

impl PhotoScreen {
    pub fn new(env: &ScreenEnv) -> Self {
        PhotoScreen {
            panel: PhotoCheckPanel::new((env.picker)(), env.today),
        }
    }
}

impl Screen for PhotoScreen {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, _out: &mut Outbox) {
        ui.heading(ScreenId::PhotoCheck.title());
        self.panel.set_today(cx.today);
        self.panel.ui(ui);
    }

    fn is_busy(&self) -> bool {
        self.panel.is_busy()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
