//! 系统设置 → 检查数据库完整性 (administrators): the full integrity check that
//! start-up skips for large files, run on its own background thread
//! (`app::db_check`, with its own read-only connection), so the window stays
//! live and the writer is never held up. Same check as `counterdesk check-db`.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use crate::app::clerks::db_check;
use crate::app::runtime::jobs::Jobs;
use crate::ui::kit::theme;
use crate::ui::kit::widgets;
use crate::ui::kit::widgets::Message;

type Done = Result<f64, String>;

pub struct DbCheck {
    jobs: Jobs<PathBuf, Done>,
    pub result: Option<Message>,
}

impl Default for DbCheck {
    fn default() -> Self {
        DbCheck {
            jobs: Jobs::new("db-check", 1, |path: PathBuf| {
                db_check::run(&path)
                    .map(|took| took.as_secs_f64())
                    .map_err(|e| e.to_string())
            }),
            result: None,
        }
    }
}

impl DbCheck {
    pub fn is_running(&self) -> bool {
        self.jobs.pending() > 0
    }

    pub fn show(&mut self, ui: &mut egui::Ui, db: &std::path::Path) {
        if let Some(done) = self.jobs.poll() {
            tracing::info!(ok = done.is_ok(), "full database check from settings");
            self.result = Some(match done {
                Ok(secs) => {
                    Message::success(format!("数据库完整性检查通过（用时 {secs:.1} 秒）。"))
                }
                Err(e) => Message::error(e),
            });
        }
        ui.horizontal(|ui| {
            let running = self.is_running();
            if ui
                .add_enabled(!running, egui::Button::new("检查数据库完整性"))
                .clicked()
            {
                self.result = None;
                let ctx = ui.ctx().clone();
                if let Err(e) = self
                    .jobs
                    .submit(db.to_path_buf(), Box::new(move || ctx.request_repaint()))
                {
                    self.result = Some(Message::error(e.to_string()));
                }
            }
            if running {
                ui.spinner();
                ui.label(
                    RichText::new("正在逐页检查，大数据库需要数秒至数十秒…").color(theme::MUTED),
                );
            } else if self.result.is_none() {
                ui.label(
                    RichText::new("启动时只检查 8 MB 以下的数据库；较大的请定期在此检查。")
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
