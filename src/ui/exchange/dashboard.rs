//! 工作台: the day's work at a glance — queue counts and the clerk's own,
//! the last 14 days' decisions and rejection reasons (egui_plot), the oldest
//! overdue applications (click or Enter opens one in 审核队列), the export
//! warning, and a compact list of what this role may use. The numbers come
//! from the worker's reader connection; the screen never waits for them.

use std::any::Any;

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, RichText};
use egui_plot::{AxisHints, Bar, BarChart, GridMark, Plot};

use crate::ui::shell::outbox::Command;

use crate::app::exchange::dashboard;
use crate::app::exchange::dashboard::Dashboard as Data;
use crate::app::review;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::domain::review::Reason;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen_id::REGISTRY;
use crate::ui::shell::screen_id::ScreenId;

/// Numbers older than this are fetched again when the clerk looks.
const REFRESH: chrono::Duration = chrono::Duration::seconds(30);
const APPROVED: Color32 = Color32::from_rgb(0x2e, 0x7d, 0x32);
const RETURNED: Color32 = Color32::from_rgb(0xc6, 0x6a, 0x00);
const REASON: Color32 = Color32::from_rgb(0x1f, 0x5f, 0xa8);
/// Reasons shown in the chart (the most used).
const TOP_REASONS: usize = 8;

#[derive(Default)]
pub struct Dashboard {
    pub data: Option<Box<Data>>,
    loading: bool,
    pub error: Option<String>,
    /// The store changed since the numbers were read.
    changed: bool,
}

impl Dashboard {
    fn load(&mut self, out: &mut Outbox) {
        if !self.loading {
            self.loading = true;
            out.send(Request::Dashboard(dashboard::Req::Load));
        }
    }

    fn stale(&self, now: DateTime<Utc>) -> bool {
        self.data
            .as_ref()
            .is_none_or(|d| now - d.loaded_at > REFRESH)
    }
}

fn stat(ui: &mut egui::Ui, width: f32, title: &str, n: Option<i64>, color: Color32) {
    widgets::card(ui, |ui| {
        ui.vertical(|ui| {
            ui.set_width(width);
            ui.label(RichText::new(title).color(theme::MUTED));
            let text = n.map_or("…".to_owned(), |n| n.to_string());
            ui.label(RichText::new(text).size(26.0).strong().color(color));
        });
    });
}

/// Grid marks at a whole-number step giving about four labelled lines up to `max`.
fn whole_marks(max: f64, shown_to: f64) -> Vec<GridMark> {
    let step = (max / 4.0).ceil().max(1.0);
    (0..=((max / step).ceil() as i64 + 1))
        .map(|i| GridMark {
            value: i as f64 * step,
            step_size: step,
        })
        .filter(|m| m.value <= shown_to)
        .collect()
}

fn day_label(d: chrono::NaiveDate) -> String {
    d.format("%m-%d").to_string()
}

/// One bar per day, named by its day, for one outcome.
fn day_bars(counts: impl Iterator<Item = (String, i64)>, colour: Color32) -> Vec<Bar> {
    counts
        .enumerate()
        .map(|(i, (day, n))| {
            Bar::new(i as f64, n as f64)
                .name(day)
                .fill(colour.gamma_multiply(0.75))
        })
        .collect()
}

