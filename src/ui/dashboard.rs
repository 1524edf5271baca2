//! 工作台: who is signed in, what they may do, and which parts of the
//! workstation are available in this version (from the screen registry).

use std::any::Any;

use eframe::egui::{self, RichText};

use super::outbox::Outbox;
use super::screen::{REGISTRY, Screen, ScreenCx};
use super::{theme, widgets};
use crate::app::clock;

pub struct Dashboard;

impl Screen for Dashboard {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, _out: &mut Outbox) {
        let clerk = cx.clerk;
        ui.heading(format!("{}，您好", clerk.display_name));
        ui.label(
            RichText::new(format!(
                "{} · {} · {}",
                cx.settings.office_name,
                clerk.role.label(),
                clock::to_local(cx.now).format("%Y年%m月%d日")
            ))
            .color(theme::MUTED),
        );
        ui.add_space(12.0);
        widgets::card(ui, |ui| {
            ui.label(RichText::new("您的权限").strong());
            let role = clerk.role;
            let yes_no = |b: bool| if b { "✓ 可以" } else { "× 不可以" };
            egui::Grid::new("perm_grid")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    ui.label("办理面签注册");
                    ui.label(yes_no(role.can_register()));
                    ui.end_row();
                    ui.label("审核业务申请");
                    ui.label(yes_no(role.can_decide()));
                    ui.end_row();
                    ui.label("查看审计日志");
                    ui.label(yes_no(role.can_view_audit()));
                    ui.end_row();
                    ui.label("管理账号和设置");
                    ui.label(yes_no(role.can_manage_accounts()));
                    ui.end_row();
                });
        });
        ui.add_space(12.0);
        widgets::card(ui, |ui| {
            ui.label(RichText::new("功能状态").strong());
            egui::Grid::new("feature_grid")
                .num_columns(3)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    for info in REGISTRY.iter().filter(|i| (i.allowed)(clerk.role)) {
                        ui.label(info.title);
                        let key = info.id.shortcut_for(clerk.role).unwrap_or(0);
                        ui.label(RichText::new(format!("Alt+{key}")).color(theme::MUTED));
                        if info.built {
                            ui.label(RichText::new("可用").color(theme::OK));
                        } else {
                            ui.label(RichText::new("尚未建设").color(theme::WARN));
                        }
                        ui.end_row();
                    }
                });
        });
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
