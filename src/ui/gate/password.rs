//! 修改密码: a clerk changes their own password (forced after an
//! administrator created the account or reset it).

use eframe::egui::{self, RichText};

use crate::ui::kit::form;

use crate::app::clerks::session;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::worker::Request;
use crate::domain::clerks::password::MIN_PASSWORD_LEN;
use crate::ui::kit::form::Field;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Command;
use crate::ui::shell::outbox::Outbox;

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

pub fn show(ui: &mut egui::Ui, f: &mut PasswordForm, _clerk: &SessionClerk, out: &mut Outbox) {
    ui.heading("修改密码");
    if f.forced {
        ui.label(
            RichText::new("管理员为您设置了临时密码，请先修改密码再开始工作。")
                .color(crate::ui::kit::theme::WARN),
        );
    }
    ui.add_space(6.0);
    let mut submit = form::fields(
        ui,
        "password_grid",
        vec![
            Field::password("原密码", &mut f.old),
            Field::password("新密码", &mut f.new),
            Field::password("确认新密码", &mut f.confirm),
        ],
        &mut f.focus,
    );
    ui.label(
        RichText::new(format!(
            "至少 {MIN_PASSWORD_LEN} 位，需同时包含字母和数字。"
        ))
        .small()
        .color(crate::ui::kit::theme::MUTED),
    );
    let cancel = (!f.forced).then_some("取消 (Esc)");
    let (saved, cancelled) = form::submit_or_cancel(
        ui,
        f.message.as_ref(),
        "保存新密码",
        !f.pending,
        None,
        cancel,
    );
    submit |= saved;
    if cancelled {
        out.push(Command::ClosePasswordDialog);
    }
    if submit && !f.pending {
        if f.new != f.confirm {
            f.message = Some(Message::error(
                "两次输入的新密码不一致，请重新输入确认新密码。",
            ));
            f.confirm.clear();
            f.focus = Some(2);
        } else {
            f.pending = true;
            f.message = None;
            out.send(Request::Session(session::Req::ChangeOwnPassword {
                old: f.old.clone(),
                new: f.new.clone(),
            }));
        }
    }
}
