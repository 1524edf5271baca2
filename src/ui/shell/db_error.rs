//! The database-error window: names the file and the cause; nothing was modified.

use std::path::Path;

use eframe::egui::{self, RichText};

use crate::ui::shell::outbox::Command;

use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::shell::outbox::Outbox;

pub fn show(
    ui: &mut egui::Ui,
    path: &Path,
    title: &str,
    message: &str,
    technical: Option<&str>,
    out: &mut Outbox,
) {
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::centered_column(ui, 620.0, |ui| {
            widgets::form_card(ui, |ui| {
                ui.heading(
                    RichText::new(format!("⚠ {title}"))
                        .color(theme::ERROR)
                        .strong(),
                );
                ui.add_space(8.0);
                egui::Grid::new("db_error_grid")
                    .num_columns(2)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| {
                        ui.label(RichText::new("数据库文件").strong());
                        ui.label(RichText::new(path.display().to_string()).monospace());
                        ui.end_row();
                        ui.label(RichText::new("原因").strong());
                        ui.add(egui::Label::new(message).wrap());
                        ui.end_row();
                    });
                if let Some(t) = technical {
                    ui.add_space(4.0);
                    egui::CollapsingHeader::new("详情（供信息科排查）")
                        .default_open(false)
                        .show(ui, |ui| {
                            ui.add(egui::Label::new(RichText::new(t).monospace().small()).wrap());
                        });
                }
                ui.add_space(8.0);
                ui.label(
                    RichText::new(
                        "工作台没有修改这个文件。可用 --db 指定其他数据库文件后重新启动。",
                    )
                    .color(theme::MUTED),
                );
                ui.add_space(8.0);
                if ui.button("退出").clicked() {
                    out.push(Command::Quit);
                }
            });
        });
    });
}
