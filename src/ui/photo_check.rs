//! 照片检测 panel: open or drop a photo, see it at its true aspect ratio with
//! the spec drawn over it, and the measured report beside it. A reusable
//! widget: it owns no window and assumes nothing about its surroundings.
//!
//! Decoding, checking, generating and saving run on one worker thread; the UI
//! polls a bounded channel each frame and the worker asks for a repaint when
//! a job ends.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use chrono::NaiveDate;
use eframe::egui::{
    self, Color32, ColorImage, CornerRadius, Pos2, Rect, RichText, Sense, Stroke, StrokeKind,
    TextureHandle, TextureOptions, Vec2, pos2, vec2,
};

use crate::app::jobs::Jobs;
use crate::photo::{self, Analysis, Generated, PhotoReport, PhotoVerdict, SPEC};

/// Textures are downscaled to at most this side before upload.
const MAX_TEXTURE_SIDE: u32 = 2048;
/// Preview box height limit in points.
const MAX_PREVIEW_HEIGHT: f32 = 520.0;
/// Room the panel needs to show preview and report side by side, for embedding screens.
pub const MIN_SIZE: Vec2 = Vec2::new(720.0, 480.0);

/// What a picker reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked {
    /// A photo to open (`None`: the clerk cancelled).
    Open(Option<PathBuf>),
    /// Where to save the generated photo (`None`: cancelled).
    Save(Option<PathBuf>),
    /// No dialog could be shown on this PC (no portal, no zenity).
    Unavailable,
}

/// What the clerk reads when no file dialog can be shown.
pub const NO_DIALOG: &str = "无法打开文件选择窗口：本机没有可用的文件对话框（Linux 需安装 xdg-desktop-portal-gtk 或 zenity）。请直接把照片文件拖到本窗口。";

/// A dialog that comes back empty faster than a person can cancel it did
/// not appear (rfd reports a missing portal/zenity as a cancel).
const FASTEST_HUMAN_CANCEL: std::time::Duration = std::time::Duration::from_millis(250);

/// Native file dialogs, behind a trait so tests can inject a file.
/// Requests never block; answers arrive through `poll`.
/// Makes a file-dialog picker for each panel that opens dialogs.
pub type PickerFactory = std::sync::Arc<dyn Fn() -> Box<dyn FilePicker> + Send + Sync>;

pub trait FilePicker: Send {
    fn request_open(&mut self);
    fn request_save(&mut self, suggested_name: &str);
    fn poll(&mut self) -> Option<Picked>;
    /// A dialog for another kind of file (test pickers answer as for a photo).
    fn request_open_kind(&mut self, kind: FileKind) {
        let _ = kind;
        self.request_open();
    }
    fn request_save_kind(&mut self, kind: FileKind, suggested_name: &str) {
        let _ = kind;
        self.request_save(suggested_name);
    }
    /// A folder to export into (answered as [`Picked::Save`]).
    fn request_folder(&mut self) {
        self.request_save("");
    }
}

/// What a dialog is for: its title and file-type filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Photo,
    /// A document scan (JPEG, PNG, TIFF, PDF).
    Scan,
    /// A receipt PDF to save.
    Receipt,
    /// An application batch to import (JSON Lines).
    Batch,
}

impl FileKind {
    fn open_title(self) -> &'static str {
        match self {
            FileKind::Photo => "打开照片",
            FileKind::Scan => "添加扫描件",
            FileKind::Receipt => "打开 PDF",
            FileKind::Batch => "导入申请批次",
        }
    }

    fn save_title(self) -> &'static str {
        match self {
            FileKind::Photo => "保存合规照片",
            FileKind::Scan => "保存扫描件",
            FileKind::Receipt => "保存受理回执",
            FileKind::Batch => "保存申请批次",
        }
    }

    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileKind::Photo => ("照片（JPEG/PNG）", &["jpg", "jpeg", "png"]),
            FileKind::Scan => (
                "扫描件（JPEG/PNG/TIFF/PDF）",
                &["jpg", "jpeg", "png", "tif", "tiff", "pdf"],
            ),
            FileKind::Receipt => ("PDF", &["pdf"]),
            FileKind::Batch => ("申请批次（JSON Lines）", &["jsonl", "json", "txt"]),
        }
    }
}

