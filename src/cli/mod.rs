//! Headless subcommands. `main.rs` parses arguments; these functions do the work
//! and return the process exit code (0 all valid, 1 some invalid, 2 usage error).

pub mod audit;
pub mod check_db;
pub mod db;
pub mod docs;
pub mod exchange;
pub mod office;
pub mod office_migrate;
pub mod photo;
pub mod queue;
pub mod recovery;
pub mod registrations;

/// The `错误：` line of a failed command: its Chinese sentence, with a full
/// disk said first when otherwise only the OS words (the 详情 line) say it.
pub fn error_sentence(err: &anyhow::Error) -> String {
    let text = err.to_string();
    let full = err.chain().any(crate::app::runtime::files::is_disk_full);
    if full && !text.contains("磁盘空间不足") {
        format!("磁盘空间不足。{text}")
    } else {
        text
    }
}
