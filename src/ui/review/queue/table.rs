//! The list side of the screen: the filter buttons with their counts, the
//! kind and the search, the status line, the notice when someone else holds
//! an application, and the virtualised table of the window of rows.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Color32, RichText};
use egui_extras::{Column, TableBuilder};

use crate::ui::review::queue::ReviewQueue;

use crate::app::runtime::clock::fmt_hm;
use crate::domain::review::queue::CST;
use crate::domain::review::{AppKind, AppState, Scope};
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::review::item::NO_CLAIM_FOR_ROLE;
use crate::ui::review::queue::WINDOW;
use crate::ui::shell::outbox::Outbox;

/// Height of a table row.
const ROW_HEIGHT: f32 = 24.0;
/// Background of an overdue row.
const OVERDUE_BG: Color32 = Color32::from_rgb(0xfd, 0xe8, 0xe8);
/// Fetch the next page when the last visible row is this close to the end.
const PREFETCH: usize = 60;
/// The filters shown as buttons, in order.
const SCOPES: [Scope; 7] = [
    Scope::Open,
    Scope::DueToday,
    Scope::Overdue,
    Scope::InReview,
    Scope::Mine,
    Scope::Approved,
    Scope::Returned,
];

impl ReviewQueue {
    pub(crate) fn filter_bar(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        ui.horizontal_wrapped(|ui| {
            for s in SCOPES {
                let n = self.counts.as_ref().map(|c| c.for_scope(s, self.kind));
                let text = match n {
                    Some(n) => format!("{} {n}", s.label()),
                    None => s.label().to_owned(),
                };
                let mut rich = RichText::new(text);
                if s == Scope::Overdue && n.is_some_and(|n| n > 0) {
                    rich = rich.color(theme::ERROR);
                }
                if ui
                    .add(egui::Button::selectable(self.scope == s, rich))
                    .clicked()
                    && self.scope != s
                {
                    self.scope = s;
                    self.restart(out);
                }
            }
            ui.separator();
            let label = ui.label("类型");
            let current = self.kind.map_or("全部类型", |k| k.label());
            let mut chosen = self.kind;
            egui::ComboBox::from_id_salt("queue_kind")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut chosen, None, "全部类型");
                    for k in AppKind::ALL {
                        let n = self
                            .counts
                            .as_ref()
                            .map(|c| format!("（{}）", c.for_scope(self.scope, Some(k))))
                            .unwrap_or_default();
                        ui.selectable_value(&mut chosen, Some(k), format!("{}{n}", k.label()));
                    }
                })
                .response
                .labelled_by(label.id);
            if chosen != self.kind {
                self.kind = chosen;
                self.restart(out);
            }
        });
        ui.horizontal(|ui| {
            let enter = self.search.show(ui);
            if enter || ui.button("查找").clicked() {
                let t = self.search.text.trim().to_owned();
                self.applied_search = (!t.is_empty()).then_some(t);
                self.restart(out);
            }
            if self.applied_search.is_some() && ui.button("清除搜索").clicked() {
                self.search.text.clear();
                self.applied_search = None;
                self.restart(out);
            }
            if ui.button("刷新").clicked() {
                Self::refresh_counts(out);
                self.reload(self.window_start, out);
            }
            ui.separator();
            let claim = widgets::primary_button(
                ui,
                "领取下一件 (F2)",
                self.may_decide && self.writing.is_none(),
            )
            .on_disabled_hover_text(if self.may_decide {
                "正在处理上一个操作…"
            } else {
                NO_CLAIM_FOR_ROLE
            });
            if claim.clicked() {
                self.claim_next(out);
            }
        });
    }

    pub(crate) fn status_line(&self, ui: &mut egui::Ui) {
        let first = self.window_start.1;
        let shown = if self.rows.is_empty() {
            String::new()
        } else {
            format!("，显示第 {}–{} 条", first + 1, first + self.rows.len())
        };
        let text = match (&self.applied_search, self.total()) {
            (Some(s), _) => format!(
                "按{}查找「{s}」：找到 {} 条{}",
                self.search_as.unwrap_or("关键词"),
                self.rows.len(),
                if self.next.is_some() { "以上" } else { "" }
            ),
            (None, Some(n)) => format!("{}共 {n} 件{shown}，按到期时间排序", self.scope.label()),
            (None, None) => "正在读取…".to_owned(),
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(text).color(theme::MUTED));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let keys = if self.may_decide {
                    "键盘：F2 领取下一件　↑↓ 选择　Enter 打开　Ctrl+F 搜索"
                } else {
                    "键盘：↑↓ 选择　Enter 查看（只读）　Ctrl+F 搜索"
                };
                ui.label(RichText::new(keys).small().color(theme::MUTED));
            });
        });
    }

    pub(crate) fn table(&mut self, ui: &mut egui::Ui, now: DateTime<Utc>, out: &mut Outbox) {
        let mut open = None;
        let more = self.next.is_some() || self.loading;
        let n = self.rows.len() + usize::from(more && self.rows.len() < WINDOW);
        // Room for the header row and the 上一批 / 下一批 line below the table.
        let height = (ui.available_height() - 80.0).max(160.0);
        let mut table = TableBuilder::new(ui)
            .id_salt(("queue_table", self.table_gen))
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(height)
            .min_scrolled_height(height)
            .column(Column::exact(150.0))
            .column(Column::exact(105.0))
            .column(Column::exact(48.0))
            .column(Column::remainder().at_least(60.0).clip(true))
            .column(Column::exact(150.0))
            .column(Column::exact(48.0))
            .column(Column::exact(48.0))
            .column(Column::exact(80.0))
            .column(Column::exact(110.0).clip(true));
        if std::mem::take(&mut self.scroll_top) {
            table = table.vertical_scroll_offset(0.0);
        } else if let Some(i) = self.scroll_to.take() {
            table = table.scroll_to_row(i, None);
        }
        let selected = self.selected;
        let mut last = 0;
        table
            .header(24.0, |mut h| {
                for t in [
                    "受理号",
                    "类型",
                    "状态",
                    "申请人",
                    "证件号码",
                    "驾驶证",
                    "照片",
                    "到期",
                    "处理人",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, n, |mut row| {
                    let i = row.index();
                    last = last.max(i);
                    row.set_selected(selected == Some(i));
                    let Some(r) = self.rows.get(i) else {
                        row.col(|ui| {
                            ui.label(RichText::new("正在读取…").color(theme::MUTED));
                        });
                        return;
                    };
                    let red = r.overdue;
                    let cell = |ui: &mut egui::Ui, t: String| {
                        if red {
                            overdue_band(ui);
                            ui.label(RichText::new(t).color(theme::ERROR));
                        } else {
                            ui.label(t);
                        }
                    };
                    row.col(|ui| {
                        if red {
                            overdue_band(ui);
                        }
                        let b =
                            egui::Button::new(RichText::new(&r.app_no).monospace().color(if red {
                                theme::ERROR
                            } else {
                                theme::ACCENT
                            }))
                            .frame(false);
                        if ui.add(b).clicked() {
                            open = Some(i);
                        }
                    });
                    row.col(|ui| cell(ui, r.kind.label().to_owned()));
                    row.col(|ui| cell(ui, r.state.label().to_owned()));
                    row.col(|ui| cell(ui, r.name.clone()));
                    row.col(|ui| cell(ui, r.doc_masked.clone()));
                    row.col(|ui| cell(ui, r.licence_status.clone()));
                    row.col(|ui| {
                        cell(
                            ui,
                            match r.photo_verdict.as_deref() {
                                Some("pass") => "合格",
                                Some("warn") => "注意",
                                Some("fail") => "不合格",
                                _ => "—",
                            }
                            .to_owned(),
                        )
                    });
                    row.col(|ui| {
                        // Always the end of a working day: the date says it all.
                        let due = r.due_at.with_timezone(&CST).format("%m-%d").to_string();
                        cell(ui, if red { format!("{due} 超期") } else { due })
                    });
                    row.col(|ui| {
                        let t = match (&r.held_by, r.held_until) {
                            (Some(c), Some(u)) if r.state == AppState::InReview => {
                                format!("{c} 至 {}", fmt_hm(u))
                            }
                            _ => String::new(),
                        };
                        cell(ui, t)
                    });
                    if row.response().clicked() {
                        open = Some(i);
                    }
                });
            });
        self.last_visible = last;
        if self.rows.is_empty() && !self.loading {
            ui.label(
                RichText::new(match &self.applied_search {
                    Some(_) => "没有找到符合条件的申请。".to_owned(),
                    None => format!("{}中没有申请。", self.scope.label()),
                })
                .color(theme::MUTED),
            );
        }
        let _ = now;
        if let Some(i) = open
            && let Some(r) = self.rows.get(i).cloned()
        {
            self.open(&r, out);
        }
        // Keep the window filled as the clerk scrolls.
        if !self.loading
            && self.rows.len() < WINDOW
            && self.last_visible + PREFETCH >= self.rows.len()
            && let Some(c) = self.next
        {
            self.fetch(Some(c), out);
        }
        ui.horizontal(|ui| {
            if !self.windows.is_empty()
                && ui.button("上一批").clicked()
                && let Some(w) = self.windows.pop()
            {
                self.reload(w, out);
            }
            if self.rows.len() >= WINDOW
                && let Some(c) = self.next
                && ui
                    .button(format!(
                        "下一批（第 {} 条起）",
                        self.window_start.1 + self.rows.len() + 1
                    ))
                    .clicked()
            {
                self.windows.push(self.window_start);
                self.reload((Some(c), self.window_start.1 + self.rows.len()), out);
            }
            if !self.windows.is_empty() && ui.button("回到开头").clicked() {
                self.restart(out);
            }
        });
    }

    /// Someone else holds the application the clerk tried to open.
    pub(crate) fn held_notice(&mut self, ui: &mut egui::Ui) {
        if let Some(h) = self.held.clone() {
            egui::Frame::new()
                .fill(Color32::from_rgb(0xff, 0xf4, 0xe0))
                .stroke(egui::Stroke::new(1.0, theme::WARN))
                .inner_margin(egui::Margin::same(10))
                .show(ui, |ui| {
                    ui.label(
                        RichText::new(format!("{}：{}", h.app_no, h.sentence()))
                            .strong()
                            .color(theme::WARN),
                    );
                    ui.label("该申请已被其他审核员领取。请选择其他申请，或按 F2 领取下一件。");
                    if ui.button("知道了 (Esc)").clicked() {
                        self.held = None;
                    }
                });
        }
    }
}

/// Fills a cell of an overdue row, the gap to its neighbours included, so
/// the row reads as one red band (a cell's own painter stops at the cell).
fn overdue_band(ui: &egui::Ui) {
    let half = ui.spacing().item_spacing.x / 2.0 + 0.5;
    let cell = ui.max_rect().expand2(egui::vec2(half, 2.0));
    let visible = egui::Rect::from_x_y_ranges(cell.x_range(), ui.clip_rect().y_range());
    ui.ctx()
        .layer_painter(ui.layer_id())
        .with_clip_rect(visible)
        .rect_filled(cell, 0.0, OVERDUE_BG);
}
