//! 登录: user name and password; Enter submits; the message says how many
//! tries remain or until when the account is locked.

use eframe::egui::{self, RichText};

use super::app::Outbox;
use super::widgets::{self, Message};
use crate::app::auth::LoginPurpose;
use crate::app::worker::Request;
use crate::domain::settings::Settings;

#[derive(Default)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub message: Option<Message>,
    pub pending: bool,
    focused: bool,
}

impl LoginForm {
    pub fn fail(&mut self, message: String) {
        self.pending = false;
        self.password.clear();
        self.message = Some(Message::error(message));
    }
}

pub fn show(
    ui: &mut egui::Ui,
    form: &mut LoginForm,
    settings: &Settings,
    busy: bool,
    out: &mut Outbox,
) {
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::centered_column(ui, 440.0, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading(RichText::new("车管所面签工作台").size(28.0).strong());
                ui.label(RichText::new(&settings.office_name).color(super::theme::MUTED));
            });
            ui.add_space(16.0);
            widgets::form_card(ui, |ui| {
                ui.heading("工作人员登录");
                ui.add_space(8.0);
                let mut submit = false;
                egui::Grid::new("login_grid")
                    .num_columns(2)
                    .spacing([12.0, 10.0])
                    .show(ui, |ui| {
                        let user = widgets::text_row(ui, "用户名", &mut form.username, false);
                        if !form.focused {
                            user.request_focus();
                            form.focused = true;
                        }
                        let pass = widgets::text_row(ui, "密码", &mut form.password, true);
                        submit |= widgets::submitted(ui, &pass);
                    });
                ui.add_space(6.0);
                if let Some(m) = &form.message {
                    widgets::message(ui, m);
                }
                ui.horizontal(|ui| {
                    let ready = !form.username.trim().is_empty()
                        && !form.password.is_empty()
                        && !form.pending;
                    submit |= widgets::primary_button(ui, "登录", ready).clicked();
                    if form.pending && busy {
                        ui.spinner();
                        ui.label("正在验证…");
                    }
                    if submit && ready {
                        form.pending = true;
                        form.message = None;
                        out.send(Request::Login {
                            username: form.username.clone(),
                            password: std::mem::take(&mut form.password),
                            purpose: LoginPurpose::SignIn,
                        });
                    }
                });
                ui.add_space(4.0);
                ui.label(
                    RichText::new("忘记密码请联系管理员重置。")
                        .small()
                        .color(super::theme::MUTED),
                );
            });
        });
    });
}