/// rfd dialogs on a helper thread (a blocking dialog in `ui()` would freeze the window).
pub struct RfdPicker {
    tx: SyncSender<Picked>,
    rx: Receiver<Picked>,
}

impl Default for RfdPicker {
    fn default() -> Self {
        let (tx, rx) = sync_channel(2);
        RfdPicker { tx, rx }
    }
}

impl RfdPicker {
    /// Runs a blocking dialog on its own thread and reports its answer.
    fn run(
        &self,
        dialog: impl FnOnce() -> Option<PathBuf> + Send + 'static,
        answer: fn(Option<PathBuf>) -> Picked,
    ) {
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let path = dialog();
            let unavailable = cfg!(target_os = "linux")
                && path.is_none()
                && started.elapsed() < FASTEST_HUMAN_CANCEL;
            let _ = tx.send(if unavailable {
                Picked::Unavailable
            } else {
                answer(path)
            });
        });
    }
}

impl FilePicker for RfdPicker {
    fn request_open(&mut self) {
        self.request_open_kind(FileKind::Photo);
    }

    fn request_save(&mut self, suggested_name: &str) {
        let name = suggested_name.to_owned();
        self.run(
            move || {
                rfd::FileDialog::new()
                    .set_title("保存合规照片")
                    .add_filter("JPEG", &["jpg"])
                    .set_file_name(name)
                    .save_file()
            },
            Picked::Save,
        );
    }

    fn request_open_kind(&mut self, kind: FileKind) {
        let (filter, exts) = kind.filter();
        self.run(
            move || {
                rfd::FileDialog::new()
                    .set_title(kind.open_title())
                    .add_filter(filter, exts)
                    .pick_file()
            },
            Picked::Open,
        );
    }

    fn request_save_kind(&mut self, kind: FileKind, suggested_name: &str) {
        if kind == FileKind::Photo {
            return self.request_save(suggested_name);
        }
        let name = suggested_name.to_owned();
        let (filter, exts) = kind.filter();
        self.run(
            move || {
                rfd::FileDialog::new()
                    .set_title(kind.save_title())
                    .add_filter(filter, exts)
                    .set_file_name(name)
                    .save_file()
            },
            Picked::Save,
        );
    }

    fn poll(&mut self) -> Option<Picked> {
        self.rx.try_recv().ok()
    }

    fn request_folder(&mut self) {
        self.run(
            || {
                rfd::FileDialog::new()
                    .set_title("选择导出位置（如 U 盘）")
                    .pick_folder()
            },
            Picked::Save,
        );
    }
}

/// A picker that answers with prepared paths, for tests and scripted demos.
#[derive(Debug, Default, Clone)]
pub struct ScriptedPicker {
    pub open: Option<PathBuf>,
    pub save: Option<PathBuf>,
    pending: Vec<Picked>,
    /// Dialogs opened so far (shared, so a test can read it).
    pub opened: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Polls a dialog stays open before it answers (a person choosing a file).
    pub stays_open_for: usize,
    polls: usize,
}

impl ScriptedPicker {
    pub fn new(open: Option<PathBuf>, save: Option<PathBuf>) -> Self {
        ScriptedPicker {
            open,
            save,
            ..Self::default()
        }
    }
}

impl FilePicker for ScriptedPicker {
    fn request_open(&mut self) {
        self.opened
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.polls = 0;
        self.pending.push(match &self.open {
            Some(p) if p.as_os_str() == "<unavailable>" => Picked::Unavailable,
            other => Picked::Open(other.clone()),
        });
    }

    fn request_save(&mut self, _suggested_name: &str) {
        self.opened
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.polls = 0;
        self.pending.push(Picked::Save(self.save.clone()));
    }

    fn poll(&mut self) -> Option<Picked> {
        self.polls += 1;
        if self.pending.is_empty() || self.polls <= self.stays_open_for {
            None
        } else {
            Some(self.pending.remove(0))
        }
    }
}

enum Job {
    Check(PathBuf),
    Generate(Box<Analysis>),
    Save(PathBuf, Vec<Generated>),
}

/// A photo decoded for display: RGB preview plus the background tint, both
/// already downscaled on the worker.
struct Prepared {
    image: ColorImage,
    mask: ColorImage,
}

