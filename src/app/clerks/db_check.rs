//! 系统设置 → 检查数据库完整性: the full integrity check that start-up skips
//! for large files (the same check as `counterdesk check-db`). It opens its
//! own read-only connection, so it runs on a job thread and never holds up
//! the writer; it takes seconds on a large file, so never on the UI thread.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::app::runtime::error::AppError;
use crate::store::full_check;

/// Checks the database file at `path`; how long the check took.
pub fn run(path: &Path) -> Result<Duration, AppError> {
    let started = Instant::now();
    full_check(path)?;
    Ok(started.elapsed())
}