fn outcomes_chart(ui: &mut egui::Ui, d: &Data, width: f32) {
    let days = &d.data.days;
    let approved = day_bars(
        days.iter().map(|x| (day_label(x.day), x.approved)),
        APPROVED,
    );
    let returned = day_bars(
        days.iter().map(|x| (day_label(x.day), x.returned)),
        RETURNED,
    );
    let a = BarChart::new("通过", approved).color(APPROVED).width(0.7);
    let r = BarChart::new("退回", returned)
        .color(RETURNED)
        .width(0.7)
        .stack_on(&[&a]);
    let labels: Vec<String> = days.iter().map(|x| day_label(x.day)).collect();
    let max = days
        .iter()
        .map(|x| x.approved + x.returned)
        .max()
        .unwrap_or(0)
        .max(4) as f64;
    still_plot("dashboard_outcomes", width)
        .show_x(false)
        .y_axis_min_width(24.0)
        .include_y(0.0)
        .include_y(max * 1.15)
        .include_x(-0.6)
        .include_x(days.len() as f64 - 0.4)
        .x_grid_spacer(|input| {
            let (lo, hi) = input.bounds;
            (lo.ceil() as i64..=hi.floor() as i64)
                .filter(|i| i % 2 == 1)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 2.0,
                })
                .collect()
        })
        .y_grid_spacer(move |input| whole_marks(max, input.bounds.1))
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label_spacing(24.0..=30.0)
                .formatter(move |m, _| {
                    let i = m.value.round() as i64;
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| labels.get(i).cloned())
                        .unwrap_or_default()
                }),
        ])
        .y_axis_formatter(whole_number)
        .show(ui, |p| {
            p.bar_chart(a);
            p.bar_chart(r);
        });
}

/// The amber box of a warning the clerk should act on.
fn warning_frame() -> egui::Frame {
    egui::Frame::new()
        .fill(Color32::from_rgb(0xff, 0xf4, 0xe0))
        .stroke(egui::Stroke::new(1.0, theme::WARN))
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(14, 10))
}

/// A chart that only shows: no drag, zoom, scroll or crosshair.
fn still_plot<'a>(id: &str, width: f32) -> Plot<'a> {
    Plot::new(id)
        .width(width)
        .height(190.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_crosshair(false)
}

/// Axis labels at whole non-negative counts only.
fn whole_number(m: GridMark, _: &std::ops::RangeInclusive<f64>) -> String {
    if m.value.fract() == 0.0 && m.value >= 0.0 {
        format!("{}", m.value as i64)
    } else {
        String::new()
    }
}

fn reasons_chart(ui: &mut egui::Ui, d: &Data, width: f32) {
    let top: Vec<(String, i64)> = d
        .data
        .reasons
        .iter()
        .take(TOP_REASONS)
        .map(|(code, n)| {
            let label = Reason::from_code(code).map_or(code.clone(), |r| r.label().to_owned());
            (label, *n)
        })
        .collect();
    if top.is_empty() {
        ui.add_space(40.0);
        ui.label(RichText::new("近 14 天没有退回").color(theme::MUTED));
        return;
    }
    // Most used on top: the last bar is drawn highest.
    let n = top.len();
    let bars: Vec<Bar> = top
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            Bar::new((n - 1 - i) as f64, *v as f64)
                .name(label)
                .fill(REASON.gamma_multiply(0.75))
        })
        .collect();
    let labels: Vec<String> = top.iter().rev().map(|(l, _)| l.clone()).collect();
    let max = top.iter().map(|x| x.1).max().unwrap_or(1).max(4) as f64;
    still_plot("dashboard_reasons", width)
        .show_y(false)
        .include_x(0.0)
        .include_x(max * 1.1)
        .include_y(-0.6)
        .include_y(n as f64 - 0.4)
        .y_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .custom_y_axes(vec![
            AxisHints::new_y()
                .min_thickness(130.0)
                .label_spacing(8.0..=12.0)
                .tick_label_font(egui::FontId::proportional(13.0))
                .formatter(move |m, _| {
                    usize::try_from(m.value.round() as i64)
                        .ok()
                        .and_then(|i| labels.get(i).cloned())
                        .unwrap_or_default()
                }),
        ])
        .x_grid_spacer(move |input| whole_marks(max, input.bounds.1))
        .x_axis_formatter(whole_number)
        .show(ui, |p| {
            p.bar_chart(
                BarChart::new("退回原因", bars)
                    .color(REASON)
                    .width(0.6)
                    .horizontal(),
            );
        });
}

