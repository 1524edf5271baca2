//! 屏幕已锁定: after idle minutes the session hides behind this screen. The
//! same clerk unlocks with their password; another clerk may sign in instead,
//! which ends the first session (its unfinished work is saved for its owner).

use eframe::egui::{self, RichText};

use super::app::Outbox;
use super::widgets::{self, Message};
use crate::app::auth::{LoginPurpose, SessionClerk};
use crate::app::worker::Request;
use crate::domain::settings::Settings;

#[derive(Default)]
pub struct LockForm {
    pub password: String,
    pub unlock_message: Option<Message>,
    pub other_username: String,
    pub other_password: String,
    pub switch_message: Option<Message>,
    pub pending: bool,
    focused: bool,
}

impl LockForm {
    pub fn fail_unlock(&mut self, m: String) {
        self.pending = false;
        self.password.clear();
        self.unlock_message = Some(Message::error(m));
    }
    pub fn fail_switch(&mut self, m: String) {
        self.pending = false;
        self.other_password.clear();
        self.switch_message = Some(Message::error(m));
    }
}

pub fn show(
    ui: &mut egui::Ui,
    form: &mut LockForm,
    clerk: &SessionClerk,
    settings: &Settings,
    busy: bool,
    out: &mut Outbox,
) {
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::centered_column(ui, 480.0, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading(RichText::new("屏幕已锁定").size(28.0).strong());
                ui.label(
                    RichText::new(format!(
                        "闲置超过 {} 分钟自动锁屏。当前账号：{}（{}）",
                        settings.idle_minutes,
                        clerk.display_name,
                        clerk.role.label()
                    ))
                    .color(super::theme::MUTED),
                );
            });
            ui.add_space(12.0);
            widgets::form_card(ui, |ui| {
                ui.heading("解锁");
                let mut submit = false;
                egui::Grid::new("unlock_grid")
                    .num_columns(2)
                    .spacing([12.0, 10.0])
                    .show(ui, |ui| {
                        let p = widgets::text_row(ui, "密码", &mut form.password, true);
                        if !form.focused {
                            p.request_focus();
                            form.focused = true;
                        }
                        submit |= widgets::submitted(ui, &p);
                    });
                if let Some(m) = &form.unlock_message {
                    widgets::message(ui, m);
                }
                ui.horizontal(|ui| {
                    let ready = !form.password.is_empty() && !form.pending;
                    submit |= widgets::primary_button(ui, "解锁", ready).clicked();
                    if form.pending && busy {
                        ui.spinner();
                    }
                    if submit && ready {
                        form.pending = true;
                        form.unlock_message = None;
                        out.send(Request::Login {
                            username: clerk.username.clone(),
                            password: std::mem::take(&mut form.password),
                            purpose: LoginPurpose::Unlock,
                        });
                    }
                });
            });
            ui.add_space(12.0);
            widgets::form_card(ui, |ui| {
                ui.heading("其他工作人员登录");
                ui.label(
                    RichText::new(format!(
                        "将结束 {} 的会话；其未完成的工作会为其本人保存，其他人看不到。",
                        clerk.display_name
                    ))
                    .small()
                    .color(super::theme::MUTED),
                );
                let mut submit = false;
                egui::Grid::new("switch_grid")
                    .num_columns(2)
                    .spacing([12.0, 10.0])
                    .show(ui, |ui| {
                        widgets::text_row(ui, "其他账号用户名", &mut form.other_username, false);
                        let p =
                            widgets::text_row(ui, "其他账号密码", &mut form.other_password, true);
                        submit |= widgets::submitted(ui, &p);
                    });
                if let Some(m) = &form.switch_message {
                    widgets::message(ui, m);
                }
                let ready = !form.other_username.trim().is_empty()
                    && !form.other_password.is_empty()
                    && !form.pending;
                submit |= ui
                    .add_enabled(ready, egui::Button::new("登录并结束当前会话"))
                    .clicked();
                if submit && ready {
                    form.pending = true;
                    form.switch_message = None;
                    out.send(Request::Login {
                        username: form.other_username.clone(),
                        password: std::mem::take(&mut form.other_password),
                        purpose: LoginPurpose::SignIn,
                    });
                }
            });
        });
    });
}
