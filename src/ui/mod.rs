//! egui screens. Screens read view state and send requests to the worker;
//! they never run SQL or decode images.

pub mod clerks;
pub mod documents;
pub mod exchange;
pub mod gate;
pub mod kit;
pub mod photo;
pub mod registration;
pub mod review;
pub mod shell;

use std::sync::Arc;

use anyhow::Context;

use crate::app::runtime::clock::SystemClock;
use crate::app::runtime::paths;
use crate::app::runtime::paths::DbChoice;
use crate::app::runtime::worker::DbTarget;
use crate::store::postgres::{Connector, Prompt, Target};
pub use shell::app::{AppConfig, CounterDeskApp};

/// Fonts and theme on a context: the app constructor calls this, and so do
/// the tests of embeddable panels, so they render as they do in the workstation.
pub fn setup_context(ctx: &eframe::egui::Context) {
    kit::fonts::install(ctx);
    kit::theme::apply(ctx);
}

/// Opens the workstation window on the default database, `--db PATH`, the
/// office server (`--db postgres://…`), or a throwaway demo database.
pub fn run_window(
    db: Option<DbChoice>,
    demo: bool,
    startup_notice: Option<String>,
) -> anyhow::Result<()> {
    let target = if demo {
        DbTarget::Demo(paths::demo_db_path())
    } else if let Some(DbChoice::Office(t)) = db {
        DbTarget::Office(office_connector(*t)?)
    } else {
        let path = match db.and_then(|c| c.file().cloned()) {
            Some(p) => p,
            None => {
                let p = paths::default_db_path()?;
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
                }
                p
            }
        };
        DbTarget::File(path)
    };
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("车管所面签工作台 CounterDesk")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([1024.0, 600.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let config = AppConfig {
        target,
        clock: Arc::new(SystemClock),
        picker: shell::app::native_picker(),
        live_clock: true,
        startup_notice,
        probe_every: crate::app::runtime::server_probe::PROBE_EVERY,
    };
    eframe::run_native(
        "counterdesk",
        options,
        Box::new(move |cc| Ok(Box::new(CounterDeskApp::new(cc, config)))),
    )
    .map_err(|e| anyhow::anyhow!("无法打开窗口：{e}"))
}

/// The office server's connector. Started from a terminal, a password the
/// passfile lacks is asked there before the window opens (and kept for
/// reconnects); from a desktop shortcut the passfile must have it, and the
/// window says so if it does not.
fn office_connector(target: Target) -> anyhow::Result<Arc<Connector>> {
    use std::io::IsTerminal;
    let connector = Arc::new(Connector::new(target, Prompt::Terminal)?);
    if std::io::stdin().is_terminal() {
        // Only to ask for the password now; the worker reports any failure.
        if let Err(e) = connector.connect() {
            tracing::info!(
                title = e.title(),
                "office server not reached before the window"
            );
        }
    }
    Ok(connector)
}
