//! One registration, opened: its facts with the document number masked
//! until 显示完整号码 (audited), the originals sighted, the scans, and what
//! may be done with it — print or save the 受理回执, change the mobile
//! number (audited), countersign a company registration (supervisors other
//! than the registering clerk). Shared by 面签记录 and the two forms (after a
//! submit, or when the number is already registered).
//!
//! Here: the panel's state, its replies, the receipt (rendered, printed or
//! saved on the panel's job runner) and the layout; the sections it draws
//! are in `registration_record/sections.rs`.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, RichText, TextureOptions};

mod sections;

use crate::ui::kit::file_picker::FileKind;

use crate::ui::kit::file_picker::FilePicker;

use crate::ui::kit::file_picker::NO_DIALOG;

use crate::app::registration::ReceiptFile;
use crate::app::registration::RegistrationView;
use crate::app::registration::Req;
use crate::app::registration::Resp;
use crate::app::registration::RevealedNumbers;
use crate::app::registration::attachments;
use crate::app::registration::receipt::ReceiptData;
use crate::app::runtime::error::AppError;
use crate::app::runtime::files;
use crate::app::runtime::jobs::Jobs;
use crate::app::runtime::worker::Request;
use crate::domain::registration::RegistrationStatus;
use crate::ui::kit::file_picker::Picked;
use crate::ui::kit::theme;
use crate::ui::kit::viewer::DocViewer;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::review::facts as review_facts;
use crate::ui::shell::outbox::Outbox;

/// What to do with the receipt once the worker has made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReceiptUse {
    Print,
    Save,
}

enum Job {
    Thumbs(u64, Vec<Option<Vec<u8>>>),
    /// The receipt the worker issued, to render as PDF.
    Render(Box<ReceiptData>),
    Print(ReceiptFile),
    Save(std::path::PathBuf, ReceiptFile),
}

enum Done {
    Thumbs(u64, Vec<Option<egui::ColorImage>>),
    Rendered(Result<ReceiptFile, String>),
    Printed(Result<(), String>),
    Saved(Result<String, String>),
}

pub struct RecordPanel {
    pub view: Option<RegistrationView>,
    pub revealed: Option<RevealedNumbers>,
    /// The new mobile number while it is being edited.
    pub mobile_edit: Option<String>,
    focus_mobile: bool,
    pub mobile_error: Option<String>,
    pub message: Option<Message>,
    receipt: Option<ReceiptFile>,
    receipt_use: Option<ReceiptUse>,
    /// A request of this panel is on its way.
    pub waiting: bool,
    picker: Box<dyn FilePicker>,
    jobs: Jobs<Job, Done>,
    thumbs_gen: u64,
    thumbs: Vec<Option<egui::TextureHandle>>,
    pending_thumbs: Option<Vec<Option<egui::ColorImage>>>,
    /// The document viewer over the record's scans, while open.
    pub viewer: Option<DocViewer>,
}

impl RecordPanel {
    pub fn new(picker: Box<dyn FilePicker>) -> Self {
        RecordPanel {
            view: None,
            revealed: None,
            mobile_edit: None,
            focus_mobile: false,
            mobile_error: None,
            message: None,
            receipt: None,
            receipt_use: None,
            waiting: false,
            picker,
            jobs: Jobs::new("record-panel", 4, |job: Job| match job {
                Job::Thumbs(g, pngs) => Done::Thumbs(
                    g,
                    pngs.into_iter()
                        .map(|p| {
                            let (w, h, rgba) = attachments::thumbnail_rgba(&p?)?;
                            Some(egui::ColorImage::from_rgba_unmultiplied(
                                [w as usize, h as usize],
                                &rgba,
                            ))
                        })
                        .collect(),
                ),
                Job::Render(d) => Done::Rendered(d.render_file().map_err(|e| e.to_string())),
                Job::Print(r) => Done::Printed(
                    files::open_in_viewer(&r.file_name, &r.pdf)
                        .map(drop)
                        .map_err(|e| match e.kind() {
                            std::io::ErrorKind::NotFound => {
                                "无法打开回执：本机没有可打开 PDF 的程序。可改用“保存回执…”后打印。"
                                    .to_owned()
                            }
                            std::io::ErrorKind::StorageFull => {
                                format!("{}。", files::write_failed(&files::print_dir(), &e))
                            }
                            _ => format!("无法打开回执：{e}。可改用“保存回执…”后打印。"),
                        }),
                ),
                Job::Save(path, r) => Done::Saved(
                    files::write_atomically(&path, &r.pdf)
                        .map(|()| {
                            path.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        })
                        .map_err(|e| format!("回执保存失败：{}。", files::write_failed(&path, &e))),
                ),
            }),
            thumbs_gen: 0,
            thumbs: Vec::new(),
            pending_thumbs: None,
            viewer: None,
        }
    }

