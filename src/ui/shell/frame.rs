//! The main window: title bar with the clerk's actions, navigation on the
//! left (each entry with its Alt shortcut), status bar at the bottom, the
//! current screen in the middle. The title-bar and navigation buttons take
//! clicks but not keyboard focus: Tab stays inside the form, and Alt+N,
//! Ctrl+L reach them from the keyboard.

use crate::store::Location;

use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

use crate::ui::shell::outbox::Command;

use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen_id::ScreenId;

use crate::app::clerks::session::LockReason;
use crate::app::runtime::clock;
use crate::domain::clerks::settings::Settings;
use crate::ui::gate::password;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::shell::outbox::Sender;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::session::Confirm;
use crate::ui::shell::session::Session;

/// Read-only facts the shell shows.
pub struct ShellContext<'a> {
    pub settings: &'a Settings,
    pub db: &'a Location,
    pub now: DateTime<Utc>,
    pub busy: bool,
}

/// The navigation column, each entry with its Alt+N ("证件核验  Alt+5");
/// the entries take clicks, never the focus. Returns the one clicked.
pub fn nav_panel(
    ui: &mut egui::Ui,
    id: &str,
    entries: &[(ScreenId, &str)],
    current: ScreenId,
) -> Option<ScreenId> {
    let mut clicked = None;
    egui::Panel::left(id.to_owned())
        .resizable(false)
        .exact_size(150.0)
        .frame(
            egui::Frame::new()
                .fill(theme::NAV_BG)
                .inner_margin(egui::Margin::same(8)),
        )
        .show(ui, |ui| {
            ui.add_space(4.0);
            for (i, (screen, title)) in entries.iter().enumerate() {
                let text = RichText::new(format!("{title}  Alt+{}", i + 1)).size(15.0);
                let resp = ui.add_sized(
                    [134.0, 34.0],
                    egui::Button::selectable(current == *screen, text).sense(egui::Sense::CLICK),
                );
                if resp.clicked() {
                    clicked = Some(*screen);
                }
            }
        });
    clicked
}

/// A button the mouse can press but Tab never reaches.
fn bar_button(ui: &mut egui::Ui, text: &str) -> bool {
    ui.add(egui::Button::new(text).sense(egui::Sense::CLICK))
        .clicked()
}

pub fn show(ui: &mut egui::Ui, s: &mut Session, cx: &ShellContext<'_>, out: &mut Outbox) {
    let forced_password = s.password.as_ref().is_some_and(|p| p.forced);
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
                    if bar_button(ui, "退出登录") {
                        out.push(Command::Logout);
                    }
                    if bar_button(ui, "锁屏 (Ctrl+L)") {
                        out.push(Command::Lock(LockReason::Manual));
                    }
                    if !forced_password && bar_button(ui, "修改密码") {
                        out.push(Command::OpenPasswordDialog);
                    }
                });
            });
        });
    status_bar(ui, s, cx);
    if !forced_password {
        let entries: Vec<_> = s.nav().map(|info| (info.id, info.title)).collect();
        if let Some(id) = nav_panel(ui, "nav", &entries, s.screen) {
            out.push(Command::Navigate(id));
        }
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(alert) = &s.alert {
            ui.label(
                RichText::new(format!("⚠ {alert}"))
                    .color(theme::ERROR)
                    .strong(),
            );
        }
        if let Some((msg, at)) = &s.toast
            && cx.now - *at < crate::ui::shell::session::TOAST_FOR
        {
            widgets::message(ui, msg);
        }
        if let Some(form) = &mut s.password {
            let clerk = s.clerk.clone();
            widgets::centered_column(ui, 480.0, |ui| {
                widgets::form_card(ui, |ui| {
                    out.scoped(Sender::Password, |out| {
                        password::show(ui, form, &clerk, out)
                    });
                });
            });
            return;
        }
        if let Some(confirm) = s.confirm.clone() {
            confirm_dialog(ui, &confirm, out);
        }
        let id = s.screen;
        let clerk = s.clerk.clone();
        let scx = ScreenCx::new(&clerk, cx.settings, cx.db, cx.now, cx.busy);
        // PageUp/PageDown scroll the page when no list took them (a screen's
        // own keys are taken before this runs).
        let page = ui.input_mut(|i| {
            if i.consume_key(egui::Modifiers::NONE, egui::Key::PageDown) {
                -1.0
            } else if i.consume_key(egui::Modifiers::NONE, egui::Key::PageUp) {
                1.0
            } else {
                0.0
            }
        });
        // A widget that just got the focus (Tab, Enter moving down a form) is
        // scrolled into view, so the clerk never types into a hidden field.
        widgets::note_focus(ui.ctx(), &mut s.last_focus);
        // One scroll area per screen: each keeps its own position.
        egui::ScrollArea::both()
            .id_salt(("screen", id))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if page != 0.0 {
                    let step = ui.clip_rect().height() * 0.9;
                    ui.scroll_with_delta(egui::vec2(0.0, page * step));
                }
                out.scoped(Sender::Screen(id), |out| {
                    s.screen_mut(id).show(ui, &scx, out);
                });
                widgets::follow_focus(ui);
            });
    });
}

fn confirm_dialog(ui: &mut egui::Ui, confirm: &Confirm, out: &mut Outbox) {
    let Confirm::Logout { unsaved } = confirm;
    egui::Modal::new(egui::Id::unique("confirm_logout")).show(ui.ctx(), |ui| {
        ui.set_width(420.0);
        ui.heading("退出登录？");
        ui.add_space(6.0);
        ui.label(format!(
            "以下页面有未完成的录入：{}。退出后会为您本人保存草稿，下次登录时恢复，其他人看不到。",
            unsaved.join("、")
        ));
        ui.add_space(10.0);
        ui.horizontal(|ui| {
            let yes = widgets::primary_button(ui, "确定退出 (Enter)", true);
            if yes.clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                out.push(Command::LogoutConfirmed);
            }
            if ui.button("取消 (Esc)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                out.push(Command::CancelConfirm);
            }
        });
    });
}

fn status_bar(ui: &mut egui::Ui, s: &Session, cx: &ShellContext<'_>) {
    let who = format!("{}（{}）", s.clerk.display_name, s.clerk.role.label());
    status_line(
        ui,
        &who,
        Some(&cx.settings.office_name),
        cx.db,
        cx.now,
        cx.busy,
    );
}

/// The bottom line: who, the office, where the data lives, the time.
pub fn status_line(
    ui: &mut egui::Ui,
    who: &str,
    office: Option<&str>,
    db: &Location,
    now: DateTime<Utc>,
    busy: bool,
) {
    egui::Panel::bottom("status_bar")
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_gray(236))
                .inner_margin(egui::Margin::symmetric(12, 4)),
        )
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(who);
                ui.separator();
                if let Some(office) = office {
                    ui.label(office);
                    ui.separator();
                }
                ui.label(RichText::new(db.to_string()).color(theme::MUTED))
                    .on_hover_text(db.to_string());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(clock::fmt_minute(now));
                    if busy {
                        ui.spinner();
                        ui.label("处理中…");
                    }
                });
            });
        });
}
