//! 账号管理 (administrators only): list, create, disable/enable (asks first,
//! naming the account), reset passwords; and the office settings. Each
//! message appears in the section the clerk just used.

use std::any::Any;

use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

use crate::ui::shell::outbox::Command;

use crate::app::clerks::accounts;
use crate::app::clerks::accounts::AccountInput;
use crate::app::clerks::accounts::ClerkSummary;
use crate::app::clerks::settings as settings_uc;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::settings::{self as rules, Settings};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;

/// Where the last action was taken, so its answer is shown there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    #[default]
    List,
    New,
    Settings,
}

#[derive(Default)]
pub struct Accounts {
    pub clerks: Vec<ClerkSummary>,
    pub loaded: bool,
    pub new_username: String,
    pub new_display_name: String,
    pub new_role: Option<Role>,
    pub new_password: String,
    /// Account whose password is being reset, and the one-time password typed.
    pub reset: Option<(i64, String)>,
    /// Account about to be disabled, waiting for the confirmation.
    pub confirm_disable: Option<i64>,
    messages: [Option<Message>; 3],
    last: Section,
    /// Settings being edited; `None` until first shown.
    pub settings: Option<Settings>,
    focus_new: bool,
    focus_reset: bool,
    /// 检查数据库完整性, off the UI thread.
    pub db_check: crate::ui::clerks::db_check::DbCheck,
    /// The workstation's export signing key (hex), shown under 系统设置.
    pub public_key: Option<String>,
    /// 立即备份, off the UI thread.
    pub backup_now: crate::ui::clerks::backup::BackupNow,
}

impl Accounts {
    fn message(&mut self, at: Section, m: Message) {
        self.messages = [None, None, None];
        self.messages[at as usize] = Some(m);
    }

    fn show_message(&self, ui: &mut egui::Ui, at: Section) {
        if let Some(m) = &self.messages[at as usize] {
            widgets::message(ui, m);
        }
    }

    fn send(&mut self, at: Section, out: &mut Outbox, req: Request) {
        self.last = at;
        out.send(req);
    }

    fn name_of(&self, id: i64) -> String {
        self.clerks
            .iter()
            .find(|c| c.id == id)
            .map(|c| format!("{}（{}）", c.display_name, c.username))
            .unwrap_or_default()
    }
}

fn status(c: &ClerkSummary, now: DateTime<Utc>) -> (String, egui::Color32) {
    if c.disabled {
        ("已停用".into(), theme::MUTED)
    } else if let Some(until) = c.locked_until.filter(|u| *u > now) {
        (format!("锁定至 {}", clock::fmt_hm(until)), theme::ERROR)
    } else if c.must_change_password {
        ("启用（待改密）".into(), theme::WARN)
    } else {
        ("启用".into(), theme::OK)
    }
}

impl Screen for Accounts {
    fn on_open(&mut self, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        out.send(Request::Accounts(accounts::Req::List));
        if self.public_key.is_none() {
            out.send(Request::Exchange(crate::app::exchange::Req::PublicKey));
        }
        self.focus_new = true;
    }

    fn on_reply(&mut self, reply: Response, out: &mut Outbox) {
        match reply {
            Response::Accounts(accounts::Resp::Clerks(list)) => {
                self.clerks = list;
                self.loaded = true;
            }
            Response::Accounts(accounts::Resp::Changed(message)) => {
                let at = self.last;
                self.message(at, Message::success(message));
                self.reset = None;
                self.confirm_disable = None;
                if at == Section::New {
                    self.new_username.clear();
                    self.new_display_name.clear();
                    self.new_password.clear();
                    self.new_role = None;
                    self.focus_new = true;
                }
                out.send(Request::Accounts(accounts::Req::List));
            }
            Response::Exchange(crate::app::exchange::Resp::PublicKey { hex, .. }) => {
                self.public_key = Some(hex);
            }
            Response::Settings(settings_uc::Resp::Saved(s)) => {
                self.settings = Some(s.clone());
                self.message(Section::Settings, Message::success("设置已保存。"));
                out.push(Command::SettingsChanged(s));
            }
            _ => {}
        }
    }

    fn on_failed(&mut self, err: AppError, _out: &mut Outbox) {
        let at = self.last;
        self.message(at, Message::error(err.to_string()));
    }

    fn is_dirty(&self) -> bool {
        !self.new_username.trim().is_empty() || !self.new_password.is_empty()
    }

