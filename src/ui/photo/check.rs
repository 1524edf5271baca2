//! 照片检测 panel: open or drop a photo, see it at its true aspect ratio with
//! the spec drawn over it, and the measured report beside it. A reusable
//! widget: it owns no window and assumes nothing about its surroundings.
//!
//! Decoding, checking, generating and saving run on one worker thread; the UI
//! polls a bounded channel each frame and the worker asks for a repaint when
//! a job ends.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use eframe::egui::{
    self, Color32, ColorImage, Rect, RichText, Sense, TextureHandle, TextureOptions, Vec2, pos2,
    vec2,
};

use crate::ui::kit::file_picker::FilePicker;

use crate::ui::kit::file_picker::NO_DIALOG;

use crate::ui::kit::file_picker::Picked;

use crate::app::runtime::jobs::Jobs;
use crate::photo::{self, Analysis, Generated, PhotoReport, PhotoVerdict, SPEC};
use crate::ui::kit::file_picker::RfdPicker;
use crate::ui::photo::overlays::Overlays;
use crate::ui::photo::overlays::draw_overlays;

/// Textures are downscaled to at most this side before upload.
const MAX_TEXTURE_SIDE: u32 = 2048;
/// Preview box height limit in points.
const MAX_PREVIEW_HEIGHT: f32 = 520.0;
/// Room the panel needs to show preview and report side by side, for embedding screens.
pub const MIN_SIZE: Vec2 = Vec2::new(720.0, 480.0);

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
            crate::app::runtime::clock::today(&crate::app::runtime::clock::SystemClock),
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
            .map_err(|e| crate::app::runtime::files::write_failed(&target, &e))?;
        saved.push(target);
    }
    Ok(saved)
}

/// Downscaled preview and background tint, built off the UI thread.
fn prepare(a: &Analysis) -> Prepared {
    let small = crate::app::photo::view::downscale(&a.decoded.rgb, MAX_TEXTURE_SIDE);
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
