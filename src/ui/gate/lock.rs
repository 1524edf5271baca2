//! 屏幕已锁定: after idle minutes the session hides behind this screen. The
//! same clerk unlocks with their password; another clerk may sign in instead,
//! which ends the first session (its unfinished work is saved for its owner).

use eframe::egui::{self, RichText};

use crate::ui::kit::form;

use crate::app::clerks::session;
use crate::app::clerks::session::LockReason;
use crate::app::clerks::session::LoginPurpose;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::worker::Request;
use crate::domain::clerks::settings::Settings;
use crate::ui::kit::form::Field;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;

pub struct LockForm {
    /// Said honestly on screen: the clerk locked, or the idle timer did.
    pub reason: LockReason,
    pub password: String,
    pub unlock_message: Option<Message>,
    pub other_username: String,
    pub other_password: String,
    pub switch_message: Option<Message>,
    pub pending: bool,
    focus_unlock: bool,
    focus_switch: bool,
}

impl LockForm {
    pub fn new(reason: LockReason) -> Self {
        Self {
            reason,
            password: String::new(),
            unlock_message: None,
            other_username: String::new(),
            other_password: String::new(),
            switch_message: None,
            pending: false,
            focus_unlock: true,
            focus_switch: false,
        }
    }

    pub fn fail_unlock(&mut self, m: String) {
        self.pending = false;
        self.password.clear();
        self.unlock_message = Some(Message::error(m));
        self.focus_unlock = true;
    }
    pub fn fail_switch(&mut self, m: String) {
        self.pending = false;
        self.other_password.clear();
        self.switch_message = Some(Message::error(m));
        self.focus_switch = true;
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
                        "{}。当前账号：{}（{}）",
                        match form.reason {
                            LockReason::Manual => "已手动锁屏".to_owned(),
                            LockReason::Idle =>
                                format!("闲置超过 {} 分钟自动锁屏", settings.idle_minutes),
                        },
                        clerk.display_name,
                        clerk.role.label()
                    ))
                    .color(crate::ui::kit::theme::MUTED),
                );
            });
            ui.add_space(12.0);
            widgets::form_card(ui, |ui| {
                ui.heading("解锁");
                let mut focus = std::mem::take(&mut form.focus_unlock).then_some(0);
                let mut submit = form::fields(
                    ui,
                    "unlock_grid",
                    vec![Field::password("密码", &mut form.password)],
                    &mut focus,
                );
                let ready = !form.password.is_empty() && !form.pending;
                let waiting = (form.pending && busy).then_some("正在验证…");
                submit |=
                    form::submit_row(ui, form.unlock_message.as_ref(), "解锁", ready, waiting);
                if submit && ready {
                    form.pending = true;
                    form.unlock_message = None;
                    out.send(Request::Session(session::Req::Login {
                        username: clerk.username.clone(),
                        password: std::mem::take(&mut form.password),
                        purpose: LoginPurpose::Unlock,
                    }));
                }
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
                    .color(crate::ui::kit::theme::MUTED),
                );
                let mut focus = std::mem::take(&mut form.focus_switch)
                    .then_some(usize::from(!form.other_username.trim().is_empty()));
                let mut submit = form::fields(
                    ui,
                    "switch_grid",
                    vec![
                        Field::text("其他账号用户名", &mut form.other_username),
                        Field::password("其他账号密码", &mut form.other_password),
                    ],
                    &mut focus,
                );
                let ready = !form.other_username.trim().is_empty()
                    && !form.other_password.is_empty()
                    && !form.pending;
                submit |= form::submit_row(
                    ui,
                    form.switch_message.as_ref(),
                    "登录并结束当前会话",
                    ready,
                    None,
                );
                if submit && ready {
                    form.pending = true;
                    form.switch_message = None;
                    out.send(Request::Session(session::Req::Login {
                        username: form.other_username.clone(),
                        password: std::mem::take(&mut form.other_password),
                        purpose: LoginPurpose::SignIn,
                    }));
                }
            });
        });
    });
}
