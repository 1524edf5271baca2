//! The one document viewer for scans and photos (单位注册复核, the review's
//! photos, 面签记录): fit, 100 %, wheel and +/- zoom, drag to pan, rotate
//! 90°, and every page of every attachment of the record in turn, with the
//! record's typed facts beside the picture. Pages are decoded on the job
//! runner when reached; at most [`HELD_PAGES`] decoded pages are kept.
//!
//! While open it owns the keyboard: the screen hands it every key first
//! ([`DocViewer::shortcuts`]), so F8/F9 and the reason letters do nothing
//! and Esc closes the viewer only.

use std::sync::Arc;

use eframe::egui::{self, RichText, TextureHandle, TextureOptions, Vec2};

mod draw;

use crate::app::registration::Req;
use crate::app::registration::document_view;
use crate::app::registration::document_view::PageError;
use crate::app::runtime::files;
use crate::app::runtime::jobs::Jobs;
use crate::app::runtime::worker::Request;
use crate::ui::kit::theme;
use crate::ui::shell::outbox::Outbox;

/// Decoded pages kept at once: the current one and its neighbours.
pub const HELD_PAGES: usize = 3;
/// Zoom limits, as a factor of the page's own pixels.
const MIN_ZOOM: f32 = 0.05;
const MAX_ZOOM: f32 = 8.0;
/// One +/- step.
const ZOOM_STEP: f32 = 1.25;
/// Width of the typed facts beside the picture.
const FACTS_WIDTH: f32 = 360.0;

/// Where a document's bytes come from.
#[derive(Debug, Clone)]
pub enum DocSource {
    /// Already in memory (a photo of the review).
    Bytes(Arc<[u8]>),
    /// A registration's scan, asked from the worker when first reached.
    Scan { registration: i64, sha256: String },
}

/// One attachment of the record.
#[derive(Debug, Clone)]
pub struct ViewerDoc {
    /// 营业执照, 申请照片 …
    pub label: String,
    pub file_name: String,
    /// Pages (1 for an image).
    pub pages: usize,
    pub source: DocSource,
}

enum Bytes {
    Have(Arc<[u8]>),
    Need { registration: i64, sha256: String },
    Asked(String),
    Failed(String),
}

enum PageState {
    Decoding,
    Ready(TextureHandle),
    Failed(PageError),
}

enum Job {
    Page {
        page: usize,
        bytes: Arc<[u8]>,
        index: usize,
    },
    Open {
        name: String,
        bytes: Arc<[u8]>,
    },
}

enum Done {
    Page {
        page: usize,
        result: Result<egui::ColorImage, PageError>,
    },
    Opened(Result<(), String>),
}

/// How big the picture is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zoom {
    Fit,
    /// Screen pixels per page pixel.
    Scale(f32),
}

pub struct DocViewer {
    docs: Vec<(ViewerDoc, Bytes)>,
    facts_title: String,
    facts: Vec<(String, String)>,
    /// Every page of every document, in order: (document, page in it).
    pages: Vec<(usize, usize)>,
    at: usize,
    pub zoom: Zoom,
    /// Quarter turns clockwise.
    pub rotation: u8,
    pan: Vec2,
    /// The scale "fit" gave last frame, so +/- start from what is seen.
    fit_scale: f32,
    held: Vec<(usize, PageState)>,
    jobs: Jobs<Job, Done>,
    note: Option<(bool, String)>,
    /// `O` was pressed: open the current document with the system's program.
    open_external: bool,
}

