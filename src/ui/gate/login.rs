//! 登录: user name and password; Enter submits; the message says how many
//! tries remain or until when the account is locked.

use eframe::egui::{self, RichText};

use crate::app::clerks::session;
use crate::app::clerks::session::LoginPurpose;
use crate::app::runtime::worker::Request;
use crate::domain::clerks::settings::Settings;
use crate::ui::kit::form::Field;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;

pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub message: Option<Message>,
    pub pending: bool,
    /// Where the keyboard focus goes on the next frame (first empty field on
    /// open; the field to fix after an error).
    focus: Option<Focus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    User = 0,
    Password = 1,
}

impl Default for LoginForm {
    fn default() -> Self {
        Self {
            username: String::new(),
            password: String::new(),
            message: None,
            pending: false,
            focus: Some(Focus::User),
        }
    }
}

impl LoginForm {
    pub fn fail(&mut self, message: String) {
        self.pending = false;
        self.password.clear();
        self.message = Some(Message::error(message));
        self.focus = Some(if self.username.trim().is_empty() {
            Focus::User
        } else {
            Focus::Password
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
                ui.label(RichText::new(&settings.office_name).color(crate::ui::kit::theme::MUTED));
            });
            ui.add_space(16.0);
            widgets::form_card(ui, |ui| {
                ui.heading("工作人员登录");
                ui.add_space(8.0);
                let mut focus = form.focus.take().map(|f| f as usize);
                let mut submit = crate::ui::kit::form::fields(
                    ui,
                    "login_grid",
                    vec![
                        Field::text("用户名", &mut form.username),
                        Field::password("密码", &mut form.password),
                    ],
                    &mut focus,
                );
                ui.add_space(6.0);
                let ready =
                    !form.username.trim().is_empty() && !form.password.is_empty() && !form.pending;
                let waiting = (form.pending && busy).then_some("正在验证…");
                submit |= crate::ui::kit::form::submit_row(
                    ui,
                    form.message.as_ref(),
                    "登录",
                    ready,
                    waiting,
                );
                if submit && ready {
                    form.pending = true;
                    form.message = None;
                    out.send(Request::Session(session::Req::Login {
                        username: form.username.clone(),
                        password: std::mem::take(&mut form.password),
                        purpose: LoginPurpose::SignIn,
                    }));
                }
                ui.add_space(4.0);
                ui.label(
                    RichText::new("忘记密码请联系管理员重置。")
                        .small()
                        .color(crate::ui::kit::theme::MUTED),
                );
            });
        });
    });
}
