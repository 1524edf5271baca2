//! 面签记录: search registrations by registration number, name (prefix) or
//! exact document number / company code; a page of 50 at a time through the
//! worker, numbers masked; open one to see it in full, reveal its number
//! (audited), change its mobile, reprint its receipt, or countersign it.

use std::any::Any;

use chrono::NaiveDate;
use eframe::egui::{self, RichText};
use egui_extras::{Column, TableBuilder};

use crate::app::registration::Req;
use crate::app::registration::Resp;
use crate::app::registration::SearchPage;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::ui::kit::search_box::SearchBox;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::registration::record::RecordPanel;
use crate::ui::registration::record::status_badge;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The search box (empty: most recent first).
    Search,
    /// Company registrations waiting for a supervisor.
    PendingCountersign,
}

/// Below this width an open record replaces the list instead of sitting beside it.
const NARROW_BELOW: f32 = 1000.0;

pub struct Registrations {
    search: SearchBox,
    pub list: List,
    pub page: Option<SearchPage>,
    page_no: usize,
    generation: u64,
    loading: bool,
    pub selected: Option<usize>,
    /// Bring this row into view (moved to with the arrow keys).
    scroll_to: Option<usize>,
    pub record: RecordPanel,
    pub message: Option<Message>,
    can_countersign: bool,
    today: NaiveDate,
    /// A refresh (the store changed) is reading the page again: the row to
    /// select again once it arrives.
    keep_selected: Option<i64>,
}

impl Registrations {
    pub fn new(env: &ScreenEnv) -> Self {
        Registrations {
            search: SearchBox::new(
                "查找",
                "面签编号、姓名或单位名称（开头）、完整证件号码或单位代码",
                360.0,
            ),
            list: List::Search,
            page: None,
            page_no: 0,
            generation: 0,
            loading: false,
            selected: None,
            scroll_to: None,
            record: RecordPanel::new((env.picker)()),
            message: None,
            can_countersign: false,
            today: env.today,
            keep_selected: None,
        }
    }

    fn fetch(&mut self, page: usize, out: &mut Outbox) {
        self.generation += 1;
        self.page_no = page;
        self.loading = true;
        self.selected = None;
        out.send(Request::Registration(match self.list {
            List::Search => Req::Search {
                text: self.search.text.clone(),
                page,
                generation: self.generation,
            },
            List::PendingCountersign => Req::PendingCountersign {
                page,
                generation: self.generation,
            },
        }));
    }

    fn open(&mut self, id: i64, out: &mut Outbox) {
        self.record.waiting = true;
        out.send(Request::Registration(Req::Open { id }));
    }

    fn open_selected(&mut self, out: &mut Outbox) {
        if let Some(id) = self
            .selected
            .and_then(|i| self.page.as_ref()?.rows.get(i))
            .map(|r| r.id)
        {
            self.open(id, out);
        }
    }