impl DocViewer {
    /// Opens at the first page of document `start`.
    pub fn new(
        docs: Vec<ViewerDoc>,
        facts_title: impl Into<String>,
        facts: Vec<(String, String)>,
        start: usize,
    ) -> Self {
        let mut pages = Vec::new();
        for (d, doc) in docs.iter().enumerate() {
            for p in 0..doc.pages.max(1) {
                pages.push((d, p));
            }
        }
        let at = pages.iter().position(|(d, _)| *d == start).unwrap_or(0);
        let docs = docs
            .into_iter()
            .map(|d| {
                let b = match &d.source {
                    DocSource::Bytes(b) => Bytes::Have(b.clone()),
                    DocSource::Scan {
                        registration,
                        sha256,
                    } => Bytes::Need {
                        registration: *registration,
                        sha256: sha256.clone(),
                    },
                };
                (d, b)
            })
            .collect();
        DocViewer {
            docs,
            facts_title: facts_title.into(),
            facts,
            pages,
            at,
            zoom: Zoom::Fit,
            rotation: 0,
            pan: Vec2::ZERO,
            fit_scale: 1.0,
            held: Vec::new(),
            jobs: Jobs::new("viewer", HELD_PAGES + 1, |job: Job| match job {
                Job::Page { page, bytes, index } => Done::Page {
                    page,
                    result: document_view::render_page(&bytes, index).map(|p| {
                        egui::ColorImage::from_rgba_unmultiplied([p.width, p.height], &p.rgba)
                    }),
                },
                Job::Open { name, bytes } => {
                    Done::Opened(files::open_in_viewer(&name, &bytes).map(drop).map_err(|e| {
                        if e.kind() == std::io::ErrorKind::StorageFull {
                            files::write_failed(&files::print_dir(), &e)
                        } else {
                            e.to_string()
                        }
                    }))
                }
            }),
            note: None,
            open_external: false,
        }
    }

    /// The page shown (0-based) and how many there are.
    pub fn position(&self) -> (usize, usize) {
        (self.at, self.pages.len())
    }

    /// Decoded pages held now (never more than [`HELD_PAGES`]).
    pub fn decoded_pages(&self) -> usize {
        self.held
            .iter()
            .filter(|(_, s)| matches!(s, PageState::Ready(_)))
            .count()
    }

    /// Whether the current page is on screen (for tests and the spinner).
    pub fn current_ready(&self) -> bool {
        self.held
            .iter()
            .any(|(p, s)| *p == self.at && matches!(s, PageState::Ready(_)))
    }

    pub fn is_busy(&self) -> bool {
        self.jobs.pending() > 0 || self.docs.iter().any(|(_, b)| matches!(b, Bytes::Asked(_)))
    }

    /// Takes every key out of the input: the viewer's own, and all others
    /// (the screen's F8/F9 and letters must not act behind it). Returns true
    /// when Esc asks to close.
    pub fn shortcuts(&mut self, i: &mut egui::InputState) -> bool {
        use egui::{Key, Modifiers};
        let mut close = false;
        let mut take = |k: Key| i.consume_key(Modifiers::NONE, k);
        if take(Key::Escape) {
            close = true;
        } else if take(Key::PageDown) || take(Key::ArrowRight) {
            self.go(1);
        } else if take(Key::PageUp) || take(Key::ArrowLeft) {
            self.go(-1);
        } else if take(Key::Plus) || take(Key::Equals) {
            self.zoom_by(ZOOM_STEP);
        } else if take(Key::Minus) {
            self.zoom_by(1.0 / ZOOM_STEP);
        } else if take(Key::F) {
            self.fit();
        } else if take(Key::Num1) {
            self.actual_size();
        } else if take(Key::R) {
            self.rotate();
        } else if take(Key::O) {
            self.open_external = true;
        }
        if i.consume_key(Modifiers::SHIFT, Key::Plus)
            || i.consume_key(Modifiers::SHIFT, Key::Equals)
        {
            self.zoom_by(ZOOM_STEP);
        }
        // Everything else typed while the viewer is up goes nowhere.
        i.events.retain(|e| {
            !matches!(
                e,
                egui::Event::Key { .. } | egui::Event::Text(_) | egui::Event::Paste(_)
            )
        });
        close
    }

    pub fn go(&mut self, step: isize) {
        let n = self.pages.len() as isize;
        if n == 0 {
            return;
        }
        let to = (self.at as isize + step).clamp(0, n - 1) as usize;
        if to != self.at {
            self.at = to;
            self.pan = Vec2::ZERO;
            self.zoom = Zoom::Fit;
        }
    }

    pub fn zoom_by(&mut self, f: f32) {
        let now = match self.zoom {
            Zoom::Fit => self.fit_scale,
            Zoom::Scale(s) => s,
        };
        self.zoom = Zoom::Scale((now * f).clamp(MIN_ZOOM, MAX_ZOOM));
    }

    pub fn fit(&mut self) {
        self.zoom = Zoom::Fit;
        self.pan = Vec2::ZERO;
    }

    pub fn actual_size(&mut self) {
        self.zoom = Zoom::Scale(1.0);
        self.pan = Vec2::ZERO;
    }

