//! The scans of one registration form: a row per slot (身份证明正面, 委托书, …)
//! with 添加… through the native dialog, or a file dropped on the window.
//! Files are read, checked and hashed on a background job
//! ([`attachments::prepare`]); the UI only uploads the finished thumbnail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use eframe::egui::{self, Color32, RichText, TextureOptions};

use crate::ui::kit::file_picker::FileKind;

use crate::ui::kit::file_picker::FilePicker;

use crate::ui::kit::file_picker::NO_DIALOG;

use crate::app::registration::attachments;
use crate::app::registration::attachments::PreparedScan;
use crate::app::registration::attachments::fmt_size;
use crate::app::runtime::jobs::Jobs;
use crate::domain::registration::scan::MAX_SCAN_BYTES;
use crate::domain::registration::{RegistrationKind, ScanSlot};
use crate::ui::kit::file_picker::Picked;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;

/// Thumbnails are drawn at most this tall, in points.
const THUMB_HEIGHT: f32 = 56.0;

type Job = (u64, ScanSlot, PathBuf);
type Done = (
    u64,
    ScanSlot,
    Result<(PreparedScan, Option<egui::ColorImage>), String>,
);

enum SlotState {
    Preparing {
        job: u64,
        path: PathBuf,
    },
    Ready {
        scan: PreparedScan,
        path: PathBuf,
        pending: Option<egui::ColorImage>,
        texture: Option<egui::TextureHandle>,
    },
    Failed(String),
}

pub struct ScanSlots {
    kind: RegistrationKind,
    slots: BTreeMap<ScanSlot, SlotState>,
    jobs: Jobs<Job, Done>,
    picker: Box<dyn FilePicker>,
    /// The slot whose 添加… dialog is open.
    picking: Option<ScanSlot>,
    next_job: u64,
    message: Option<String>,
    /// Where each row was drawn last frame, to drop a file onto it.
    rects: Vec<(ScanSlot, egui::Rect)>,
    /// The open dialog was asked for from the keyboard (its button focused).
    pick_had_focus: bool,
    /// The slot whose button takes the focus back once its file is in.
    refocus: Option<ScanSlot>,
}

impl ScanSlots {
    pub fn new(kind: RegistrationKind, picker: Box<dyn FilePicker>) -> Self {
        ScanSlots {
            kind,
            slots: BTreeMap::new(),
            jobs: Jobs::new("scan-prepare", 8, |(job, slot, path): Job| {
                let done = attachments::prepare(path)
                    .map_err(|e| e.to_string())
                    .map(|scan| {
                        let thumb = scan
                            .thumbnail_png()
                            .and_then(attachments::thumbnail_rgba)
                            .map(|(w, h, rgba)| {
                                egui::ColorImage::from_rgba_unmultiplied(
                                    [w as usize, h as usize],
                                    &rgba,
                                )
                            });
                        (scan, thumb)
                    });
                (job, slot, done)
            }),
            picker,
            picking: None,
            next_job: 0,
            message: None,
            rects: Vec::new(),
            pick_had_focus: false,
            refocus: None,
        }
    }

    /// The scans ready to submit, in slot order.
    pub fn ready(&self) -> Vec<(ScanSlot, PreparedScan)> {
        self.slots
            .iter()
            .filter_map(|(slot, s)| match s {
                SlotState::Ready { scan, .. } => Some((*slot, scan.clone())),
                _ => None,
            })
            .collect()
    }

    /// Files still being read or checked (submit waits for them).
    pub fn is_busy(&self) -> bool {
        self.slots
            .values()
            .any(|s| matches!(s, SlotState::Preparing { .. }))
    }

    /// A slot shows an error the clerk has not dealt with.
    pub fn has_failed(&self) -> bool {
        self.slots
            .values()
            .any(|s| matches!(s, SlotState::Failed(_)))
    }