    /// Shows `view` (a new record, or the same one refreshed).
    pub fn set(&mut self, view: RegistrationView) {
        let same = self.view.as_ref().is_some_and(|v| v.id == view.id);
        if !same {
            self.revealed = None;
            self.mobile_edit = None;
            self.mobile_error = None;
            self.receipt = None;
            self.message = None;
        }
        self.thumbs_gen += 1;
        self.thumbs.clear();
        if self.view.as_ref().is_none_or(|old| old.id != view.id) {
            self.viewer = None;
        }
        let pngs: Vec<Option<Vec<u8>>> = view
            .attachments
            .iter()
            .map(|a| a.thumbnail_png.clone())
            .collect();
        if pngs.iter().any(Option::is_some) {
            let _ = self
                .jobs
                .submit(Job::Thumbs(self.thumbs_gen, pngs), Box::new(|| {}));
        }
        self.view = Some(view);
    }

    pub fn clear(&mut self) {
        self.view = None;
        self.revealed = None;
        self.mobile_edit = None;
        self.receipt = None;
        self.message = None;
        self.thumbs.clear();
        self.waiting = false;
        self.viewer = None;
    }

    /// Opens the viewer at scan `at` of the record shown.
    pub fn open_viewer(&mut self, at: usize) {
        if let Some(v) = &self.view
            && !v.attachments.is_empty()
        {
            self.viewer = Some(review_facts::scans_viewer(
                v,
                review_facts::registration(v, None),
                at,
            ));
        }
    }

    /// Gives the open viewer every key first; true when it took them.
    pub fn viewer_keys(&mut self, input: &mut egui::InputState) -> bool {
        let Some(v) = &mut self.viewer else {
            return false;
        };
        if v.shortcuts(input) {
            self.viewer = None;
        }
        true
    }

    /// Starts editing the mobile number with `proposed` filled in.
    pub fn edit_mobile(&mut self, proposed: &str) {
        self.mobile_edit = Some(proposed.to_owned());
        self.focus_mobile = true;
    }

    pub fn is_busy(&self) -> bool {
        self.waiting || self.jobs.pending() > 0 || self.viewer.as_ref().is_some_and(|v| v.is_busy())
    }

    /// A reply for this panel; false if it was not one.
    pub fn on_reply(&mut self, resp: &Resp) -> bool {
        match resp {
            Resp::Opened(v) => {
                self.waiting = false;
                self.set((**v).clone());
            }
            Resp::Revealed(r) => {
                self.waiting = false;
                self.revealed = Some(r.clone());
            }
            Resp::MobileUpdated(v) => {
                self.waiting = false;
                self.mobile_edit = None;
                self.mobile_error = None;
                self.set((**v).clone());
                self.message = Some(Message::success(format!(
                    "手机号码已改为 {}（已记入审计日志）。",
                    v.masked_mobile
                )));
            }
            Resp::Countersigned(v) => {
                self.waiting = false;
                self.set((**v).clone());
                self.message = Some(Message::success("已复核通过，该单位注册已生效。"));
            }
            Resp::Receipt(data) => {
                // Still waiting: the PDF is rendered on the panel's job runner.
                if let Err(e) = self.jobs.submit(Job::Render(data.clone()), Box::new(|| {})) {
                    self.waiting = false;
                    self.receipt_use = None;
                    self.message = Some(Message::error(e.to_string()));
                }
            }
            Resp::Scan { sha256, bytes } => {
                if let Some(v) = &mut self.viewer {
                    v.on_scan(sha256, bytes.clone());
                }
            }
            Resp::Invalid(errors) if self.mobile_edit.is_some() => {
                self.waiting = false;
                self.mobile_error = Some(errors.summary());
            }
            _ => return false,
        }
        true
    }

    pub fn on_failed(&mut self, err: &AppError) {
        if let Some(v) = &mut self.viewer
            && v.is_busy()
            && !self.waiting
        {
            v.on_failed(&err.to_string());
            return;
        }
        self.waiting = false;
        self.receipt_use = None;
        self.message = Some(Message::error(err.to_string()));
    }