impl Dashboard {
    fn export_warning(ui: &mut egui::Ui, d: &Data, cx: &ScreenCx<'_>, out: &mut Outbox) {
        if !d.export_overdue {
            return;
        }
        let since = d
            .data
            .oldest_unexported
            .map(|t| clock::to_local(t).format("%m月%d日").to_string())
            .unwrap_or_default();
        warning_frame().show(ui, |ui| {
                ui.set_min_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "⚠ 有 {} 条审核决定超过 {} 天未导出（最早 {since}）。请尽快导出交上级系统，以免数据只存在本机。",
                            d.data.unexported, d.warn_days
                        ))
                        .color(theme::WARN)
                        .strong(),
                    );
                    if ScreenId::Exchange.allowed_for(cx.clerk.role)
                        && ui.button("前往数据交换").clicked()
                    {
                        out.push(Command::Navigate(ScreenId::Exchange));
                    }
                });
            });
        ui.add_space(10.0);
    }

    /// Administrators: a backup older than a day, no anchor off the PC lately.
    fn safeguard_warnings(ui: &mut egui::Ui, d: &Data, out: &mut Outbox) {
        let mut lines = Vec::new();
        if d.backup_overdue {
            lines.push("⚠ 超过一天没有备份数据库。请在 账号管理 → 系统设置 设定备份文件夹并开启每日自动备份，或立即备份一次。".to_owned());
        }
        if d.anchor_overdue {
            lines.push(format!(
                "⚠ 已超过 {} 个工作日没有审计锚点离开本机。请导出数据、打印回执或运行 counterdesk audit-anchor --out 到 U 盘：没有锚点，删去日志末尾的改动无法被发现。",
                d.anchor_days
            ));
        }
        if lines.is_empty() {
            return;
        }
        warning_frame().show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            for l in lines {
                ui.label(RichText::new(l).color(theme::WARN).strong());
            }
            if ui.button("前往系统设置").clicked() {
                out.push(Command::Navigate(ScreenId::Accounts));
            }
        });
        ui.add_space(10.0);
    }

    fn overdue_list(ui: &mut egui::Ui, d: &Data, cx: &ScreenCx<'_>, out: &mut Outbox) {
        ui.label(RichText::new("最早超期的申请").strong());
        if !review::may_view(cx.clerk.role) {
            ui.label(RichText::new("管理员不查看申请人信息").color(theme::MUTED));
            return;
        }
        if d.data.oldest_overdue.is_empty() {
            ui.label(RichText::new("没有超期的申请").color(theme::OK));
            return;
        }
        egui::Grid::new("overdue_grid")
            .num_columns(3)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for row in &d.data.oldest_overdue {
                    let days = (cx.today - crate::domain::review::queue::cst_date(row.due_at))
                        .num_days()
                        .max(1);
                    let link = ui.link(RichText::new(&row.app_no).monospace());
                    if link.clicked() {
                        out.push(Command::OpenRecord {
                            screen: ScreenId::ReviewQueue,
                            id: row.id,
                            label: row.app_no.clone(),
                        });
                    }
                    ui.label(row.kind.label());
                    ui.label(RichText::new(format!("超期 {days} 天")).color(theme::ERROR));
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new("点击受理号在审核队列中打开")
                .small()
                .color(theme::MUTED),
        );
    }

    fn features(ui: &mut egui::Ui, cx: &ScreenCx<'_>) {
        let role = cx.clerk.role;
        ui.label(RichText::new("功能").strong());
        egui::Grid::new("feature_grid")
            .num_columns(3)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for info in REGISTRY.iter().filter(|i| (i.allowed)(role)) {
                    ui.label(info.title);
                    let key = info.id.shortcut_for(role).unwrap_or(0);
                    ui.label(RichText::new(format!("Alt+{key}")).color(theme::MUTED));
                    if info.built {
                        ui.label(RichText::new("可用").color(theme::OK));
                    } else {
                        ui.label(RichText::new("尚未建设").color(theme::WARN));
                    }
                    ui.end_row();
                }
            });
        let yes = |b: bool| if b { "✓" } else { "×" };
        ui.label(
            RichText::new(format!(
                "权限：面签注册 {} · 审核决定 {} · 审计日志 {} · 账号设置 {}",
                yes(role.can_register()),
                yes(role.can_decide()),
                yes(role.can_view_audit()),
                yes(role.can_manage_accounts())
            ))
            .small()
            .color(theme::MUTED),
        );
    }
}