    pub fn rotate(&mut self) {
        self.rotation = (self.rotation + 1) % 4;
        self.pan = Vec2::ZERO;
    }

    /// A scan's bytes arrived from the worker.
    pub fn on_scan(&mut self, sha256: &str, bytes: Arc<[u8]>) {
        for (_, b) in &mut self.docs {
            if matches!(b, Bytes::Asked(s) if s == sha256) {
                *b = Bytes::Have(bytes.clone());
            }
        }
    }

    /// A request of the viewer failed: the documents waiting say why.
    pub fn on_failed(&mut self, why: &str) {
        for (_, b) in &mut self.docs {
            if matches!(b, Bytes::Asked(_)) {
                *b = Bytes::Failed(why.to_owned());
            }
        }
    }

    /// Asks for bytes, queues decodes for the pages wanted and drops the
    /// others; uploads what the job runner finished.
    fn pump(&mut self, ctx: &egui::Context, out: &mut Outbox) {
        let wanted = |p: usize, at: usize| p + 1 >= at && p <= at + 1;
        while let Some(done) = self.jobs.poll() {
            match done {
                Done::Page { page, result } => {
                    let Some(slot) = self.held.iter_mut().find(|(p, _)| *p == page) else {
                        continue;
                    };
                    slot.1 = match result {
                        Ok(img) => PageState::Ready(ctx.load_texture(
                            format!("viewer-page-{page}"),
                            img,
                            TextureOptions::LINEAR,
                        )),
                        Err(e) => PageState::Failed(e),
                    };
                }
                Done::Opened(r) => {
                    self.note = Some(match r {
                        Ok(()) => (false, "已用系统程序打开。".to_owned()),
                        Err(e) => (true, format!("无法用系统程序打开：{e}。")),
                    });
                }
            }
        }
        let at = self.at;
        self.held.retain(|(p, _)| wanted(*p, at));
        // The current page first, then the next, then the previous.
        let order = [Some(at), at.checked_add(1), at.checked_sub(1)];
        for p in order.into_iter().flatten() {
            let Some(&(doc, index)) = self.pages.get(p) else {
                continue;
            };
            if self.held.iter().any(|(q, _)| *q == p) || self.held.len() >= HELD_PAGES {
                continue;
            }
            match &self.docs[doc].1 {
                Bytes::Have(bytes) => {
                    let c = ctx.clone();
                    let job = Job::Page {
                        page: p,
                        bytes: bytes.clone(),
                        index,
                    };
                    if self
                        .jobs
                        .submit(job, Box::new(move || c.request_repaint()))
                        .is_ok()
                    {
                        self.held.push((p, PageState::Decoding));
                    }
                }
                Bytes::Need {
                    registration,
                    sha256,
                } => {
                    out.send(Request::Registration(Req::Scan {
                        id: *registration,
                        sha256: sha256.clone(),
                    }));
                    self.docs[doc].1 = Bytes::Asked(sha256.clone());
                }
                Bytes::Asked(_) | Bytes::Failed(_) => {}
            }
        }
    }

    /// Draws the viewer over the screen. Returns true when 关闭 was clicked.
    pub fn show(&mut self, ctx: &egui::Context, out: &mut Outbox) -> bool {
        self.pump(ctx, out);
        let mut close = false;
        let screen = ctx.content_rect();
        let size = (screen.size() - egui::vec2(40.0, 40.0)).max(egui::vec2(600.0, 400.0));
        egui::Modal::new(egui::Id::unique("doc_viewer")).show(ctx, |ui| {
            ui.set_width(size.x - 32.0);
            ui.set_height(size.y - 32.0);
            close = self.toolbar(ui);
            if let Some((error, text)) = &self.note {
                let colour = if *error { theme::ERROR } else { theme::MUTED };
                ui.label(RichText::new(text).color(colour));
            }
            ui.horizontal_top(|ui| {
                let canvas = egui::vec2(
                    (ui.available_width() - FACTS_WIDTH - 12.0).max(200.0),
                    (ui.available_height() - 8.0).max(200.0),
                );
                self.canvas(ui, canvas);
                ui.separator();
                ui.vertical(|ui| {
                    ui.set_width(FACTS_WIDTH - 12.0);
                    self.facts_panel(ui);
                });
            });
        });
        // `O` only counts on a page that offers it, in the frame it was pressed.
        self.open_external = false;
        close
    }
}
