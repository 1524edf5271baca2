//! Queue family: applications (records, pages, counts), claims with leases,
//! and application photos. Contract: `claim_next` is safe with many writers.

use super::error::StoreResult;
use crate::domain::review::ClaimState;
use crate::domain::review::eligibility::IssuedELicence;
use crate::domain::review::queue::{cst_date, cst_day_start};
use crate::domain::review::{AppKind, PageCursor, PhotoSource, QueueCounts, Scope, Status};
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// Largest page a caller may ask for.
pub const MAX_PAGE: u32 = 500;

/// An application as submitted (by the 12123 app, or at the counter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    pub app_no: String,
    pub kind: AppKind,
    pub doc_no: String,
    pub name: String,
    pub mobile: String,
    pub licence_no: String,
    pub classes: String,
    pub licence_status: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub authority: String,
    pub photo_blob: Option<i64>,
    pub photo_source: Option<PhotoSource>,
    pub last_photo_change: Option<NaiveDate>,
    pub previous_photo_blob: Option<i64>,
    pub issued: Option<IssuedELicence>,
    /// Intake photo check: `pass` / `warn` / `fail`.
    pub photo_verdict: Option<String>,
    /// Ids of the failing checks.
    pub photo_failed: Vec<String>,
    /// One line per check, kept with the decision as "what was seen".
    pub photo_summary: String,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// `due_at`'s date in China Standard Time (the counts are per day).
    pub due_day: NaiveDate,
    /// The clerk who entered it at the counter; `None` when submitted online.
    pub created_by: Option<i64>,
}

impl NewApplication {
    /// Who and when only: no applicant, licence or photo yet (callers fill
    /// in what their kind carries with struct-update syntax).
    pub fn bare(
        app_no: String,
        kind: AppKind,
        submitted_at: DateTime<Utc>,
        due_at: DateTime<Utc>,
        due_day: NaiveDate,
        created_by: Option<i64>,
    ) -> Self {
        NewApplication {
            app_no,
            kind,
            doc_no: String::new(),
            name: String::new(),
            mobile: String::new(),
            licence_no: String::new(),
            classes: String::new(),
            licence_status: String::new(),
            valid_from: None,
            valid_until: None,
            authority: String::new(),
            photo_blob: None,
            photo_source: None,
            last_photo_change: None,
            previous_photo_blob: None,
            issued: None,
            photo_verdict: None,
            photo_failed: Vec::new(),
            photo_summary: String::new(),
            submitted_at,
            due_at,
            due_day,
            created_by,
        }
    }
}

/// An application as stored, with its claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: i64,
    pub status: Status,
    pub data: NewApplication,
    pub claimed_by: Option<i64>,
    pub claimed_by_name: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub claim_seq: i64,
}

/// What a search box input was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchKey {
    AppNo(String),
    DocNo(String),
    NamePrefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    pub scope: Scope,
    pub kind: Option<AppKind>,
    /// When set, searches every state (scope ignored; kind still applies).
    pub search: Option<SearchKey>,
    pub after: Option<PageCursor>,
    pub offset: u32,
    pub limit: u32,
}

/// The instants the queue's filters depend on, computed once per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueClock {
    pub now: DateTime<Utc>,
    /// Today in China Standard Time, and its start/end in UTC.
    pub today: NaiveDate,
    pub today_start: DateTime<Utc>,
    pub tomorrow_start: DateTime<Utc>,
    /// The asking clerk (for [`Scope::Mine`]).
    pub clerk: i64,
}

impl QueueClock {
    /// The clock for a request made at `now` by `clerk`.
    pub fn at(now: DateTime<Utc>, clerk: i64) -> Self {
        let today = cst_date(now);
        let tomorrow = today.succ_opt().unwrap_or(today);
        QueueClock {
            now,
            today,
            today_start: cst_day_start(today),
            tomorrow_start: cst_day_start(tomorrow),
            clerk,
        }
    }
}

/// One row of a queue page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    pub app_no: String,
    pub kind: AppKind,
    pub status: Status,
    pub name: String,
    pub doc_no: String,
    pub licence_status: String,
    pub photo_verdict: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub claimed_by: Option<i64>,
    pub claimed_by_name: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
}

/// A claim held: which application, the ticket, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub seq: i64,
    pub until: DateTime<Utc>,
}

/// A lease asked for: judged at `now` (a lease that ran out by then counts
/// as free), held until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub now: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Lease {
    pub fn new(now: DateTime<Utc>, until: DateTime<Utc>) -> Self {
        Lease { now, until }
    }
}

/// An application's claim as the rules need it, plus who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimInfo {
    pub state: ClaimState,
    pub holder_name: Option<String>,
    pub created_by: Option<i64>,
}

