//! File dialogs, behind [`FilePicker`] so tests can script them: native
//! dialogs ([`RfdPicker`], on their own thread, never blocking the frame) or
//! a [`ScriptedPicker`]. Requests never block; answers arrive through `poll`.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

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

/// Makes a file-dialog picker for each panel that opens dialogs.
pub type PickerFactory = std::sync::Arc<dyn Fn() -> Box<dyn FilePicker> + Send + Sync>;

/// Native file dialogs, behind a trait so tests can inject a file.
/// Requests never block; answers arrive through `poll`.
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
