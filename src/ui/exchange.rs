//! 数据交换: import an application batch (native dialog, progress, cancel,
//! the problems by line), export what has not left the PC yet. The work runs
//! on the worker; this screen only shows the shared [`Progress`].

pub mod dashboard;

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui::{self, RichText};

use crate::ui::kit::file_picker::FileKind;

use crate::ui::kit::file_picker::FilePicker;

use crate::app::exchange;
use crate::app::exchange::ExportSummary;
use crate::app::exchange::ImportRejection;
use crate::app::exchange::Phase;
use crate::app::exchange::Progress;
use crate::app::exchange::Resp;
use crate::app::exchange::keys;
use crate::app::runtime::error::AppError;
use crate::app::runtime::worker::Request;
use crate::app::runtime::worker::Response;
use crate::ui::kit::file_picker::Picked;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::outbox::Outbox;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;

const NO_DIALOG: &str = "无法打开文件选择窗口：本机没有可用的文件对话框（Linux 需安装 xdg-desktop-portal-gtk 或 zenity）。可把批次文件拖到本窗口，或用命令行 counterdesk import / export。";

/// Which dialog the picker is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Batch,
    Folder,
}

/// An import on the worker.
pub struct Running {
    pub file_name: String,
    pub progress: Arc<Progress>,
    /// When it started, by the app's clock (for the time still to go).
    pub started: Option<chrono::DateTime<chrono::Utc>>,
}

pub struct Exchange {
    picker: Box<dyn FilePicker>,
    asked: Option<Asked>,
    pub running: Option<Running>,
    exporting: bool,
    pub message: Option<Message>,
    pub rejection: Option<ImportRejection>,
    pub exported: Option<ExportSummary>,
    pub public_key: Option<String>,
    focus_import: bool,
}

impl Exchange {
    pub fn new(env: &ScreenEnv) -> Self {
        Exchange {
            picker: (env.picker)(),
            asked: None,
            running: None,
            exporting: false,
            message: None,
            rejection: None,
            exported: None,
            public_key: None,
            focus_import: true,
        }
    }

    /// The screen as it looks while an import runs (screenshots, demos).
    pub fn with_running_import(env: &ScreenEnv, file_name: &str, progress: Arc<Progress>) -> Self {
        let mut s = Self::new(env);
        s.running = Some(Running {
            file_name: file_name.to_owned(),
            progress,
            started: None,
        });
        s
    }

    fn poll_picker(&mut self, out: &mut Outbox) {
        while let Some(p) = self.picker.poll() {
            let asked = self.asked.take();
            match (p, asked) {
                (Picked::Unavailable, _) => self.message = Some(Message::error(NO_DIALOG)),
                (Picked::Open(Some(path)), Some(Asked::Batch)) => self.start_import(path, out),
                (Picked::Save(Some(dir)), Some(Asked::Folder)) => self.start_export(dir, out),
                _ => {}
            }
        }
    }

    fn start_import(&mut self, path: PathBuf, out: &mut Outbox) {
        let progress = Progress::new();
        self.rejection = None;
        self.message = None;
        self.running = Some(Running {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            progress: progress.clone(),
            started: None,
        });
        out.send(Request::Exchange(exchange::Req::Import { path, progress }));
    }

    fn start_export(&mut self, dir: PathBuf, out: &mut Outbox) {
        self.exporting = true;
        self.message = Some(Message::info("正在导出…"));
        out.send(Request::Exchange(exchange::Req::Export { out: dir }));
    }

    fn busy(&self) -> bool {
        self.running.is_some() || self.exporting || self.asked.is_some()
    }

