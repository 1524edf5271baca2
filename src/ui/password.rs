//! 修改密码: a clerk changes their own password (forced after an
//! administrator created the account or reset it).

use eframe::egui::{self, RichText};

use super::outbox::{Command, Outbox};
use super::widgets::{self, Message};
use crate::app::session::{self, SessionClerk};
use crate::app::worker::Request;
use crate::domain::password::MIN_PASSWORD_LEN;

pub struct PasswordForm {
    pub old: String,
    pub new: String,
    pub confirm: String,
    pub message: Option<Message>,
    pub pending: bool,
    /// Set when the clerk must change the password before working.
    pub forced: bool,
    /// Field to focus next frame: 0 原密码, 1 新密码, 2 确认新密码.
    focus: Option<usize>,
}

impl Default for PasswordForm {
    fn default() -> Self {
        Self {
            old: String::new(),
            new: String::new(),
            confirm: String::new(),
            message: None,
            pending: false,
            forced: false,
            focus: Some(0),
        }
    }
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
        self.focus = Some(if m.contains("原密码") { 0 } else { 1 });
        if m.contains("原密码") {
            self.old.clear();
        }
        self.message = Some(Message::error(m));
    }
}

pub fn show(ui: &mut egui::Ui, form: &mut PasswordForm, _clerk: &SessionClerk, out: &mut Outbox) {
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
            let fields = [
                widgets::text_row(ui, "原密码", &mut form.old, true),
                widgets::text_row(ui, "新密码", &mut form.new, true),
                widgets::text_row(ui, "确认新密码", &mut form.confirm, true),
            ];
            if let Some(i) = form.focus.take() {
                fields[i.min(2)].request_focus();
            }
            widgets::enter_moves_on(ui, &fields);
            submit |= widgets::submitted(ui, &fields[2]);
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
        if !form.forced
            && (ui.button("取消 (Esc)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)))
        {
            out.push(Command::ClosePasswordDialog);
        }
    });
    if submit && !form.pending {
        if form.new != form.confirm {
            form.message = Some(Message::error(
                "两次输入的新密码不一致，请重新输入确认新密码。",
            ));
            form.confirm.clear();
            form.focus = Some(2);
        } else {
            form.pending = true;
            form.message = None;
            out.send(Request::Session(session::Req::ChangeOwnPassword {
                old: form.old.clone(),
                new: form.new.clone(),
            }));
        }
    }
}