    fn use_receipt(&mut self) {
        let (Some(r), Some(u)) = (self.receipt.clone(), self.receipt_use) else {
            return;
        };
        match u {
            ReceiptUse::Print => {
                self.receipt_use = None;
                self.submit_job(Job::Print(r));
            }
            ReceiptUse::Save => self
                .picker
                .request_save_kind(FileKind::Receipt, &r.file_name),
        }
    }

    fn submit_job(&mut self, job: Job) {
        if let Err(e) = self.jobs.submit(job, Box::new(|| {})) {
            self.message = Some(Message::error(e.to_string()));
        }
    }

    fn receipt(&mut self, u: ReceiptUse, out: &mut Outbox) {
        self.receipt_use = Some(u);
        if self.receipt.is_some() {
            self.use_receipt();
        } else if let Some(v) = &self.view {
            self.waiting = true;
            out.send(Request::Registration(Req::Receipt { id: v.id }));
        }
    }

    /// Print the receipt (Ctrl+P on the screens that show this panel).
    pub fn print(&mut self, out: &mut Outbox) {
        self.receipt(ReceiptUse::Print, out);
    }

    fn poll(&mut self, ctx: &egui::Context) {
        while let Some(p) = self.picker.poll() {
            match p {
                Picked::Save(Some(path)) => {
                    self.receipt_use = None;
                    if let Some(r) = self.receipt.clone() {
                        self.submit_job(Job::Save(path, r));
                    }
                }
                Picked::Unavailable => {
                    self.receipt_use = None;
                    self.message = Some(Message::error(
                        NO_DIALOG.split('。').next().unwrap_or(NO_DIALOG).to_owned()
                            + "。可改用“打印回执”。",
                    ));
                }
                _ => self.receipt_use = None,
            }
        }
        while let Some(done) = self.jobs.poll() {
            match done {
                Done::Thumbs(g, imgs) if g == self.thumbs_gen => self.pending_thumbs = Some(imgs),
                Done::Thumbs(..) => {}
                Done::Rendered(Ok(r)) => {
                    self.waiting = false;
                    self.receipt = Some(r);
                    self.use_receipt();
                }
                Done::Rendered(Err(m)) => {
                    self.waiting = false;
                    self.receipt_use = None;
                    self.message = Some(Message::error(m));
                }
                Done::Printed(Ok(())) => {
                    self.message =
                        Some(Message::success("回执已在系统查看器中打开，请从那里打印。"))
                }
                Done::Saved(Ok(name)) => {
                    self.message = Some(Message::success(format!("回执已保存：{name}")))
                }
                Done::Printed(Err(m)) | Done::Saved(Err(m)) => {
                    self.message = Some(Message::error(m))
                }
            }
        }
        if let Some(imgs) = self.pending_thumbs.take() {
            self.thumbs = imgs
                .into_iter()
                .map(|i| i.map(|i| ctx.load_texture("record-thumb", i, TextureOptions::LINEAR)))
                .collect();
        }
        if self.jobs.pending() > 0 {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, today: NaiveDate, out: &mut Outbox) {
        self.poll(ui.ctx());
        let Some(v) = self.view.clone() else {
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(&v.number);
            status_badge(ui, v.status);
            ui.label(RichText::new(v.kind.label()).weak());
        });
        // What may be done with it comes first, so it is never below the fold.
        self.actions(ui, &v, out);
        if let Some(m) = &self.message {
            widgets::message(ui, m);
        }
        ui.add_space(4.0);
        // While the mobile is being changed, that is what the clerk looks at.
        self.mobile_editor(ui, &v, today, out);
        egui::Grid::new(("record", v.id))
            .num_columns(2)
            .spacing([16.0, 6.0])
            .striped(true)
            .show(ui, |ui| self.facts(ui, &v, out));
        ui.add_space(6.0);
        ui.label(RichText::new("已核验原件").strong());
        for o in &v.originals {
            ui.label(format!("✓ {o}"));
        }
        ui.add_space(6.0);
        self.attachments(ui, &v);
        if let Some(vw) = &mut self.viewer
            && vw.show(ui.ctx(), out)
        {
            self.viewer = None;
        }
    }
}

pub fn status_badge(ui: &mut egui::Ui, status: RegistrationStatus) {
    let color = match status {
        RegistrationStatus::PendingCountersign => theme::WARN,
        s if s.is_effective() => theme::OK,
        _ => theme::MUTED,
    };
    egui::Frame::new()
        .fill(color)
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(status.label()).color(Color32::WHITE).strong());
        });
}