enum Done {
    Checked(PathBuf, Result<(Box<Analysis>, Prepared), String>),
    Generated(Result<(Vec<Generated>, Prepared), String>),
    Saved(Result<Vec<PathBuf>, String>),
}

/// Which overlays are drawn on the preview.
#[derive(Debug, Clone, Copy)]
pub struct Overlays {
    pub head_length: bool,
    pub head_width: bool,
    pub crown: bool,
    pub face_box: bool,
    pub mask: bool,
}

impl Default for Overlays {
    fn default() -> Self {
        Overlays {
            head_length: true,
            head_width: true,
            crown: true,
            face_box: true,
            mask: false,
        }
    }
}

struct Shown {
    name: String,
    analysis: Box<Analysis>,
    pending: Option<Prepared>,
    texture: Option<TextureHandle>,
    mask_texture: Option<TextureHandle>,
}

/// The photo-check panel.
pub struct PhotoCheckPanel {
    picker: Box<dyn FilePicker>,
    today: NaiveDate,
    jobs: Jobs<(Job, NaiveDate), Done>,
    busy: Option<&'static str>,
    shown: Option<Shown>,
    generated: Option<Vec<Generated>>,
    error: Option<String>,
    status: Option<String>,
    /// Overlay toggles.
    pub overlays: Overlays,
    selected: Option<&'static str>,
    manual: Vec<bool>,
    /// A file dialog is showing: a second click must not open another.
    dialog_open: bool,
}

impl PhotoCheckPanel {
    /// A panel using `picker` for dialogs; `today` decides the 6-month rule.
    pub fn new(picker: Box<dyn FilePicker>, today: NaiveDate) -> Self {
        // the models load on a background thread; the first check waits for
        // them on the worker, never on this (UI) thread
        photo::preload_models();
        PhotoCheckPanel {
            picker,
            today,
            jobs: Jobs::new("photo-check", 2, |(job, today)| run_job(job, today)),
            busy: None,
            shown: None,
            generated: None,
            error: None,
            status: None,
            overlays: Overlays::default(),
            selected: None,
            manual: vec![false; photo::MANUAL_CHECKLIST.len()],
            dialog_open: false,
        }
    }

    /// Native rfd dialogs and today in China Standard Time.
    pub fn with_native_dialogs() -> Self {
        Self::new(
            Box::new(RfdPicker::default()),
            crate::app::clock::today(&crate::app::clock::SystemClock),
        )
    }

    /// Moves "today" forward (a session can outlive midnight); applies to the next job.
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// True while a job runs on the worker.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    /// The report on screen, if any.
    pub fn report(&self) -> Option<&PhotoReport> {
        self.shown.as_ref().map(|s| &s.analysis.report)
    }

