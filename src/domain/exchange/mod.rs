//! Data exchange (数据交换): the batch line format applications arrive in,
//! the export manifest, and every limit of both in one table. Pure: reading
//! files, hashing them and signing happen in `app::exchange`.

pub mod batch;
pub mod manifest;

/// The exchange's numbers, in one place.
pub mod limits {
    /// Problems kept and shown for a rejected batch (the count covers all).
    pub const MAX_PROBLEMS: usize = 100;
    /// Longest batch line: an 8 MiB photo in base64 plus the fields.
    pub const MAX_LINE_BYTES: usize = 12 * 1024 * 1024;
    /// Rows inserted between two cancel/progress checks.
    pub const IMPORT_CHUNK: usize = 2_000;
    /// Longest application number, name and mobile accepted.
    pub const MAX_APP_NO: usize = 32;
    pub const MAX_NAME_CHARS: usize = 50;
    pub const MAX_MOBILE_CHARS: usize = 20;
    /// Days of decisions the dashboard charts.
    pub const CHART_DAYS: u32 = 14;
    /// Overdue applications the dashboard lists.
    pub const OVERDUE_LIST: u32 = 6;
    /// Default and allowed range of the "export soon" warning, in days.
    pub const EXPORT_WARN_DAYS: u32 = 3;
    pub const EXPORT_WARN_RANGE: std::ops::RangeInclusive<u32> = 1..=30;
}
