//! The window of rows: read page by page along the queue (keyset cursor),
//! started again for a new filter or window, read again in place when the
//! store changed (keeping the selection), and walked with the keyboard.

use eframe::egui;

use crate::ui::review::queue::PAGE;

use crate::ui::review::queue::Refresh;

use crate::app::review::QueuePage;
use crate::app::review::Req;
use crate::app::runtime::worker::Request;
use crate::domain::review::PageCursor;
use crate::ui::review::queue::ReviewQueue;
use crate::ui::shell::outbox::Outbox;

impl ReviewQueue {
    /// Starts the rows again from `start` (a new filter, search or window).
    pub(crate) fn reload(&mut self, start: (Option<PageCursor>, usize), out: &mut Outbox) {
        self.generation += 1;
        self.table_gen += 1;
        self.refresh = None;
        self.rows.clear();
        self.next = None;
        self.window_start = start;
        self.scroll_top = true;
        self.last_visible = 0;
        self.selected = None;
        self.fetch(start.0, out);
    }

    pub(crate) fn restart(&mut self, out: &mut Outbox) {
        self.windows.clear();
        self.reload((None, 0), out);
    }

    pub(crate) fn fetch(&mut self, after: Option<PageCursor>, out: &mut Outbox) {
        self.loading = true;
        out.send(self.page_request(after, PAGE));
    }

    /// Reads the rows shown again (the store changed elsewhere), keeping the
    /// selection by application id and the scroll position.
    pub(crate) fn refresh_rows(&mut self, out: &mut Outbox) {
        if self.loading || self.refresh.is_some() {
            self.missed_change = true;
            return;
        }
        self.missed_change = false;
        self.generation += 1;
        self.refresh = Some(Refresh {
            want: self.rows.len().max(PAGE as usize),
            rows: Vec::new(),
            selected_id: self.selected.and_then(|i| self.rows.get(i)).map(|r| r.id),
        });
        self.fetch_refresh(self.window_start.0, out);
    }

    fn fetch_refresh(&mut self, after: Option<PageCursor>, out: &mut Outbox) {
        let Some(r) = &self.refresh else { return };
        // Exactly as many rows as were shown: the window never grows past them.
        let left = r.want.saturating_sub(r.rows.len()).max(1);
        let limit = u32::try_from(left)
            .unwrap_or(u32::MAX)
            .min(crate::store::MAX_PAGE);
        out.send(self.page_request(after, limit));
    }

    /// The page query of the current filter, kind and search.
    fn page_request(&self, after: Option<PageCursor>, limit: u32) -> Request {
        Request::Review(Req::Page {
            scope: self.scope,
            kind: self.kind,
            search: self.applied_search.clone(),
            after,
            offset: 0,
            limit,
            generation: self.generation,
        })
    }

    /// A page of a refresh arrived: ask for the next, or swap the rows in.
    fn refresh_page(&mut self, p: QueuePage, out: &mut Outbox) {
        let Some(r) = &mut self.refresh else { return };
        r.rows.extend(p.rows);
        if r.rows.len() < r.want
            && let Some(c) = p.next
        {
            self.fetch_refresh(Some(c), out);
            return;
        }
        let Some(r) = self.refresh.take() else { return };
        self.search_as = p.search_as;
        self.next = p.next;
        self.selected = match r.selected_id {
            Some(id) => r
                .rows
                .iter()
                .position(|x| x.id == id)
                .or(self.selected.map(|i| i.min(r.rows.len().saturating_sub(1)))),
            None => None,
        }
        .filter(|_| !r.rows.is_empty());
        self.rows = r.rows;
        if self.missed_change {
            self.refresh_rows(out);
        }
    }

    /// A page of rows arrived (an older generation's is dropped).
    pub(crate) fn page_arrived(&mut self, p: QueuePage, out: &mut Outbox) {
        if p.generation != self.generation {
            return;
        }
        if self.refresh.is_some() {
            self.refresh_page(p, out);
            return;
        }
        self.loading = false;
        self.search_as = p.search_as;
        self.next = p.next;
        self.rows.extend(p.rows);
    }

    /// ↑↓, PageUp/PageDown move the selection; Enter opens it.
    pub(crate) fn list_keys(&mut self, input: &mut egui::InputState, out: &mut Outbox) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let step = |k: egui::Key, input: &mut egui::InputState| {
            input.consume_key(egui::Modifiers::NONE, k)
        };
        let moved = if step(egui::Key::ArrowDown, input) {
            Some(self.selected.map_or(0, |i| (i + 1).min(last)))
        } else if step(egui::Key::ArrowUp, input) {
            Some(self.selected.map_or(0, |i| i.saturating_sub(1)))
        } else if step(egui::Key::PageDown, input) {
            Some(self.selected.map_or(0, |i| (i + 20).min(last)))
        } else if step(egui::Key::PageUp, input) {
            Some(self.selected.map_or(0, |i| i.saturating_sub(20)))
        } else {
            None
        };
        if let Some(i) = moved {
            self.selected = Some(i);
            self.scroll_to = Some(i);
        }
        if let Some(i) = self.selected
            && step(egui::Key::Enter, input)
            && let Some(row) = self.rows.get(i).cloned()
        {
            self.open(&row, out);
        }
    }
}
