//! 修改密码: a clerk changes their own password (forced after an
//! administrator created the account or reset it).

use eframe::egui::{self, RichText};

use super::app::{Command, Outbox};
use super::widgets::{self, Message};
use crate::app::auth::SessionClerk;
use crate::app::worker::Request;
use crate::domain::password::MIN_PASSWORD_LEN;

#[derive(Default)]
pub struct PasswordForm {
    pub old: String,
    pub new: String,
    pub confirm: String,
    pub message: Option<Message>,
    pub pending: bool,
    /// Set when the clerk must change the password before working.
    pub forced: bool,
}

impl PasswordForm {
    pub fn forced() -> Self {
        Self {
            forced: true,
            ..Self::default()
        }
    }
    pub fn fail(&mut self, m: String) {
        self.pending = false;
        self.message = Some(Message::error(m));
    }
}

pub fn show(ui: &mut egui::Ui, form: &mut PasswordForm, clerk: &SessionClerk, out: &mut Outbox) {
    ui.heading("修改密码");
    if form.forced {
        ui.label(
            RichText::new("管理员为您设置了临时密码，请先修改密码再开始工作。")
                .color(super::theme::WARN),
        );
    }
    ui.add_space(6.0);
    let mut submit = false;
    egui::Grid::new("password_grid")
        .num_columns(2)
        .spacing([12.0, 10.0])
        .show(ui, |ui| {
            widgets::text_row(ui, "原密码", &mut form.old, true);
            widgets::text_row(ui, "新密码", &mut form.new, true);
            let c = widgets::text_row(ui, "确认新密码", &mut form.confirm, true);
            submit |= widgets::submitted(ui, &c);
        });
    ui.label(
        RichText::new(format!(
            "至少 {MIN_PASSWORD_LEN} 位，需同时包含字母和数字。"
        ))
        .small()
        .color(super::theme::MUTED),
    );
    if let Some(m) = &form.message {
        widgets::message(ui, m);
    }
    ui.horizontal(|ui| {
        submit |= widgets::primary_button(ui, "保存新密码", !form.pending).clicked();
        if !form.forced && ui.button("取消").clicked() {
            out.push(Command::ClosePasswordDialog);
        }
    });
    if submit && !form.pending {
        if form.new != form.confirm {
            form.message = Some(Message::error("两次输入的新密码不一致"));
        } else {
            form.pending = true;
            form.message = None;
            out.send(Request::ChangeOwnPassword {
                clerk: clerk.clone(),
                old: form.old.clone(),
                new: form.new.clone(),
            });
        }
    }
}