    fn import_card(&mut self, ui: &mut egui::Ui) {
        widgets::card(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.label(RichText::new("导入申请批次").strong());
            ui.label(
                RichText::new(
                    "12123 申请批次文件：每件申请一行，照片放在文件里或批次文件旁。\
                     全部核对无误才导入，任何一行有问题则整批不导入；已导入过的受理号自动跳过。",
                )
                .color(theme::MUTED),
            );
            technical(
                ui,
                "import_tech",
                "文件格式为 JSON Lines（每行一个 JSON 对象）；照片以 Base64 嵌入行内，或以照片的 SHA-256 校验值命名放在批次文件旁。",
            );
            ui.add_space(6.0);
            let b = widgets::primary_button(ui, "导入批次…", !self.busy());
            if std::mem::take(&mut self.focus_import) {
                b.request_focus();
            }
            if b.clicked() {
                self.asked = Some(Asked::Batch);
                self.picker.request_open_kind(FileKind::Batch);
            }
            if let Some(r) = &self.rejection {
                ui.add_space(8.0);
                problem_list(ui, r);
            }
        });
    }

    fn export_card(&mut self, ui: &mut egui::Ui) {
        widgets::card(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.label(RichText::new("导出数据").strong());
            ui.label(
                RichText::new(
                    "导出尚未导出的审核决定、面签记录、审计记录和待发通知，并附一份由本机签名的清单，\
                     写明每个文件的条数和校验值，可证明导出后未被改动。全部写入磁盘后才记为已导出；中途失败，下次会重新导出。",
                )
                .color(theme::MUTED),
            );
            technical(
                ui,
                "export_tech",
                "文件格式为 JSON Lines；校验值为 SHA-256；清单用 Ed25519 签名，并记录审计链锚点（CDANCHOR1 seq=… hash=…）。\
                 命令行 counterdesk verify-export 可核对导出目录。",
            );
            ui.add_space(6.0);
            if widgets::primary_button(ui, "导出到…", !self.busy()).clicked() {
                self.asked = Some(Asked::Folder);
                self.picker.request_folder();
            }
            if let Some(e) = &self.exported {
                ui.add_space(6.0);
                ui.label(format!("导出目录：{}", e.folder.display()));
                ui.label(format!(
                    "审核决定 {} 条 · 面签记录 {} 条 · 审计记录 {} 条 · 通知 {} 条",
                    e.decisions, e.registrations, e.audit, e.notices
                ));
                if let Some(a) = &e.anchor {
                    egui::CollapsingHeader::new("技术详情：审计链锚点")
                        .id_salt("export_anchor")
                        .show(ui, |ui| {
                            ui.label(RichText::new(a).monospace().small().color(theme::MUTED));
                        });
                }
            }
            if let Some(k) = &self.public_key {
                ui.add_space(6.0);
                ui.label(
                    RichText::new(format!("本机签名公钥指纹：{}", keys::fingerprint(k)))
                        .color(theme::MUTED),
                );
            }
        });
    }

    /// The modal while an import runs; Esc or 取消 asks the worker to stop.
    fn progress_dialog(&mut self, ui: &mut egui::Ui, now: chrono::DateTime<chrono::Utc>) {
        let Some(run) = &mut self.running else { return };
        let started = *run.started.get_or_insert(now);
        let ctx = ui.ctx().clone();
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
        let p = run.progress.clone();
        let name = run.file_name.clone();
        egui::Modal::new(egui::Id::unique("import_progress")).show(&ctx, |ui| {
            ui.set_width(440.0);
            ui.heading("正在导入申请批次");
            ui.label(RichText::new(&name).color(theme::MUTED));
            ui.add_space(8.0);
            let (done, total) = p.counts();
            let what = match p.phase() {
                Phase::Reading => format!(
                    "第 1 步（共 2 步）核对每一行：已读 {:.1} / {:.1} MB",
                    done as f64 / 1e6,
                    total as f64 / 1e6
                ),
                Phase::Photos => format!("第 1 步（共 2 步）核对照片：{done} / {total} 张"),
                Phase::Writing => format!("第 2 步（共 2 步）写入数据库：{done} / {total} 件"),
                Phase::Done => "完成".to_owned(),
            };
            ui.label(&what);
            ui.add(egui::ProgressBar::new(p.fraction()).show_percentage());
            let elapsed = (now - started).to_std().unwrap_or_default();
            ui.label(
                RichText::new(match p.remaining(elapsed) {
                    Some(left) if left.as_secs() < 60 => {
                        format!("预计还需约 {} 秒。", left.as_secs().max(1))
                    }
                    Some(left) => format!("预计还需约 {} 分钟。", left.as_secs().div_ceil(60)),
                    None => "正在估算剩余时间…".to_owned(),
                })
                .color(theme::MUTED),
            );
            ui.add_space(8.0);
            if p.cancelled() {
                ui.label(RichText::new("正在取消…数据库不会有任何修改。").color(theme::WARN));
            } else {
                let cancel = ui.button("取消 (Esc)").clicked()
                    || ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
                if cancel {
                    p.cancel();
                }
            }
        });
    }
}

