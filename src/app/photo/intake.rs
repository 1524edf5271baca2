//! What the intake photo check records for a stored photo (verdict, failing
//! checks, a one-line summary for the queue). Shared by the real import
//! (`exchange::photos`) and the demo data.

use crate::photo::{PhotoReport, PhotoVerdict};

/// What the intake photo check recorded for one stored photo.
#[derive(Debug, Clone, Default)]
pub struct PhotoIntake {
    pub verdict: String,
    pub failed: Vec<String>,
    pub summary: String,
}

impl PhotoIntake {
    /// Verdict, failing check ids and a one-line summary of a report.
    pub fn from_report(report: &PhotoReport) -> PhotoIntake {
        let failed: Vec<String> = report
            .checks
            .iter()
            .filter(|c| c.verdict == PhotoVerdict::Fail)
            .map(|c| c.id.to_owned())
            .collect();
        let notable: Vec<String> = report
            .checks
            .iter()
            .filter(|c| c.verdict != PhotoVerdict::Pass)
            .map(|c| format!("{}{}（{}）", c.name, c.verdict.label(), c.value))
            .collect();
        PhotoIntake {
            verdict: report.verdict.as_str().to_owned(),
            failed,
            summary: if notable.is_empty() {
                "自动检测全部合格".to_owned()
            } else {
                notable.join("；")
            },
        }
    }
}
