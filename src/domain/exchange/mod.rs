//! Data exchange (数据交换): the batch line format applications arrive in,
//! the export manifest, and every limit of both in one table. Pure: reading
//! files, hashing them and signing happen in `app::exchange`.

pub mod batch;
pub mod batch_photo;
pub mod fields;
pub mod manifest;
pub mod problems;

/// The exchange's numbers, in one place.
pub mod limits {
    /// Problems kept and shown for a rejected batch (the count covers all).
    pub const MAX_PROBLEMS: usize = 100;
    /// The batch format this version reads (`batch_version`; absent = 1).
    pub const BATCH_VERSION: u32 = 1;
    /// Largest photo accepted (the blob table enforces the same).
    pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
    /// Longest batch line: the largest legal photo payload (8 MiB in base64)
    /// plus 64 KiB for the fields. A line embedding two photos must fit too.
    pub const MAX_LINE_BYTES: usize = MAX_PHOTO_BYTES.div_ceil(3) * 4 + 64 * 1024;
    /// Applications one batch may carry: 100 000 fit with room to spare, and
    /// what is held per line stays well inside the import's memory budget.
    pub const MAX_BATCH_LINES: u64 = 120_000;
    /// Largest batch file (a FAT32 stick holds at most 4 GiB per file).
    pub const MAX_BATCH_BYTES: u64 = 4 * 1024 * 1024 * 1024;
    /// Rows inserted between two cancel/progress checks.
    pub const IMPORT_CHUNK: usize = 2_000;
    /// Longest application number, name and mobile accepted.
    pub const MAX_APP_NO: usize = 32;
    /// A person's name.
    pub const MAX_NAME_CHARS: usize = 50;
    /// A company's or an authority's name (发证机关).
    pub const MAX_ORG_NAME_CHARS: usize = 100;
    pub const MAX_MOBILE_CHARS: usize = 20;
    /// A licence number (an identity number, or an older archive-style one).
    pub const MAX_LICENCE_NO_CHARS: usize = 32;
    pub const MAX_CLASSES_CHARS: usize = 16;
    pub const MAX_STATUS_LETTERS: usize = 8;
    /// Date windows: submissions from 2000 (to tomorrow), licences from 1950
    /// (to today), a licence's term at most 11 years (or 长期).
    pub const SUBMITTED_FROM_YEAR: i32 = 2000;
    pub const LICENCE_FROM_YEAR: i32 = 1950;
    pub const MAX_LICENCE_YEARS: u32 = 11;
    /// Days of decisions the dashboard charts.
    pub const CHART_DAYS: u32 = 14;
    /// Overdue applications the dashboard lists.
    pub const OVERDUE_LIST: u32 = 6;
    /// Default and allowed range of the "export soon" warning, in days.
    pub const EXPORT_WARN_DAYS: u32 = 3;
    pub const EXPORT_WARN_RANGE: std::ops::RangeInclusive<u32> = 1..=30;
}