    fn is_busy(&self) -> bool {
        self.db_check.is_running() || self.backup_now.is_running()
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        ui.heading("账号管理");
        ui.add_space(6.0);
        self.list(ui, cx, out);
        ui.add_space(10.0);
        self.new_account(ui, out);
        ui.add_space(10.0);
        self.settings_card(ui, cx, out);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Accounts {
    fn list(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        let me = cx.clerk;
        widgets::card(ui, |ui| {
            ui.label(RichText::new("工作人员账号").strong());
            self.show_message(ui, Section::List);
            if !self.loaded {
                ui.label("正在读取…");
                return;
            }
            let mut action: Option<(i64, bool)> = None;
            let mut reset: Option<i64> = None;
            egui::Grid::new("clerk_grid")
                .num_columns(5)
                .striped(true)
                .spacing([18.0, 6.0])
                .show(ui, |ui| {
                    for h in ["用户名", "姓名", "角色", "状态", "操作"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for c in &self.clerks {
                        ui.label(&c.username);
                        ui.label(&c.display_name);
                        ui.label(c.role.label());
                        let (text, color) = status(c, cx.now);
                        ui.label(RichText::new(text).color(color));
                        ui.horizontal(|ui| {
                            if c.id == me.id {
                                ui.label(RichText::new("（本人）").color(theme::MUTED));
                                return;
                            }
                            let (label, disable) = if c.disabled {
                                ("启用", false)
                            } else {
                                ("停用", true)
                            };
                            if ui.button(format!("{label} {}", c.username)).clicked() {
                                action = Some((c.id, disable));
                            }
                            if ui.button(format!("重置密码 {}", c.username)).clicked() {
                                reset = Some(c.id);
                            }
                        });
                        ui.end_row();
                    }
                });
            if let Some(id) = reset {
                self.reset = Some((id, String::new()));
                self.focus_reset = true;
            }
            match action {
                // Disabling asks first; enabling is harmless.
                Some((id, true)) => self.confirm_disable = Some(id),
                Some((id, false)) => self.send(
                    Section::List,
                    out,
                    Request::Accounts(accounts::Req::SetDisabled {
                        clerk_id: id,
                        disabled: false,
                    }),
                ),
                None => {}
            }
            if let Some(id) = self.confirm_disable {
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "确定停用账号 {}？停用后该账号无法登录，可随时重新启用。",
                        self.name_of(id)
                    ))
                    .color(theme::WARN),
                );
                ui.horizontal(|ui| {
                    if widgets::primary_button(ui, "确认停用", true).clicked() {
                        self.send(
                            Section::List,
                            out,
                            Request::Accounts(accounts::Req::SetDisabled {
                                clerk_id: id,
                                disabled: true,
                            }),
                        );
                    }
                    if ui.button("取消停用").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        self.confirm_disable = None;
                    }
                });
            }
            if let Some((id, pw)) = &mut self.reset {
                let id = *id;
                let name = self
                    .clerks
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| format!("{}（{}）", c.display_name, c.username))
                    .unwrap_or_default();
                ui.separator();
                ui.label(format!("为 {name} 设置临时密码（对方登录后需修改）："));
                let mut submit = false;
                let mut cancel = false;
                ui.horizontal(|ui| {
                    let l = ui.label("临时密码");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(pw)
                                .password(true)
                                .desired_width(200.0)
                                .id_salt("reset_password"),
                        )
                        .labelled_by(l.id);
                    if std::mem::take(&mut self.focus_reset) {
                        field.request_focus();
                    }
                    submit |= widgets::submitted(ui, &field);
                    submit |= widgets::primary_button(ui, "确认重置", !pw.is_empty()).clicked();
                    cancel |= ui.button("取消重置").clicked();
                });
                cancel |= ui.input(|i| i.key_pressed(egui::Key::Escape));
                if submit && !pw.is_empty() {
                    let password = pw.clone();
                    self.send(
                        Section::List,
                        out,
                        Request::Accounts(accounts::Req::ResetPassword {
                            clerk_id: id,
                            password,
                        }),
                    );
                } else if cancel {
                    self.reset = None;
                }
            }
        });
    }

    fn new_account(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        widgets::card(ui, |ui| {
            ui.label(RichText::new("新建账号").strong());
            let mut submit = false;
            egui::Grid::new("new_clerk_grid")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    let user = widgets::text_row(ui, "新用户名", &mut self.new_username, false);
                    if std::mem::take(&mut self.focus_new) {
                        user.request_focus();
                    }
                    widgets::text_row(ui, "新账号姓名", &mut self.new_display_name, false);
                    ui.label("角色");
                    ui.horizontal(|ui| {
                        for role in Role::ALL {
                            let (_, enter) = widgets::radio_value(
                                ui,
                                &mut self.new_role,
                                Some(role),
                                role.label(),
                            );
                            submit |= enter;
                        }
                    });
                    ui.end_row();
                    let pw = widgets::text_row(ui, "初始密码", &mut self.new_password, true);
                    submit |= widgets::submitted(ui, &pw);
                });
            let ready = self.new_role.is_some()
                && !self.new_username.trim().is_empty()
                && !self.new_password.is_empty();
            submit |= widgets::primary_button(ui, "创建账号", ready).clicked();
            if submit {
                match self.new_role {
                    Some(role) if ready => {
                        let account = AccountInput {
                            username: self.new_username.clone(),
                            display_name: self.new_display_name.clone(),
                            role,
                            password: self.new_password.clone(),
                        };
                        self.send(
                            Section::New,
                            out,
                            Request::Accounts(accounts::Req::Create(account)),
                        );
                    }
                    None => self.message(Section::New, Message::error("请选择角色。")),
                    Some(_) => {
                        self.message(Section::New, Message::error("请填写用户名和初始密码。"))
                    }
                }
            }
            self.show_message(ui, Section::New);
        });
    }

    fn settings_card(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        widgets::card(ui, |ui| {
            ui.label(RichText::new("系统设置").strong());
            let form = self.settings.get_or_insert_with(|| cx.settings.clone());
            egui::Grid::new("settings_grid")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    widgets::text_row(ui, "单位名称", &mut form.office_name, false);
                    widgets::number_row(
                        ui,
                        "闲置锁屏",
                        &mut form.idle_minutes,
                        rules::IDLE_MINUTES,
                        " 分钟",
                    );
                    widgets::number_row(
                        ui,
                        "连续失败锁定次数",
                        &mut form.lockout.max_failures,
                        rules::MAX_FAILURES,
                        " 次",
                    );
                    widgets::number_row(
                        ui,
                        "锁定时长",
                        &mut form.lockout.lock_minutes,
                        rules::LOCK_MINUTES,
                        " 分钟",
                    );
                    widgets::number_row(
                        ui,
                        "未导出提醒",
                        &mut form.export_warn_days,
                        crate::domain::exchange::limits::EXPORT_WARN_RANGE,
                        " 天",
                    );
                    widgets::number_row(
                        ui,
                        "锚点提醒",
                        &mut form.anchor_remind_days,
                        rules::ANCHOR_DAYS,
                        " 个工作日",
                    );
                    widgets::text_row(ui, "备份文件夹", &mut form.backup_dir, false);
                    widgets::number_row(
                        ui,
                        "备份保留",
                        &mut form.backup_keep,
                        rules::BACKUP_KEEP,
                        " 份",
                    );
                    ui.label("自动备份");
                    ui.checkbox(&mut form.backup_daily, "每天自动备份到备份文件夹");
                    ui.end_row();
                });
            let dirty = form != cx.settings;
            let form = form.clone();
            if widgets::primary_button(ui, "保存设置", dirty).clicked() {
                self.send(
                    Section::Settings,
                    out,
                    Request::Settings(settings_uc::Req::Save(form)),
                );
            }
            self.show_message(ui, Section::Settings);
            ui.add_space(6.0);
            match cx.db.file() {
                Some(file) => {
                    self.backup_now
                        .show(ui, file, cx.settings, cx.clerk, cx.now);
                    ui.add_space(4.0);
                    self.db_check.show(ui, file);
                }
                None => {
                    ui.label(
                        RichText::new(
                            "数据在办公室服务器上：备份和完整性检查由信息科在服务器上进行（例如 pg_dump），工作台不复制服务器数据。",
                        )
                        .color(theme::MUTED),
                    );
                }
            }
            ui.add_space(8.0);
            ui.label(RichText::new("本机导出签名公钥（Ed25519）").strong());
            match &self.public_key {
                Some(k) => {
                    ui.label(RichText::new(k).monospace().small());
                    ui.label(
                        RichText::new(format!(
                            "指纹 {}。请把公钥登记到接收导出数据的上级系统，用于核验导出清单的签名。",
                            crate::app::exchange::keys::fingerprint(k)
                        ))
                        .color(theme::MUTED),
                    );
                }
                None => {
                    ui.label(RichText::new("读取中…").color(theme::MUTED));
                }
            }
        });
    }
}
