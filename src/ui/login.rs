//! 登录: user name and password; Enter submits; the message says how many
//! tries remain or until when the account is locked.

use eframe::egui::{self, RichText};

use super::outbox::Outbox;
use super::widgets::{self, Message};
use crate::app::session::{self, LoginPurpose};
use crate::app::worker::Request;
use crate::domain::settings::Settings;

pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub message: Option<Message>,
    pub pending: bool,
    /// Where the keyboard focus goes on the next frame (first empty field on
    /// open; the field to fix after an error).
    focus: Option<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    User,
    Password,
}

impl Default for LoginForm {
    fn default() -> Self {
        Self {
            username: String::new(),
            password: String::new(),
            message: None,
            pending: false,
            focus: Some(Field::User),
        }
    }
}

impl LoginForm {
    pub fn fail(&mut self, message: String) {
        self.pending = false;
        self.password.clear();
        self.message = Some(Message::error(message));
        self.focus = Some(if self.username.trim().is_empty() {
            Field::User
        } else {
            Field::Password
        });
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
                        let pass = widgets::text_row(ui, "密码", &mut form.password, true);
                        match form.focus.take() {
                            Some(Field::User) => user.request_focus(),
                            Some(Field::Password) => pass.request_focus(),
                            None => {}
                        }
                        // Enter in the name moves on; Enter in the password submits.
                        if widgets::submitted(ui, &user) {
                            pass.request_focus();
                        }
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
                        out.send(Request::Session(session::Req::Login {
                            username: form.username.clone(),
                            password: std::mem::take(&mut form.password),
                            purpose: LoginPurpose::SignIn,
                        }));
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