    fn record_panel(&mut self, ui: &mut egui::Ui, today: NaiveDate, out: &mut Outbox) {
        egui::ScrollArea::vertical()
            .id_salt("record")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if self.record.view.is_none() {
                    ui.weak(if self.record.waiting {
                        "正在打开…"
                    } else {
                        "点选一条记录查看详情。"
                    });
                }
                self.record.ui(ui, today, out);
                widgets::follow_focus(ui);
            });
    }

    fn toolbar(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        ui.horizontal(|ui| {
            let enter = self.search.show(ui);
            if ui.button("查找 (Enter)").clicked() || enter {
                self.list = List::Search;
                self.fetch(0, out);
            }
            if self.can_countersign
                && ui
                    .selectable_label(self.list == List::PendingCountersign, "待复核的单位面签")
                    .clicked()
            {
                self.list = List::PendingCountersign;
                self.fetch(0, out);
            }
            if self.loading {
                ui.spinner();
            }
        });
        ui.label(
            RichText::new("证件号码在列表中部分隐藏；打开记录后可点“显示完整号码”（记入审计日志）。Ctrl+F 查找，↑↓ 选择，回车打开，Esc 关闭记录。")
                .weak()
                .small(),
        );
    }

    fn table(&mut self, ui: &mut egui::Ui, out: &mut Outbox) {
        let Some(page) = self.page.take() else {
            ui.weak("正在载入…");
            return;
        };
        self.table_of(ui, &page, out);
        if self.page.is_none() {
            self.page = Some(page);
        }
    }

    fn table_of(&mut self, ui: &mut egui::Ui, page: &SearchPage, out: &mut Outbox) {
        ui.label(
            RichText::new(format!(
                "{}：第 {} 页，{} 条{}",
                page.matched_by,
                page.page + 1,
                page.rows.len(),
                if page.has_more {
                    "（还有更多）"
                } else {
                    ""
                }
            ))
            .weak(),
        );
        if page.rows.is_empty() {
            ui.label("没有找到符合条件的面签记录。");
            return;
        }
        let mut open = None;
        let open_id = self.record.view.as_ref().map(|v| v.id);
        let mut table = TableBuilder::new(ui);
        if let Some(i) = self.scroll_to.take() {
            table = table.scroll_to_row(i, None);
        }
        table
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::auto().at_least(150.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(150.0).clip(true))
            .column(Column::auto().at_least(170.0))
            .column(Column::remainder().at_least(120.0))
            .header(24.0, |mut h| {
                for t in [
                    "编号",
                    "状态",
                    "姓名 / 单位名称",
                    "证件号码 / 代码",
                    "办理时间",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(26.0, page.rows.len(), |mut row| {
                    let i = row.index();
                    let r = &page.rows[i];
                    row.set_selected(self.selected == Some(i) || open_id == Some(r.id));
                    row.col(|ui| {
                        ui.label(RichText::new(&r.number).monospace());
                    });
                    row.col(|ui| status_badge(ui, r.status));
                    row.col(|ui| {
                        ui.label(&r.name);
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(&r.doc_number_shown).monospace());
                    });
                    row.col(|ui| {
                        ui.label(&r.created_at_text);
                    });
                    if row.response().clicked() {
                        open = Some((i, r.id));
                    }
                });
            });
        if let Some((i, id)) = open {
            self.selected = Some(i);
            self.open(id, out);
        }
        let (has_more, page_no) = (page.has_more, page.page);
        ui.horizontal(|ui| {
            if ui
                .add_enabled(page_no > 0, egui::Button::new("上一页 (PageUp)"))
                .clicked()
            {
                self.fetch(page_no - 1, out);
            }
            if ui
                .add_enabled(has_more, egui::Button::new("下一页 (PageDown)"))
                .clicked()
            {
                self.fetch(page_no + 1, out);
            }
        });
    }
}