/// What IT needs and a clerk does not, folded away.
fn technical(ui: &mut egui::Ui, id: &str, text: &str) {
    egui::CollapsingHeader::new("技术详情")
        .id_salt(id)
        .show(ui, |ui| {
            ui.label(RichText::new(text).small().color(theme::MUTED));
        });
}

/// "批次 X 未导入：N 处问题" and the problems by line.
fn problem_list(ui: &mut egui::Ui, r: &ImportRejection) {
    ui.label(
        RichText::new(format!(
            "× 批次 {} 未导入：{} 处问题（共 {} 行）。申请数据未作任何修改，本次尝试已记入审计日志。请退回发送方修正后重新导入。",
            r.file_name, r.problems.total, r.lines
        ))
        .color(theme::ERROR),
    );
    egui::ScrollArea::vertical()
        .id_salt("import_problems")
        .max_height(320.0)
        .show(ui, |ui| {
            ui.set_max_width(ui.available_width());
            for p in &r.problems.shown {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("第 {} 行", p.line)).strong());
                    ui.label(&p.message);
                });
            }
            let rest = r.problems.total - r.problems.shown.len() as u64;
            if rest > 0 {
                ui.label(RichText::new(format!("……另有 {rest} 处问题未列出")).color(theme::MUTED));
            }
        });
}

impl Screen for Exchange {
    fn on_open(&mut self, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.focus_import = true;
        if self.public_key.is_none() {
            out.send(Request::Exchange(exchange::Req::PublicKey));
        }
    }

    fn tick(&mut self, _cx: &ScreenCx<'_>, out: &mut Outbox) {
        self.poll_picker(out);
    }

    fn on_reply(&mut self, reply: Response, _out: &mut Outbox) {
        let Response::Exchange(r) = reply else { return };
        match r {
            Resp::Imported(s) => {
                self.running = None;
                self.message = Some(Message::success(format!(
                    "批次 {} 已导入：新增 {} 件申请，已存在跳过 {} 件，新照片 {} 张。",
                    s.file_name, s.imported, s.skipped, s.photos
                )));
            }
            Resp::ImportRejected(r) => {
                self.running = None;
                self.message = None;
                self.rejection = Some(r);
            }
            Resp::ImportCancelled => {
                self.running = None;
                self.message = Some(Message::info("导入已取消，数据库未作任何修改。"));
            }
            Resp::Exported(e) => {
                self.exporting = false;
                let mut text = format!("已导出并签名，共 {} 条审核决定。", e.decisions);
                for p in &e.removed_partials {
                    text.push_str(&format!("已删除上次中断留下的临时文件夹 {}。", p.display()));
                }
                if !e.settled.is_empty() {
                    text.push_str(&format!(
                        "上次中断的导出 {} 个已补齐（原导出编号）。",
                        e.settled.len()
                    ));
                }
                self.message = Some(Message::success(text));
                self.public_key = Some(e.public_key.clone());
                self.exported = Some(e);
            }
            Resp::PublicKey { hex, .. } => self.public_key = Some(hex),
        }
    }

    fn on_failed(&mut self, err: AppError, _out: &mut Outbox) {
        self.running = None;
        self.exporting = false;
        self.message = Some(Message::error(err.to_string()));
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox) {
        let dropped = ui.ctx().input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped
            && !self.busy()
        {
            self.start_import(path, out);
        }
        ui.heading(ScreenId::Exchange.title());
        ui.add_space(6.0);
        if let Some(m) = &self.message {
            widgets::message(ui, m);
            ui.add_space(6.0);
        }
        egui::ScrollArea::vertical()
            .id_salt("exchange_scroll")
            .show(ui, |ui| {
                self.import_card(ui);
                ui.add_space(12.0);
                self.export_card(ui);
            });
        self.progress_dialog(ui, cx.now);
    }

    fn is_busy(&self) -> bool {
        self.running.is_some() || self.exporting
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