/// Largest blob accepted (the schema enforces it too).
pub const MAX_BLOB_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub id: i64,
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `applications` + `queue_counts`: the review queue's records, its pages,
/// searches and per-filter counts. Every query here is answered from an index
/// (see tests/it/queue_store.rs, which checks the plans).
///
/// Hot row: `queue_counts` (per kind, state and due day) changes with every
/// insert, claim and decision. SQLite keeps it by trigger inside the
/// writer's transaction; a server keeps per-workstation delta rows and sums
/// them on read, so counters never queue on one row.
pub trait Applications {
    /// Inserts one application (statements are cached: bulk loads call this
    /// in a loop inside one transaction).
    fn insert_application(&self, a: &NewApplication) -> StoreResult<i64>;

    fn application(&self, id: i64) -> StoreResult<Option<ApplicationRecord>>;

    /// Just the number (受理号) of an application, e.g. to name an audit target.
    fn app_no_of(&self, id: i64) -> StoreResult<Option<String>>;

    /// Ties an application (单位注册复核) to the company registration it reviews.
    fn link_registration(&self, application_id: i64, registration_id: i64) -> StoreResult<()>;

    /// The review item of a company registration (unique partial index).
    fn application_for_registration(&self, registration_id: i64) -> StoreResult<Option<i64>>;

    /// The company registration an application reviews, if any.
    fn registration_for_application(&self, application_id: i64) -> StoreResult<Option<i64>>;

    /// One page of the queue, sorted by due time (or by name for a name search).
    fn queue_page(&self, q: &PageQuery, clock: &QueueClock) -> StoreResult<Vec<QueueRow>>;

    /// Per-filter counts: kind × status × due day from `queue_counts` (kept by
    /// triggers, a few hundred rows), leases from the partial claims index.
    fn queue_counts(&self, clock: &QueueClock) -> StoreResult<QueueCounts>;

    /// The largest application id (0 when there is none).
    fn max_application_id(&self) -> StoreResult<i64>;

    /// `EXPLAIN QUERY PLAN` of every queue statement (each scope with and
    /// without a kind, each search, the counts and claim-next), as
    /// `(statement name, plan lines)`. Tests check that none scans the table.
    fn explain_queue(&self, clock: &QueueClock) -> StoreResult<Vec<(String, Vec<String>)>>;
}

/// Claims on applications: a lease of [`LEASE`](crate::domain::review::LEASE)
/// that its holder renews. Each claim bumps `claim_seq`, the ticket a renewal,
/// release or decision must present, so a claim taken over after expiry makes
/// the old holder's ticket stale.
pub trait Claims {
    /// Claims the free application due soonest (skipping the clerk's own
    /// entries: four-eyes), or `None` when nothing is free.
    ///
    /// Concurrency: safe with many writers. Twenty reviewers pressing F2 at
    /// once get twenty different applications: a backend either serialises
    /// writers (SQLite's write lock) or locks the row it takes and skips rows
    /// others hold (`FOR UPDATE SKIP LOCKED`). Expiry is judged on `now`,
    /// the clock of record.
    fn claim_next(
        &self,
        clerk: i64,
        lease: Lease,
        kind: Option<AppKind>,
    ) -> StoreResult<Option<Claim>>;

    /// Claims one application if it is pending and free (or its lease ran
    /// out). `None` when someone else holds it or it is decided.
    fn claim(&self, id: i64, clerk: i64, lease: Lease) -> StoreResult<Option<Claim>>;

    /// Extends the lease of `holder` (clerk, claim ticket). `false` when the
    /// ticket is no longer the current claim (taken over, released or decided).
    fn renew_claim(&self, id: i64, holder: (i64, i64), until: DateTime<Utc>) -> StoreResult<bool>;

    /// Gives a claim back: the holder's own (with `holder` and `seq`), or any
    /// claim when both are `None` (a supervisor's release, audited by the caller).
    /// Returns whether a claim was released.
    fn release_claim(&self, id: i64, holder: Option<(i64, i64)>) -> StoreResult<bool>;

    /// Gives back every running claim of `clerk` (at lock and logout), read
    /// from the small lease index. Returns the application ids released.
    fn release_claims_of(&self, clerk: i64, now: DateTime<Utc>) -> StoreResult<Vec<i64>>;

    fn claim_info(&self, id: i64) -> StoreResult<Option<ClaimInfo>>;
}

/// `blobs`: photos and scans stored once by SHA-256, so a million applications
/// sharing a few photos stay a small file.
pub trait Photos {
    /// Stores `bytes` unless an identical blob exists; returns its id either way.
    fn put_blob(&self, bytes: &[u8], mime: &str, now: DateTime<Utc>) -> StoreResult<i64>;

    fn blob(&self, id: i64) -> StoreResult<Option<Blob>>;
}
