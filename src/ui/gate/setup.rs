//! 首次使用: the first run creates the first administrator account.

use crate::store::Location;

use eframe::egui::{self, RichText};

use crate::ui::kit::form;

use crate::app::clerks::accounts::AccountInput;
use crate::app::clerks::setup as setup_uc;
use crate::app::runtime::worker::Request;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::password::MIN_PASSWORD_LEN;
use crate::ui::kit::form::Field;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;

pub struct SetupForm {
    pub office_name: String,
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub confirm: String,
    pub message: Option<Message>,
    pub pending: bool,
    /// Index of the field to focus on the next frame (0 = 单位名称).
    focus: Option<usize>,
}

impl Default for SetupForm {
    fn default() -> Self {
        Self {
            office_name: String::new(),
            username: String::new(),
            display_name: String::new(),
            password: String::new(),
            confirm: String::new(),
            message: None,
            pending: false,
            focus: Some(0),
        }
    }
}

impl SetupForm {
    pub fn fail(&mut self, message: String) {
        self.pending = false;
        // Put the clerk on the field the message is about.
        self.focus = Some(if message.contains("用户名") {
            1
        } else if message.contains("姓名") {
            2
        } else if message.contains("密码") {
            3
        } else {
            0
        });
        self.message = Some(Message::error(message));
    }
}

pub fn show(ui: &mut egui::Ui, f: &mut SetupForm, db: &Location, busy: bool, out: &mut Outbox) {
    egui::CentralPanel::default().show(ui, |ui| {
        widgets::centered_column(ui, 520.0, |ui| {
            ui.vertical_centered(|ui| {
                ui.heading(RichText::new("车管所面签工作台").size(28.0).strong());
                ui.label(RichText::new("首次使用：请创建第一个管理员账号").color(crate::ui::kit::theme::MUTED));
            });
            ui.add_space(16.0);
            widgets::form_card(ui, |ui| {
                ui.heading("创建管理员");
                ui.label(
                    RichText::new(db.to_string())
                        .small()
                        .color(crate::ui::kit::theme::MUTED),
                );
                ui.add_space(8.0);
                let mut submit = form::fields(
                    ui,
                    "setup_grid",
                    vec![
                        Field::text("单位名称", &mut f.office_name),
                        Field::text("用户名", &mut f.username),
                        Field::text("姓名", &mut f.display_name),
                        Field::password("密码", &mut f.password),
                        Field::password("确认密码", &mut f.confirm),
                    ],
                    &mut f.focus,
                );
                ui.label(
                    RichText::new(format!("密码至少 {MIN_PASSWORD_LEN} 位，需同时包含字母和数字。管理员负责账号和设置，不能审核业务。"))
                        .small()
                        .color(crate::ui::kit::theme::MUTED),
                );
                let waiting = (f.pending && busy).then_some("正在创建…");
                submit |= form::submit_row(ui, f.message.as_ref(), "创建并登录", !f.pending, waiting);
                if submit && !f.pending {
                    if f.office_name.trim().is_empty() {
                        f.message = Some(Message::error("请填写单位名称。"));
                        f.focus = Some(0);
                    } else if f.password != f.confirm {
                        f.message = Some(Message::error("两次输入的密码不一致，请重新输入确认密码。"));
                        f.confirm.clear();
                        f.focus = Some(4);
                    } else {
                        f.pending = true;
                        f.message = None;
                        out.send(Request::Setup(setup_uc::Req::CreateFirstAdmin {
                            account: AccountInput {
                                username: f.username.clone(),
                                display_name: f.display_name.clone(),
                                role: Role::Admin,
                                password: f.password.clone(),
                            },
                            office_name: f.office_name.clone(),
                        }));
                    }
                }
            });
        });
    });
}