    /// The error on screen, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Starts checking a file (also used for dropped files).
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.generated = None;
        self.status = None;
        self.submit(ctx, Job::Check(path), "正在检测照片…");
    }

    fn submit(&mut self, ctx: &egui::Context, job: Job, what: &'static str) {
        if self.busy.is_some() {
            self.status = Some("上一项任务尚未完成，请稍候".into());
            return;
        }
        let ctx = ctx.clone();
        match self
            .jobs
            .submit((job, self.today), Box::new(move || ctx.request_repaint()))
        {
            Ok(()) => self.busy = Some(what),
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    fn poll(&mut self, ctx: &egui::Context) {
        while let Some(p) = self.picker.poll() {
            self.dialog_open = false;
            match p {
                Picked::Unavailable => self.status = Some(NO_DIALOG.to_owned()),
                Picked::Open(Some(path)) => self.open_path(ctx, path),
                Picked::Save(Some(path)) => {
                    if let Some(g) = self.generated.clone() {
                        self.submit(ctx, Job::Save(path, g), "正在保存…");
                    }
                }
                Picked::Open(None) | Picked::Save(None) => {}
            }
        }
        while let Some(done) = self.jobs.poll() {
            self.busy = None;
            match done {
                Done::Checked(path, Ok((analysis, prepared))) => {
                    self.error = None;
                    self.show(display_name(&path), analysis, prepared);
                }
                Done::Checked(path, Err(msg)) => {
                    self.shown = None;
                    self.error = Some(format!("{}：{}", display_name(&path), msg));
                }
                Done::Generated(Ok((generated, prepared))) => {
                    if let Some(first) = generated.first() {
                        let name = format!("合规照片 {}×{}", first.width, first.height);
                        self.show(name, Box::new(first.analysis.clone()), prepared);
                        let sizes: Vec<String> = generated
                            .iter()
                            .map(|g| {
                                format!(
                                    "{}×{} {}",
                                    g.width,
                                    g.height,
                                    g.analysis.report.verdict.label()
                                )
                            })
                            .collect();
                        self.status = Some(format!("已生成并复检：{}", sizes.join("，")));
                    }
                    self.generated = Some(generated);
                }
                Done::Generated(Err(msg)) => self.status = Some(msg),
                Done::Saved(Ok(paths)) => {
                    let names: Vec<String> = paths.iter().map(|p| display_name(p)).collect();
                    self.status = Some(format!("已保存：{}", names.join("，")));
                }
                Done::Saved(Err(msg)) => self.status = Some(format!("保存失败：{msg}")),
            }
        }
        if self.busy.is_some() {
            // the worker repaints when done; this only keeps the spinner alive
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn show(&mut self, name: String, analysis: Box<Analysis>, prepared: Prepared) {
        self.selected = None;
        self.manual = vec![false; photo::MANUAL_CHECKLIST.len()];
        self.shown = Some(Shown {
            name,
            analysis,
            pending: Some(prepared),
            texture: None,
            mask_texture: None,
        });
    }

    /// Draws the panel into `ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.open_path(&ctx, path);
        }
        // upload textures once, outside the per-frame drawing path
        if let Some(shown) = &mut self.shown
            && let Some(p) = shown.pending.take()
        {
            shown.texture =
                Some(ctx.load_texture("photo-check-preview", p.image, TextureOptions::LINEAR));
            shown.mask_texture =
                Some(ctx.load_texture("photo-check-mask", p.mask, TextureOptions::LINEAR));
        }

        self.toolbar(ui);
        ui.separator();
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            ui.label(RichText::new("松开鼠标即可检测这张照片").strong());
        }
        if let Some(err) = &self.error {
            ui.horizontal(|ui| {
                badge(ui, "无法检测", Color32::from_rgb(120, 120, 120));
                ui.colored_label(Color32::from_rgb(190, 40, 40), err);
            });
            ui.label("请确认文件是完整的 JPEG 或 PNG 照片，或请申请人重新提供照片。");
            return;
        }
        if self.shown.is_none() {
            ui.label("请点击“打开照片…”或将照片文件拖入窗口。支持 JPEG 和 PNG。");
            ui.label(format!(
                "规格：{}×{} 档案照片，或宽 ≥ {} 像素的 12123 上传照片；头部长度 {}–{} mm，宽度 {}–{} mm，白色背景。",
                SPEC.archive_px.0,
                SPEC.archive_px.1,
                SPEC.upload_min_width_px,
                SPEC.head_length_mm.0,
                SPEC.head_length_mm.1,
                SPEC.head_width_mm.0,
                SPEC.head_width_mm.1
            ));
            return;
        }
        ui.horizontal_top(|ui| {
            self.preview(ui);
            // The report takes exactly the width left: sized from its own
            // last frame it could overflow by a few pixels when the screen's
            // scroll bar appears, and the two bars then toggle for ever.
            let width = ui.available_width();
            ui.vertical(|ui| {
                ui.set_width(width);
                egui::ScrollArea::vertical()
                    .id_salt("photo-check-report")
                    .auto_shrink([false, true])
                    .show(ui, |ui| self.report_ui(ui));
            });
        });
    }

    fn toolbar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.busy.is_none(), egui::Button::new("打开照片…"))
                .clicked()
                && !self.dialog_open
            {
                self.dialog_open = true;
                self.picker.request_open();
            }
            let can_generate = self.busy.is_none()
                && self.generated.is_none()
                && self
                    .shown
                    .as_ref()
                    .is_some_and(|s| s.analysis.report.face_count == 1);
            if ui
                .add_enabled(can_generate, egui::Button::new("生成合规照片"))
                .on_hover_text("从留白充足的照片裁剪、缩放为 260×378 和 520×756，并重新检测。")
                .clicked()
                && let Some(s) = &self.shown
            {
                let job = Job::Generate(s.analysis.clone());
                self.submit(&ctx, job, "正在生成合规照片…");
            }
            if self.generated.is_some()
                && ui
                    .add_enabled(self.busy.is_none(), egui::Button::new("保存合规照片…"))
                    .clicked()
                && !self.dialog_open
            {
                self.dialog_open = true;
                self.picker.request_save("合规照片_260x378.jpg");
            }
            if let Some(what) = self.busy {
                ui.spinner();
                ui.label(what);
            }
        });
        if let Some(status) = &self.status {
            ui.label(status.as_str());
        }
    }

    fn preview(&mut self, ui: &mut egui::Ui) {
        // The title bar, status bar, toolbar and the lines under the photo.
        const PREVIEW_CHROME: f32 = 300.0;
        let Some(shown) = &self.shown else {
            return;
        };
        let report = &shown.analysis.report;
        let (iw, ih) = (report.width_px as f32, report.height_px as f32);
        // From the window's height, not the space left in the scroll area:
        // that shrinks when a scroll bar appears, the preview would shrink
        // with it, the bar would no longer be needed, and so on every frame.
        let window = ui.ctx().content_rect().height();
        let h = (window - PREVIEW_CHROME).clamp(200.0, MAX_PREVIEW_HEIGHT);
        let w = (h * iw / ih).min(ui.available_width() * 0.5);
        let h = w * ih / iw;
        ui.vertical(|ui| {
            ui.set_width(w.max(220.0));
            let (rect, _) = ui.allocate_exact_size(vec2(w, h), Sense::hover());
            let painter = ui.painter_at(rect);
            let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
            if let Some(t) = &shown.texture {
                painter.image(t.id(), rect, uv, Color32::WHITE);
            }
            if self.overlays.mask
                && let Some(t) = &shown.mask_texture
            {
                painter.image(t.id(), rect, uv, Color32::WHITE);
            }
            draw_overlays(&painter, rect, report, self.overlays, self.selected);
            ui.label(RichText::new(&shown.name).small());
            let (l0, l1) = SPEC.head_length_mm;
            let (w0, w1) = SPEC.head_width_mm;
            ui.checkbox(
                &mut self.overlays.head_length,
                format!("头部长度区间 {l0}–{l1} mm"),
            );
            ui.checkbox(
                &mut self.overlays.head_width,
                format!("头部宽度区间 {w0}–{w1} mm"),
            );
            ui.checkbox(&mut self.overlays.crown, "头顶留白区间");
            ui.checkbox(&mut self.overlays.face_box, "人脸框");
            ui.checkbox(&mut self.overlays.mask, "背景区域着色");
        });
    }

    fn report_ui(&mut self, ui: &mut egui::Ui) {
        let Some(shown) = &self.shown else {
            return;
        };
        let r = &shown.analysis.report;
        let all_ticked = self.manual.iter().all(|t| *t);
        ui.horizontal(|ui| {
            // A pass is not a pass until a person has done the manual checks.
            if r.verdict == PhotoVerdict::Fail || all_ticked {
                verdict_badge(ui, r.verdict);
            } else {
                badge(ui, "待人工核对", Color32::from_rgb(110, 110, 110));
            }
            ui.heading(format!(
                "{}（{}×{}）",
                r.spec.label(),
                r.width_px,
                r.height_px
            ));
        });
        let g = &r.geometry;
        if let (Some(l), Some(w)) = (g.head_length_mm, g.head_width_mm) {
            ui.label(format!(
                "头部长度 {l:.1} mm，头部宽度 {w:.1} mm，头顶留白 {:.2} mm，{:.2} 像素/毫米",
                g.crown_margin_mm.unwrap_or(0.0),
                g.px_per_mm
            ));
        }
        if let (Some(yaw), Some(pitch)) = (g.yaw_deg, g.pitch_deg) {
            ui.label(format!("头部姿态：左右 {yaw:+.0}°，上下 {pitch:+.0}°"));
        }
        ui.label(RichText::new("点击检查项可在照片上标出检测位置").small());
        ui.add_space(4.0);
        let mut clicked = None;
        for c in &r.checks {
            ui.horizontal(|ui| {
                verdict_badge(ui, c.verdict);
                let selected = self.selected == Some(c.id);
                if ui
                    .selectable_label(selected, format!("{}：{}", c.name, c.value))
                    .clicked()
                {
                    clicked = Some(c.id);
                }
            });
            ui.label(
                RichText::new(format!("    要求 {} — {}", c.limit, c.message))
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        }
        if let Some(id) = clicked {
            self.selected = if self.selected == Some(id) {
                None
            } else {
                Some(id)
            };
        }
        ui.separator();
        ui.label(RichText::new("人工核对（不自动判断，请逐项确认）").strong());
        for (item, ticked) in r.manual_checklist.iter().zip(self.manual.iter_mut()) {
            ui.checkbox(ticked, item.text);
        }
        let done = self.manual.iter().filter(|t| **t).count();
        ui.label(format!("已核对 {done}/{} 项", self.manual.len()));
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn verdict_colour(v: PhotoVerdict) -> Color32 {
    match v {
        PhotoVerdict::Pass => Color32::from_rgb(30, 130, 60),
        PhotoVerdict::Warn => Color32::from_rgb(190, 120, 0),
        PhotoVerdict::Fail => Color32::from_rgb(190, 30, 30),
    }
}

fn verdict_badge(ui: &mut egui::Ui, v: PhotoVerdict) {
    badge(ui, v.label(), verdict_colour(v));
}

fn badge(ui: &mut egui::Ui, text: &str, colour: Color32) {
    ui.label(
        RichText::new(format!(" {text} "))
            .color(Color32::WHITE)
            .background_color(colour)
            .strong(),
    );
}

/// Spec bands and measurements in image pixels, mapped onto the preview rect.
pub(crate) fn draw_overlays(
    painter: &egui::Painter,
    rect: Rect,
    r: &PhotoReport,
    o: Overlays,
    selected: Option<&'static str>,
) {
    let s = rect.width() / r.width_px.max(1) as f32;
    let at = |x: f32, y: f32| Pos2::new(rect.min.x + x * s, rect.min.y + y * s);
    let g = &r.geometry;
    let k = g.px_per_mm;
    let green = Color32::from_rgba_unmultiplied(0, 170, 80, 60);
    let line = Stroke::new(1.5, Color32::from_rgb(0, 120, 255));
    if o.crown {
        let (a, b) = SPEC.crown_margin_mm;
        painter.rect_filled(
            Rect::from_min_max(at(0.0, a * k), at(r.width_px as f32, b * k)),
            CornerRadius::ZERO,
            green,
        );
        if let Some(c) = g.crown_y {
            painter.hline(rect.x_range(), at(0.0, c).y, line);
        }
    }
    if o.head_length
        && let Some(c) = g.crown_y
    {
        // where the chin must lie for a 19–22 mm head
        let (a, b) = SPEC.head_length_mm;
        painter.rect_filled(
            Rect::from_min_max(at(0.0, c + a * k), at(r.width_px as f32, c + b * k)),
            CornerRadius::ZERO,
            green,
        );
        if let Some(chin) = g.chin_y {
            painter.hline(rect.x_range(), at(0.0, chin).y, line);
        }
        // the measured eye line at its tilt, as wide as the face box
        if let (Some((ex, ey)), Some(deg), Some(f)) = (g.eye_line, g.tilt_deg, g.face_box) {
            let (dx, dy) = (f.w / 2.0, f.w / 2.0 * deg.to_radians().tan());
            let tilt = Stroke::new(1.5, Color32::from_rgb(255, 140, 0));
            painter.line_segment([at(ex - dx, ey - dy), at(ex + dx, ey + dy)], tilt);
            // where the face points (pose): from the eye line's middle, half
            // a face width at the sine of yaw and pitch
            if let (Some(yaw), Some(pitch)) = (g.yaw_deg, g.pitch_deg) {
                let to = (
                    ex + f.w / 2.0 * yaw.to_radians().sin(),
                    ey + f.w / 2.0 * pitch.to_radians().sin(),
                );
                let pose = Stroke::new(2.0, Color32::from_rgb(200, 0, 200));
                painter.line_segment([at(ex, ey), at(to.0, to.1)], pose);
                painter.circle_filled(at(to.0, to.1), 3.0, pose.color);
            }
        }
    }
    if o.head_width
        && let (Some((y, l, rr)), Some(cx)) = (g.head_width_line, g.head_centre_x)
    {
        // where the head's sides must lie for a 14–16 mm head
        let (a, b) = SPEC.head_width_mm;
        let band = 0.06 * r.height_px as f32;
        for side in [-1.0f32, 1.0] {
            let x0 = cx + side * a * k / 2.0;
            let x1 = cx + side * b * k / 2.0;
            painter.rect_filled(
                Rect::from_two_pos(at(x0, y - band), at(x1, y + band)),
                CornerRadius::ZERO,
                green,
            );
        }
        painter.line_segment([at(l, y), at(rr, y)], line);
    }
    if o.face_box
        && let Some(f) = g.face_box
    {
        painter.rect_stroke(
            Rect::from_min_size(at(f.x, f.y), vec2(f.w * s, f.h * s)),
            CornerRadius::ZERO,
            Stroke::new(1.5, Color32::from_rgb(255, 200, 0)),
            StrokeKind::Inside,
        );
    }
    if let Some(region) = selected.and_then(|id| r.check(id)).and_then(|c| c.region) {
        let rr = Rect::from_min_size(at(region.x, region.y), vec2(region.w * s, region.h * s));
        painter.rect_stroke(
            rr.intersect(rect),
            CornerRadius::ZERO,
            Stroke::new(3.0, Color32::from_rgb(255, 60, 200)),
            StrokeKind::Inside,
        );
    }
}

fn run_job(job: Job, today: NaiveDate) -> Done {
    match job {
        Job::Check(path) => {
            let result = photo::check_file(&path, today)
                .map(|a| {
                    let prepared = prepare(&a);
                    (Box::new(a), prepared)
                })
                .map_err(|e| e.to_string());
            Done::Checked(path, result)
        }
        Job::Generate(source) => Done::Generated(
            photo::generate_compliant(&source, today)
                .map_err(|e| e.to_string())
                .and_then(|g| {
                    let prepared = g
                        .first()
                        .map(|first| prepare(&first.analysis))
                        .ok_or_else(|| "未生成照片".to_owned())?;
                    Ok((g, prepared))
                }),
        ),
        Job::Save(path, generated) => Done::Saved(save_generated(&path, &generated)),
    }
}

/// Saves the first photo at `path` and the others beside it with a size suffix.
fn save_generated(path: &Path, generated: &[Generated]) -> Result<Vec<PathBuf>, String> {
    let mut saved = Vec::new();
    for (i, g) in generated.iter().enumerate() {
        let target = if i == 0 {
            path.to_path_buf()
        } else {
            let stem = path
                .file_stem()
                .map_or_else(|| "照片".to_owned(), |s| s.to_string_lossy().into_owned());
            path.with_file_name(format!("{stem}_{}x{}.jpg", g.width, g.height))
        };
        std::fs::write(&target, &g.jpeg)
            .map_err(|e| crate::app::files::write_failed(&target, &e))?;
        saved.push(target);
    }
    Ok(saved)
}

/// Downscaled preview and background tint, built off the UI thread.
fn prepare(a: &Analysis) -> Prepared {
    let small = crate::app::photo_view::downscale(&a.decoded.rgb, MAX_TEXTURE_SIDE);
    let (sw, sh) = small.dimensions();
    let image = ColorImage::from_rgb([sw as usize, sh as usize], small.as_raw());
    let mut tint = Vec::with_capacity((sw * sh * 4) as usize);
    for y in 0..sh {
        for x in 0..sw {
            // the mask may be at analysis resolution, not full size
            let mx = (u64::from(x) * u64::from(a.mask.width) / u64::from(sw)) as u32;
            let my = (u64::from(y) * u64::from(a.mask.height) / u64::from(sh)) as u32;
            if a.mask.is_bg(mx, my) {
                tint.extend_from_slice(&[40, 120, 255, 90]);
            } else {
                tint.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    let mask = ColorImage::from_rgba_unmultiplied([sw as usize, sh as usize], &tint);
    Prepared { image, mask }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_picker_answers_in_order() {
        let mut p = ScriptedPicker::new(Some(PathBuf::from("a.jpg")), None);
        assert_eq!(p.poll(), None);
        p.request_open();
        p.request_save("x.jpg");
        assert_eq!(p.poll(), Some(Picked::Open(Some(PathBuf::from("a.jpg")))));
        assert_eq!(p.poll(), Some(Picked::Save(None)));
    }
}
