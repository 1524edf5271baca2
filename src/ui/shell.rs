//! The main window: title bar with the clerk's actions, navigation on the
//! left, status bar at the bottom, the current screen in the middle.

use std::path::Path;

use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

use super::app::{Command, Outbox, Session};
use super::screen::Screen;
use super::{accounts, audit_log, dashboard, password, placeholder, theme, widgets};
use crate::app::clock;
use crate::domain::settings::Settings;

/// Read-only facts the shell shows.
pub struct ShellContext<'a> {
    pub settings: &'a Settings,
    pub db_path: &'a Path,
    pub now: DateTime<Utc>,
    pub busy: bool,
}

const NAV_KEYS: [egui::Key; 8] = [
    egui::Key::Num1,
    egui::Key::Num2,
    egui::Key::Num3,
    egui::Key::Num4,
    egui::Key::Num5,
    egui::Key::Num6,
    egui::Key::Num7,
    egui::Key::Num8,
];

fn shortcuts(ui: &egui::Ui, s: &Session, out: &mut Outbox) {
    ui.input_mut(|i| {
        if i.consume_key(egui::Modifiers::COMMAND, egui::Key::L) {
            out.push(Command::LockNow);
        }
        for (screen, key) in Screen::ALL.into_iter().zip(NAV_KEYS) {
            if screen.allowed_for(s.clerk.role) && i.consume_key(egui::Modifiers::ALT, key) {
                out.push(Command::Navigate(screen));
            }
        }
    });
}

pub fn show(ui: &mut egui::Ui, s: &mut Session, cx: &ShellContext<'_>, out: &mut Outbox) {
    let forced_password = s.password.as_ref().is_some_and(|p| p.forced);
    if !forced_password {
        shortcuts(ui, s, out);
    }
    egui::Panel::top("title_bar")
        .frame(
            egui::Frame::new()
                .fill(theme::ACCENT)
                .inner_margin(egui::Margin::symmetric(12, 8)),
        )
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new("车管所面签工作台")
                        .size(18.0)
                        .strong()
                        .color(egui::Color32::WHITE),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("退出登录").clicked() {
                        out.push(Command::Logout);
                    }
                    if ui.button("锁屏 (Ctrl+L)").clicked() {
                        out.push(Command::LockNow);
                    }
                    if !forced_password && ui.button("修改密码").clicked() {
                        out.push(Command::OpenPasswordDialog);
                    }
                });
            });
        });
    status_bar(ui, s, cx);
    if !forced_password {
        egui::Panel::left("nav")
            .resizable(false)
            .exact_size(150.0)
            .frame(
                egui::Frame::new()
                    .fill(theme::NAV_BG)
                    .inner_margin(egui::Margin::same(8)),
            )
            .show(ui, |ui| {
                ui.add_space(4.0);
                for screen in Screen::for_role(s.clerk.role) {
                    let selected = s.workspace.screen == screen;
                    let text = RichText::new(screen.title()).size(16.0);
                    let resp = ui
                        .add_sized([134.0, 34.0], egui::Button::selectable(selected, text))
                        .on_hover_text(format!("Alt+{}", screen.shortcut_index()));
                    if resp.clicked() {
                        out.push(Command::Navigate(screen));
                    }
                }
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some((msg, at)) = &s.toast
            && cx.now - *at < chrono::Duration::seconds(8)
        {
            widgets::message(ui, msg);
        }
        if let Some(form) = &mut s.password {
            widgets::centered_column(ui, 480.0, |ui| {
                widgets::form_card(ui, |ui| password::show(ui, form, &s.clerk, out));
            });
            return;
        }
        let today = clock::to_local(cx.now).date_naive();
        if s.workspace.screen == Screen::PhotoCheck {
            ui.heading(Screen::PhotoCheck.title());
            s.photo_check.set_today(today);
            // Own id: the panel's columns keep their scroll offsets apart from other screens'.
            egui::ScrollArea::vertical()
                .id_salt("photo_screen")
                .auto_shrink([false, false])
                .show(ui, |ui| s.photo_check.ui(ui));
            return;
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| match s.workspace.screen {
                Screen::Dashboard => dashboard::show(ui, &s.clerk, cx),
                Screen::DocumentCheck => {
                    ui.heading(Screen::DocumentCheck.title());
                    ui.add_space(6.0);
                    s.id_check.ui(ui, today);
                }
                Screen::Accounts => {
                    accounts::show(ui, &mut s.accounts, &s.clerk, cx.settings, cx.now, out)
                }
                Screen::AuditLog => audit_log::show(ui, &mut s.audit, out),
                other => placeholder::show(ui, other),
            });
    });
}

fn status_bar(ui: &mut egui::Ui, s: &Session, cx: &ShellContext<'_>) {
    egui::Panel::bottom("status_bar")
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_gray(236))
                .inner_margin(egui::Margin::symmetric(12, 4)),
        )
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{}（{}）",
                    s.clerk.display_name,
                    s.clerk.role.label()
                ));
                ui.separator();
                ui.label(&cx.settings.office_name);
                ui.separator();
                ui.label(
                    RichText::new(format!("数据库：{}", cx.db_path.display())).color(theme::MUTED),
                )
                .on_hover_text(cx.db_path.display().to_string());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(clock::fmt_minute(cx.now));
                    if cx.busy {
                        ui.spinner();
                        ui.label("处理中…");
                    }
                });
            });
        });
}
