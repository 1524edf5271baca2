//! Screens that later issues build say so plainly: no fake content.

use std::any::Any;

use eframe::egui::{self, RichText};

use super::outbox::Outbox;
use super::screen::{Screen, ScreenCx, ScreenId};
use super::theme;

pub struct Placeholder(pub ScreenId);

impl Screen for Placeholder {
    fn show(&mut self, ui: &mut egui::Ui, _cx: &ScreenCx<'_>, _out: &mut Outbox) {
        let info = self.0.info();
        ui.heading(info.title);
        ui.add_space(8.0);
        ui.label(
            RichText::new("本功能尚未建设，当前版本不可用。")
                .color(theme::WARN)
                .strong(),
        );
        ui.add_space(4.0);
        ui.label(RichText::new(format!("建成后：{}", info.purpose)).color(theme::MUTED));
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
