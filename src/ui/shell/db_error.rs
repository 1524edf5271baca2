//! The database-error window: names the file (or the office server) and the
//! cause; nothing was modified. Also the calm line shown while the office
//! server's connection is being re-established.

use eframe::egui::{self, RichText};

use crate::store::Location;
use crate::ui::shell::outbox::Command;

use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::shell::outbox::Outbox;

pub fn show(
    ui: &mut egui::Ui,
    location: &Location,
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
                        let (what, shown) = match location {
                            Location::File(p) => ("数据库文件", p.display().to_string()),
                            Location::Office(s) => ("数据库", s.clone()),
                        };
                        ui.label(RichText::new(what).strong());
                        ui.label(RichText::new(shown).monospace());
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
                    RichText::new(match location {
                        Location::File(_) => {
                            "工作台没有修改这个文件。可用 --db 指定其他数据库文件后重新启动。"
                        }
                        Location::Office(_) => {
                            "工作台没有修改服务器上的数据。请检查网络和服务器后重新启动工作台；如仍出现，请联系信息科。"
                        }
                    })
                    .color(theme::MUTED),
                );
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    let offline = widgets::primary_button(ui, "离线使用证件核验和照片检测", true);
                    // Keyboard-first: Enter (or Space) takes the clerk to the tools.
                    if ui.memory(|m| m.focused().is_none()) {
                        offline.request_focus();
                    }
                    if offline.clicked() {
                        out.push(Command::WorkOffline);
                    }
                    if ui.button("退出").clicked() {
                        out.push(Command::Quit);
                    }
                });
            });
        });
    });
}

/// The office server went away: one calm line across the top while the
/// worker reconnects. Requests wait (nothing typed is lost) and are answered
/// once the server is back.
pub const LINK_LOST: &str =
    "办公室服务器连接中断，正在重试…已填写的内容保留在屏幕上，连接恢复后自动继续。";

pub fn link_lost_bar(ui: &mut egui::Ui) {
    egui::Panel::top("link_lost")
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(0xff, 0xf4, 0xe0))
                .inner_margin(egui::Margin::symmetric(12, 6)),
        )
        .show(ui, |ui| {
            // No spinner: the window sleeps until the state changes (the
            // watcher wakes it), rather than animating through an outage.
            ui.label(RichText::new(LINK_LOST).color(theme::WARN).strong());
        });
}

/// The workstation's clock is more than a minute off the office server's.
pub fn clock_skew_sentence(seconds: i64) -> String {
    let (way, secs) = if seconds > 0 {
        ("慢", seconds)
    } else {
        ("快", -seconds)
    };
    let amount = match secs {
        s if s >= 2 * 86_400 => format!("{} 天", s / 86_400),
        s if s >= 2 * 3_600 => format!("{} 小时", s / 3_600),
        s if s >= 120 => format!("{} 分钟", s / 60),
        s => format!("{s} 秒"),
    };
    format!(
        "本机时钟比办公室服务器{way} {amount}：业务时间（期限、领取、审计）以服务器时间为准，请联系信息科校准本机时间。"
    )
}

pub fn clock_skew_bar(ui: &mut egui::Ui, seconds: i64) {
    egui::Panel::top("clock_skew")
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(0xff, 0xf4, 0xe0))
                .inner_margin(egui::Margin::symmetric(12, 6)),
        )
        .show(ui, |ui| {
            ui.label(RichText::new(clock_skew_sentence(seconds)).color(theme::WARN));
        });
}

#[cfg(test)]
mod tests {
    use super::clock_skew_sentence;

    #[test]
    fn the_skew_says_which_way_and_how_much() {
        assert!(clock_skew_sentence(300).contains("慢 5 分钟"));
        assert!(clock_skew_sentence(-90).contains("快 90 秒"));
        assert!(clock_skew_sentence(19_668 * 60).contains("慢 13 天"));
        assert!(clock_skew_sentence(-3 * 3_600).contains("快 3 小时"));
    }
}