impl Screen for Registrations {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.today = cx.today;
        self.can_countersign = cx.clerk.role.can_decide();
        ui.heading(ScreenId::Registrations.title());
        self.toolbar(ui, out);
        if let Some(m) = &self.message {
            widgets::message(ui, m);
        }
        ui.separator();
        let today = self.today;
        // On a narrow screen (1024 px) an open record takes the whole width,
        // with the list one Esc away; wider, they sit side by side.
        let narrow = ui.available_width() < NARROW_BELOW;
        let record_open = self.record.view.is_some() || self.record.waiting;
        if narrow && record_open {
            if ui.button("← 返回列表 (Esc)").clicked() {
                self.record.clear();
            }
            self.record_panel(ui, today, out);
            return;
        }
        if narrow {
            self.table(ui, out);
            return;
        }
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width((ui.available_width() * 0.55).max(420.0));
                self.table(ui, out);
            });
            ui.separator();
            ui.vertical(|ui| self.record_panel(ui, today, out));
        });
    }

    fn shortcuts(&mut self, input: &mut egui::InputState, out: &mut Outbox) {
        if self.record.viewer_keys(input) {
            return;
        }
        let rows = self.page.as_ref().map_or(0, |p| p.rows.len());
        if self.search.keys(input, rows > 0) {
            // ↓ from the search box goes into the results.
            self.selected = Some(0);
            self.scroll_to = Some(0);
            return;
        }
        if self.record.view.is_some() && input.consume_key(egui::Modifiers::COMMAND, egui::Key::P) {
            self.record.print(out);
        }
        if self.search.has_focus() || self.record.mobile_edit.is_some() {
            return;
        }
        if self.record.view.is_some() && input.consume_key(egui::Modifiers::NONE, egui::Key::Escape)
        {
            self.record.clear();
            return;
        }
        if self.record.view.is_some() && input.consume_key(egui::Modifiers::NONE, egui::Key::V) {
            self.record.open_viewer(0);
            return;
        }
        let Some(page) = &self.page else {
            return;
        };
        let (n, has_more, page_no) = (page.rows.len(), page.has_more, page.page);
        if input.consume_key(egui::Modifiers::NONE, egui::Key::PageDown) && has_more {
            self.fetch(page_no + 1, out);
        } else if input.consume_key(egui::Modifiers::NONE, egui::Key::PageUp) && page_no > 0 {
            self.fetch(page_no - 1, out);
        } else if n > 0 && input.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
            self.selected = Some(self.selected.map_or(0, |i| (i + 1).min(n - 1)));
            self.scroll_to = self.selected;
        } else if n > 0 && input.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
            self.selected = Some(self.selected.map_or(0, |i| i.saturating_sub(1)));
            self.scroll_to = self.selected;
        } else if self.selected.is_some()
            && input.consume_key(egui::Modifiers::NONE, egui::Key::Enter)
        {
            self.open_selected(out);
        }
    }

    fn on_open(&mut self, cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.can_countersign = cx.clerk.role.can_decide();
        self.search.focus();
        self.fetch(self.page_no, out);
        if let Some(id) = self.record.view.as_ref().map(|v| v.id) {
            self.open(id, out);
        }
    }

    fn on_reply(&mut self, reply: Response, out: &mut Outbox) {
        let Response::Registration(r) = reply else {
            return;
        };
        match r {
            Resp::Page(p) => {
                if p.generation == self.generation {
                    self.loading = false;
                    self.message = None;
                    if let Some(id) = self.keep_selected.take() {
                        self.selected = p.rows.iter().position(|r| r.id == id);
                    }
                    // The open record's status changed elsewhere: read it again,
                    // unless the clerk is editing it.
                    if let Some(v) = &self.record.view
                        && self.record.mobile_edit.is_none()
                        && !self.record.waiting
                        && p.rows.iter().any(|r| r.id == v.id && r.status != v.status)
                    {
                        let id = v.id;
                        self.open(id, out);
                    }
                    self.page = Some(p);
                }
            }
            other => {
                let changed = matches!(other, Resp::Countersigned(_) | Resp::MobileUpdated(_));
                self.record.on_reply(&other);
                if changed {
                    // the list shows status and mobile-derived facts: refresh it
                    self.fetch(self.page_no, out);
                }
            }
        }
    }

    fn on_store_changed(&mut self, shown: bool, out: &mut Outbox) {
        // A hidden screen reads its page again when the clerk comes back.
        if !shown || self.loading {
            return;
        }
        self.keep_selected = self
            .selected
            .and_then(|i| self.page.as_ref()?.rows.get(i))
            .map(|r| r.id);
        self.fetch(self.page_no, out);
    }

    fn on_failed(&mut self, err: AppError, _out: &mut Outbox) {
        if self.loading {
            self.loading = false;
            self.message = Some(Message::error(err.to_string()));
        } else {
            self.record.on_failed(&err);
        }
    }

    fn draft(&self) -> Option<serde_json::Value> {
        None
    }

    fn is_busy(&self) -> bool {
        self.loading || self.record.is_busy()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