impl Screen for Dashboard {
    fn on_open(&mut self, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.load(out);
    }

    fn on_reply(&mut self, reply: Response, _out: &mut Outbox) {
        if let Response::Dashboard(dashboard::Resp::Loaded(d)) = reply {
            self.loading = false;
            self.error = None;
            self.data = Some(d);
        }
    }

    fn on_failed(&mut self, err: AppError, _out: &mut Outbox) {
        self.loading = false;
        self.error = Some(err.to_string());
    }

    fn on_store_changed(&mut self, shown: bool, out: &mut Outbox) {
        self.changed = true;
        if shown && !self.loading {
            self.changed = false;
            self.load(out);
        }
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        if !self.loading && (self.changed || (self.stale(cx.now) && self.error.is_none())) {
            self.changed = false;
            self.load(out);
        }
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
        ui.add_space(10.0);
        if let Some(e) = &self.error {
            widgets::message(ui, &widgets::Message::error(e.clone()));
        }
        let data = self.data.as_deref();
        egui::ScrollArea::vertical()
            .id_salt("dashboard_scroll")
            .show(ui, |ui| {
                if let Some(d) = data {
                    Self::export_warning(ui, d, cx, out);
                    Self::safeguard_warnings(ui, d, out);
                }
                let full = ui.available_width();
                let c = data.map(|d| &d.data);
                // Five cards across whatever width there is (1024 px screens too).
                let w = ((full - 4.0 * 8.0) / 5.0 - 42.0).clamp(80.0, 132.0);
                ui.horizontal(|ui| {
                    let open = c.map(|c| c.counts.total.open);
                    stat(ui, w, "待审核", open, theme::ACCENT);
                    let due = c.map(|c| c.counts.total.due_today);
                    stat(ui, w, "今日到期", due, theme::WARN);
                    let overdue = c.map(|c| c.counts.total.overdue);
                    stat(ui, w, "已超期", overdue, theme::ERROR);
                    stat(ui, w, "我领取的", c.map(|c| c.counts.mine), theme::ACCENT);
                    let mine = c.map(|c| c.my_decisions_today);
                    stat(ui, w, "我今日审核", mine, theme::OK);
                });
                ui.add_space(10.0);
                let half = ((full - 16.0) / 2.0).max(260.0);
                ui.horizontal_top(|ui| {
                    widgets::card(ui, |ui| {
                        ui.vertical(|ui| {
                            ui.set_width(half - 42.0);
                            ui.horizontal(|ui| {
                                ui.label(RichText::new("近 14 天审核结果").strong());
                                ui.add_space(12.0);
                                ui.label(RichText::new("■ 通过").color(APPROVED));
                                ui.label(RichText::new("■ 退回").color(RETURNED));
                            });
                            match data {
                                Some(d) => outcomes_chart(ui, d, half - 42.0),
                                None => {
                                    ui.spinner();
                                }
                            }
                        })
                    });
                    widgets::card(ui, |ui| {
                        ui.vertical(|ui| {
                            ui.set_width(half - 42.0);
                            ui.label(RichText::new("退回原因（近 14 天）").strong());
                            match data {
                                Some(d) => reasons_chart(ui, d, half - 42.0),
                                None => {
                                    ui.spinner();
                                }
                            }
                        })
                    });
                });
                ui.add_space(10.0);
                ui.horizontal_top(|ui| {
                    widgets::card(ui, |ui| {
                        ui.vertical(|ui| {
                            ui.set_width(half - 42.0);
                            match data {
                                Some(d) => Self::overdue_list(ui, d, cx, out),
                                None => {
                                    ui.spinner();
                                }
                            }
                        })
                    });
                    widgets::card(ui, |ui| {
                        ui.vertical(|ui| {
                            ui.set_width(half - 42.0);
                            Self::features(ui, cx);
                        })
                    });
                });
                widgets::follow_focus(ui);
            });
    }

    fn is_busy(&self) -> bool {
        self.loading
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