    /// Picked files, for the draft (the bytes are read again on restore).
    pub fn paths(&self) -> Vec<(ScanSlot, PathBuf)> {
        self.slots
            .iter()
            .filter_map(|(slot, s)| match s {
                SlotState::Ready { path, .. } => Some((*slot, path.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.message = None;
        self.picking = None;
    }

    /// Reads `path` into `slot` on the background job.
    pub fn add(&mut self, slot: ScanSlot, path: PathBuf, ctx: Option<&egui::Context>) {
        if !ScanSlot::slots_for(self.kind).contains(&slot) {
            return;
        }
        self.next_job += 1;
        let job = self.next_job;
        let wake: Box<dyn FnOnce() + Send> = match ctx {
            Some(c) => {
                let c = c.clone();
                Box::new(move || c.request_repaint())
            }
            None => Box::new(|| {}),
        };
        match self.jobs.submit((job, slot, path.clone()), wake) {
            Ok(()) => {
                self.slots.insert(slot, SlotState::Preparing { job, path });
                self.message = None;
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    /// Collects finished jobs and dialog answers; call once per frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Some(p) = self.picker.poll() {
            let slot = self.picking.take();
            if std::mem::take(&mut self.pick_had_focus) {
                self.refocus = slot;
            }
            match (p, slot) {
                (Picked::Unavailable, _) => {
                    self.message = Some(NO_DIALOG.replace("照片", "扫描件"))
                }
                (Picked::Open(Some(path)), Some(slot)) => self.add(slot, path, Some(ctx)),
                _ => {}
            }
        }
        while let Some((job, slot, done)) = self.jobs.poll() {
            // A result for a file the clerk has since replaced or removed is dropped.
            let path = match self.slots.get(&slot) {
                Some(SlotState::Preparing { job: j, path }) if *j == job => path.clone(),
                _ => continue,
            };
            let state = match done {
                Ok((scan, thumb)) => SlotState::Ready {
                    scan,
                    path,
                    pending: thumb,
                    texture: None,
                },
                Err(msg) => SlotState::Failed(msg),
            };
            self.slots.insert(slot, state);
        }
        if self.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.take_dropped(ctx);
    }

    /// A file dropped on the window goes to the row under the pointer, or the
    /// first empty row.
    fn take_dropped(&mut self, ctx: &egui::Context) {
        let (dropped, pos): (Vec<PathBuf>, Option<egui::Pos2>) = ctx.input(|i| {
            (
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect(),
                i.pointer.hover_pos(),
            )
        });
        for path in dropped {
            let under = pos.and_then(|p| {
                self.rects
                    .iter()
                    .find(|(_, r)| r.contains(p))
                    .map(|(s, _)| *s)
            });
            let target = under.or_else(|| {
                ScanSlot::slots_for(self.kind).iter().copied().find(|s| {
                    !matches!(
                        self.slots.get(s),
                        Some(SlotState::Ready { .. } | SlotState::Preparing { .. })
                    )
                })
            });
            match target {
                Some(slot) => self.add(slot, path, Some(ctx)),
                None => {
                    self.message =
                        Some("扫描件各项都已添加：请先移除要替换的一项，再拖入新文件。".into())
                }
            }
        }
    }

    /// Draws one row per slot. `enabled`: false while the form is submitting.
    pub fn ui(&mut self, ui: &mut egui::Ui, enabled: bool) {
        let ctx = ui.ctx().clone();
        for s in self.slots.values_mut() {
            if let SlotState::Ready {
                pending, texture, ..
            } = s
                && let Some(img) = pending.take()
            {
                *texture = Some(ctx.load_texture("scan-thumb", img, TextureOptions::LINEAR));
            }
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            ui.label(RichText::new("松开鼠标即可添加扫描件（放到哪一行就添加为哪一项）").strong());
        }
        self.rects.clear();
        for &slot in ScanSlot::slots_for(self.kind) {
            let r = ui
                .add_enabled_ui(enabled, |ui| self.row(ui, slot))
                .response
                .rect;
            self.rects.push((slot, r));
        }
        ui.weak(format!(
            "可选。支持 JPEG、PNG、TIFF、PDF，每份不超过 {}；可点“添加…”或把文件拖到对应行。相同文件只保存一份。",
            fmt_size(MAX_SCAN_BYTES)
        ));
        if let Some(m) = &self.message {
            widgets::field_error(ui, m);
        }
    }

    /// The slot's 添加 / 更换 / 重新选择 button. Opened from the keyboard, the
    /// dialog gives the focus back to this slot's button once the file is in
    /// (its label, and so its id, has changed meanwhile).
    fn pick_button(&mut self, ui: &mut egui::Ui, slot: ScanSlot, label: &str) -> bool {
        let r = ui.button(label);
        if self.refocus == Some(slot)
            && !matches!(self.slots.get(&slot), Some(SlotState::Preparing { .. }))
        {
            self.refocus = None;
            r.request_focus();
        }
        if r.clicked() {
            self.pick_had_focus = r.has_focus();
        }
        r.clicked()
    }

    fn row(&mut self, ui: &mut egui::Ui, slot: ScanSlot) {
        ui.vertical(|ui| self.row_line(ui, slot));
    }

    fn row_line(&mut self, ui: &mut egui::Ui, slot: ScanSlot) {
        ui.horizontal(|ui| {
            ui.add_sized([200.0, 20.0], egui::Label::new(slot.label()).truncate());
            let mut remove = false;
            let mut pick = false;
            match self.slots.get(&slot) {
                None => {
                    ui.weak("未添加");
                    pick = self.pick_button(ui, slot, &format!("添加{}…", short(slot)));
                }
                Some(SlotState::Preparing { path, .. }) => {
                    ui.spinner();
                    ui.label(format!("正在读取和检查 {}…", display_name(path)));
                }
                Some(SlotState::Ready { scan, texture, .. }) => {
                    if let Some(t) = texture {
                        let size = t.size_vec2();
                        let scale = (THUMB_HEIGHT / size.y).min(1.0);
                        ui.image((t.id(), size * scale));
                    } else {
                        ui.label(
                            RichText::new("PDF")
                                .color(Color32::WHITE)
                                .background_color(theme::ACCENT),
                        );
                    }
                    ui.label(describe(scan));
                    pick = self.pick_button(ui, slot, "更换…");
                    remove = ui.button(format!("移除{}", short(slot))).clicked();
                }
                Some(SlotState::Failed(_)) => {
                    ui.label(RichText::new("未能添加").color(theme::ERROR));
                    pick = self.pick_button(ui, slot, "重新选择…");
                    remove = ui.button("清除").clicked();
                }
            }
            if remove {
                self.slots.remove(&slot);
            }
            if pick {
                self.picking = Some(slot);
                self.picker.request_open_kind(FileKind::Scan);
            }
        });
        // The reason on its own line, wrapped, under the row it belongs to.
        if let Some(SlotState::Failed(msg)) = self.slots.get(&slot) {
            ui.add(egui::Label::new(RichText::new(msg).color(theme::ERROR)).wrap());
        }
    }
}

/// `身份证明正面` → `正面` is too short to be clear; keep the whole label for
/// the accessible button name only where it differs.
fn short(slot: ScanSlot) -> &'static str {
    match slot {
        ScanSlot::IdFront => "（正面）",
        ScanSlot::IdBack => "（背面）",
        ScanSlot::BusinessLicence => "（营业执照）",
        ScanSlot::Authorization => "（委托书）",
        ScanSlot::AgentIdFront => "（代理人正面）",
        ScanSlot::AgentIdBack => "（代理人背面）",
    }
}

fn describe(scan: &PreparedScan) -> String {
    let detail = match (scan.dimensions(), scan.pages()) {
        (Some((w, h)), _) => format!("{w}×{h}"),
        (None, Some(p)) => format!("{p} 页"),
        _ => String::new(),
    };
    format!(
        "{} · {} · {} {}",
        scan.file_name(),
        scan.format().label(),
        fmt_size(scan.size()),
        detail
    )
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "扫描件".to_owned())
}
