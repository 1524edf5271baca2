//! Working without the database. When it cannot be opened (the office
//! server is down, the cable is out), 证件核验 and 照片检测 still work: they
//! read and write nothing in the store. No clerk is signed in here and
//! nothing is recorded; F5 tries the database again, and an office server is
//! also tried in the background, which says when F5 will work.

use chrono::{DateTime, Utc};
use eframe::egui::{self, RichText};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::server_probe::ServerProbe;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::settings::Settings;
use crate::store::Location;
use crate::ui::kit::theme;
use crate::ui::kit::widgets::{self, Message};
use crate::ui::shell::outbox::{Command, Outbox, Sender};
use crate::ui::shell::screen::{Screen, ScreenCx, ScreenEnv};
use crate::ui::shell::screen_id::ScreenId;

/// Said on the offline bar once the background probe reaches the server.
pub const SERVER_BACK: &str = "办公室服务器已恢复";

/// The screens that need no database, in their Alt+N order.
pub const TOOLS: [ScreenId; 2] = [ScreenId::DocumentCheck, ScreenId::PhotoCheck];

pub struct OfflineTools {
    pub screen: ScreenId,
    screens: Vec<(ScreenId, Box<dyn Screen>)>,
    /// Why the database could not be opened (shown on the top line).
    pub reason: String,
    pub toast: Option<(Message, DateTime<Utc>)>,
    /// Tries the office server in the background (none for a file).
    pub probe: Option<ServerProbe>,
    /// The screens' context wants a clerk; these two screens read nothing
    /// from it, and nobody is signed in.
    nobody: SessionClerk,
}

impl OfflineTools {
    pub fn new(env: &ScreenEnv, reason: String) -> Self {
        OfflineTools {
            screen: ScreenId::DocumentCheck,
            screens: TOOLS
                .iter()
                .map(|id| (*id, crate::ui::shell::registry::make(*id, env)))
                .collect(),
            reason,
            toast: None,
            probe: None,
            nobody: SessionClerk {
                id: 0,
                username: String::new(),
                display_name: "未登录".to_owned(),
                role: Role::Counter,
                must_change_password: false,
                session: None,
            },
        }
    }

    pub fn screen_mut(&mut self, id: ScreenId) -> Option<&mut Box<dyn Screen>> {
        self.screens
            .iter_mut()
            .find(|(s, _)| *s == id)
            .map(|(_, s)| s)
    }

    /// The screen as its concrete type (tests).
    pub fn screen_as<T: 'static>(&self, id: ScreenId) -> Option<&T> {
        self.screens
            .iter()
            .find(|(s, _)| *s == id)
            .and_then(|(_, s)| s.as_any().downcast_ref::<T>())
    }

    /// Switches to one of the two tools (anything else needs the database).
    pub fn navigate(
        &mut self,
        id: ScreenId,
        settings: &Settings,
        db: &Location,
        now: DateTime<Utc>,
        out: &mut Outbox,
    ) {
        let nobody = self.nobody.clone();
        if let Some(screen) = self.screen_mut(id) {
            let cx = ScreenCx::new(&nobody, settings, db, now, false);
            out.scoped(Sender::Screen(id), |out| screen.on_open(&cx, out));
            self.screen = id;
        }
    }

    /// Per-frame work (the photo check's background decode).
    pub fn tick(
        &mut self,
        settings: &Settings,
        db: &Location,
        now: DateTime<Utc>,
        out: &mut Outbox,
    ) {
        let cx = ScreenCx::new(&self.nobody, settings, db, now, false);
        for (id, screen) in &mut self.screens {
            out.scoped(Sender::Screen(*id), |out| screen.tick(&cx, out));
        }
    }

    pub fn is_busy(&self) -> bool {
        self.screens.iter().any(|(_, s)| s.is_busy())
    }

    /// Alt+1/Alt+2 switch tools, F5 tries the database again; then the
    /// current tool's own keys.
    pub fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut cmds = Vec::new();
        ctx.input_mut(|i| {
            for (n, key) in [egui::Key::Num1, egui::Key::Num2].into_iter().enumerate() {
                if i.consume_key(egui::Modifiers::ALT, key) {
                    cmds.push(Command::Navigate(TOOLS[n]));
                }
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::F5) {
                cmds.push(Command::Reconnect);
            }
        });
        let current = self.screen;
        let mut out = Outbox::default();
        if let Some(screen) = self.screen_mut(current) {
            out.scoped(Sender::Screen(current), |out| {
                ctx.input_mut(|i| screen.shortcuts(i, out));
            });
        }
        cmds.extend(out.commands);
        cmds
    }
}

/// The title line that says what works and why, two tool buttons, the
/// reconnect button, and the current tool.
pub fn show(
    ui: &mut egui::Ui,
    tools: &mut OfflineTools,
    settings: &Settings,
    db: &Location,
    now: DateTime<Utc>,
    out: &mut Outbox,
) {
    egui::Panel::top("offline_bar")
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(0xff, 0xf4, 0xe0))
                .inner_margin(egui::Margin::symmetric(12, 8)),
        )
        .show(ui, |ui| {
            let back = tools.probe.as_ref().is_some_and(ServerProbe::is_back);
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(if back {
                        "离线核验：未登录"
                    } else {
                        "离线核验：数据库无法打开，未登录"
                    })
                    .color(theme::WARN)
                    .strong(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .add(egui::Button::new("退出").sense(egui::Sense::CLICK))
                        .clicked()
                    {
                        out.push(Command::Quit);
                    }
                    if ui
                        .add(egui::Button::new("重新连接 (F5)").sense(egui::Sense::CLICK))
                        .clicked()
                    {
                        out.push(Command::Reconnect);
                    }
                });
            });
            if back {
                ui.label(
                    RichText::new(format!("{SERVER_BACK}：按 F5 连接并登录"))
                        .color(theme::OK)
                        .strong(),
                );
            } else {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!(
                            "证件核验和照片检测可以照常使用；面签登记、审核和数据交换需要数据库，恢复后按 F5 重新连接并登录。原因：{}",
                            tools.reason
                        ))
                        .color(theme::MUTED),
                    )
                    .wrap(),
                );
            }
        });
    crate::ui::shell::frame::status_line(ui, "未登录（离线核验）", None, db, now, false);
    let entries: Vec<_> = TOOLS.iter().map(|id| (*id, id.title())).collect();
    if let Some(id) = crate::ui::shell::frame::nav_panel(ui, "offline_nav", &entries, tools.screen)
    {
        out.push(Command::Navigate(id));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some((msg, at)) = &tools.toast
            && now - *at < crate::ui::shell::session::TOAST_FOR
        {
            widgets::message(ui, msg);
        }
        let id = tools.screen;
        let nobody = tools.nobody.clone();
        let cx = ScreenCx::new(&nobody, settings, db, now, false);
        egui::ScrollArea::both()
            .id_salt(("offline", id))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if let Some(screen) = tools.screen_mut(id) {
                    out.scoped(Sender::Screen(id), |out| screen.show(ui, &cx, out));
                }
                widgets::follow_focus(ui);
            });
    });
}
