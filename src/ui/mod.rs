//! egui screens. Screens read view state and send requests; they never run SQL
//! or decode images.

pub mod fonts;
pub mod photo_check;

/// Opens the workstation window. (Foundation work in progress.)
pub fn run_window(_db: Option<std::path::PathBuf>, _demo: bool) -> anyhow::Result<()> {
    anyhow::bail!("窗口尚未实现")
}
