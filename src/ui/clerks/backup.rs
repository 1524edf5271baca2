//! Backups in the window, always on a background job with its own
//! connections (a large database takes seconds to copy and check):
//! [`AutoBackup`] runs the daily backup while anyone is signed in, and
//! [`BackupNow`] is 系统设置's 立即备份 button.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use eframe::egui::{self, RichText};

use crate::app::clerks::backup;
use crate::app::clerks::backup::By;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::jobs::Jobs;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;

/// How often the window asks whether the daily backup is due.
const CHECK_EVERY: Duration = Duration::minutes(10);

type Done = Result<Option<PathBuf>, String>;

pub struct AutoBackup {
    jobs: Jobs<(PathBuf, DateTime<Utc>), Done>,
    checked_at: Option<DateTime<Utc>>,
}

impl Default for AutoBackup {
    fn default() -> Self {
        AutoBackup {
            jobs: Jobs::new("daily-backup", 1, |(db, now): (PathBuf, DateTime<Utc>)| {
                backup::daily_if_due(&db, now).map_err(|e| e.to_string())
            }),
            checked_at: None,
        }
    }
}

impl AutoBackup {
    /// Called every frame while a clerk is signed in; cheap unless due.
    pub fn tick(&mut self, db: Option<&std::path::Path>, daily: bool, now: DateTime<Utc>) {
        match self.jobs.poll() {
            Some(Ok(Some(_))) => tracing::info!("daily backup made"),
            Some(Err(e)) => tracing::warn!(error = %e, "daily backup failed"),
            _ => {}
        }
        // The office server is backed up on the server, not by each counter.
        let Some(db) = db else { return };
        let due = self.checked_at.is_none_or(|t| now - t >= CHECK_EVERY);
        if !daily || !due || self.jobs.pending() > 0 {
            return;
        }
        self.checked_at = Some(now);
        if let Err(e) = self.jobs.submit((db.to_path_buf(), now), Box::new(|| {})) {
            tracing::warn!(error = %e, "daily backup not started");
        }
    }
}

type NowJob = (PathBuf, PathBuf, u32, SessionClerk, DateTime<Utc>);

/// 系统设置 → 立即备份.
pub struct BackupNow {
    jobs: Jobs<NowJob, Done>,
    pub result: Option<Message>,
}

impl Default for BackupNow {
    fn default() -> Self {
        BackupNow {
            jobs: Jobs::new("backup-now", 1, |(db, dir, keep, clerk, now): NowJob| {
                backup::backup_to_folder(&db, &dir, keep, By::Clerk(&clerk), now)
                    .map(Some)
                    .map_err(|e| e.to_string())
            }),
            result: None,
        }
    }
}

impl BackupNow {
    pub fn is_running(&self) -> bool {
        self.jobs.pending() > 0
    }

    /// The button (for the folder and count saved in the settings), its
    /// progress and its result.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        db: &std::path::Path,
        saved: &crate::domain::clerks::settings::Settings,
        clerk: &SessionClerk,
        now: DateTime<Utc>,
    ) {
        if let Some(done) = self.jobs.poll() {
            self.result = Some(match done {
                Ok(Some(p)) => Message::success(format!(
                    "已备份到 {}（完整性检查通过）。恢复方法见 README“备份与恢复”。",
                    p.display()
                )),
                Ok(None) => Message::info("没有需要备份的内容。"),
                Err(e) => Message::error(e),
            });
        }
        ui.horizontal(|ui| {
            let running = self.is_running();
            let ready = !saved.backup_dir.is_empty() && !running;
            if ui
                .add_enabled(ready, egui::Button::new("立即备份"))
                .clicked()
            {
                self.result = None;
                let ctx = ui.ctx().clone();
                let job = (
                    db.to_path_buf(),
                    PathBuf::from(&saved.backup_dir),
                    saved.backup_keep,
                    clerk.clone(),
                    now,
                );
                if let Err(e) = self
                    .jobs
                    .submit(job, Box::new(move || ctx.request_repaint()))
                {
                    self.result = Some(Message::error(e.to_string()));
                }
            }
            if running {
                ui.spinner();
                ui.label(RichText::new("正在备份并检查副本…").color(theme::MUTED));
            } else if saved.backup_dir.is_empty() {
                ui.label(
                    RichText::new("先填写备份文件夹并保存设置。")
                        .small()
                        .color(theme::MUTED),
                );
            }
        });
        if let Some(m) = &self.result {
            widgets::message(ui, m);
        }
    }
}
