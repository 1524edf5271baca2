//! 账号管理 (administrators only): list, create, disable/enable, reset
//! passwords; and the office settings (name, idle lock, lockout policy).

use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

use super::app::Outbox;
use super::theme;
use super::widgets::{self, Message};
use crate::app::auth::{AccountInput, ClerkSummary, SessionClerk};
use crate::app::clock;
use crate::app::worker::Request;
use crate::domain::clerk::Role;
use crate::domain::settings::{self as rules, Settings};

#[derive(Default)]
pub struct AccountsState {
    pub clerks: Vec<ClerkSummary>,
    pub loaded: bool,
    pub new_username: String,
    pub new_display_name: String,
    pub new_role: Option<Role>,
    pub new_password: String,
    /// Account whose password is being reset, and the one-time password typed.
    pub reset: Option<(i64, String)>,
    pub message: Option<Message>,
    /// Settings being edited; `None` until first shown.
    pub settings: Option<Settings>,
}

impl AccountsState {
    pub fn set_clerks(&mut self, list: Vec<ClerkSummary>) {
        self.clerks = list;
        self.loaded = true;
    }

    pub fn changed(&mut self, message: String) {
        self.message = Some(Message::success(message));
        self.reset = None;
        self.new_username.clear();
        self.new_display_name.clear();
        self.new_password.clear();
        self.new_role = None;
    }

    pub fn failed(&mut self, message: String) {
        self.message = Some(Message::error(message));
    }

    pub fn settings_saved(&mut self, s: &Settings) {
        self.settings = Some(s.clone());
        self.message = Some(Message::success("设置已保存"));
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

pub fn show(
    ui: &mut egui::Ui,
    st: &mut AccountsState,
    me: &SessionClerk,
    settings: &Settings,
    now: DateTime<Utc>,
    out: &mut Outbox,
) {
    ui.heading("账号管理");
    if let Some(m) = &st.message {
        widgets::message(ui, m);
    }
    ui.add_space(6.0);
    widgets::card(ui, |ui| {
        ui.label(RichText::new("工作人员账号").strong());
        if !st.loaded {
            ui.label("正在读取…");
            return;
        }
        egui::Grid::new("clerk_grid")
            .num_columns(5)
            .striped(true)
            .spacing([18.0, 6.0])
            .show(ui, |ui| {
                for h in ["用户名", "姓名", "角色", "状态", "操作"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for c in &st.clerks {
                    ui.label(&c.username);
                    ui.label(&c.display_name);
                    ui.label(c.role.label());
                    let (text, color) = status(c, now);
                    ui.label(RichText::new(text).color(color));
                    ui.horizontal(|ui| {
                        if c.id != me.id {
                            let (label, disable) = if c.disabled {
                                ("启用", false)
                            } else {
                                ("停用", true)
                            };
                            if ui.button(format!("{label} {}", c.username)).clicked() {
                                out.send(Request::SetDisabled {
                                    actor: me.clone(),
                                    clerk_id: c.id,
                                    disabled: disable,
                                });
                            }
                            if ui.button(format!("重置密码 {}", c.username)).clicked() {
                                st.reset = Some((c.id, String::new()));
                            }
                        } else {
                            ui.label(RichText::new("（本人）").color(theme::MUTED));
                        }
                    });
                    ui.end_row();
                }
            });
        if let Some((id, pw)) = &mut st.reset {
            let name = st
                .clerks
                .iter()
                .find(|c| c.id == *id)
                .map(|c| c.username.clone())
                .unwrap_or_default();
            ui.separator();
            ui.label(format!("为 {name} 设置临时密码（对方登录后需修改）："));
            ui.horizontal(|ui| {
                let l = ui.label("临时密码");
                ui.add(
                    egui::TextEdit::singleline(pw)
                        .password(true)
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
                if widgets::primary_button(ui, "确认重置", !pw.is_empty()).clicked() {
                    out.send(Request::ResetPassword {
                        actor: me.clone(),
                        clerk_id: *id,
                        password: pw.clone(),
                    });
                }
            });
            if ui.button("取消重置").clicked() {
                st.reset = None;
            }
        }
    });
    ui.add_space(10.0);
    widgets::card(ui, |ui| {
        ui.label(RichText::new("新建账号").strong());
        egui::Grid::new("new_clerk_grid")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                widgets::text_row(ui, "新用户名", &mut st.new_username, false);
                widgets::text_row(ui, "新账号姓名", &mut st.new_display_name, false);
                ui.label("角色");
                ui.horizontal(|ui| {
                    for role in Role::ALL {
                        ui.radio_value(&mut st.new_role, Some(role), role.label());
                    }
                });
                ui.end_row();
                widgets::text_row(ui, "初始密码", &mut st.new_password, true);
            });
        let ready = st.new_role.is_some()
            && !st.new_username.trim().is_empty()
            && !st.new_password.is_empty();
        if widgets::primary_button(ui, "创建账号", ready).clicked()
            && let Some(role) = st.new_role
        {
            out.send(Request::CreateAccount {
                actor: me.clone(),
                account: AccountInput {
                    username: st.new_username.clone(),
                    display_name: st.new_display_name.clone(),
                    role,
                    password: st.new_password.clone(),
                },
            });
        }
    });
    ui.add_space(10.0);
    widgets::card(ui, |ui| {
        ui.label(RichText::new("系统设置").strong());
        let form = st.settings.get_or_insert_with(|| settings.clone());
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
            });
        let dirty = form != settings;
        if widgets::primary_button(ui, "保存设置", dirty).clicked() {
            out.send(Request::SaveSettings {
                actor: me.clone(),
                settings: form.clone(),
            });
        }
    });
}
