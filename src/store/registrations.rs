//! Registrations family: 面签 records with their daily numbers, and the
//! scans attached to them.

use super::error::StoreResult;
use crate::domain::registration::{RegistrationKind, RegistrationStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who a registration is for, as checked at the counter: the person's (or
/// company's) document, name and mobile, why a person came, and a
/// company's agent. Codes are the stored ones (`IdDocType::code`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicant {
    /// person: document type code; company: `credit_code` or `org_code`
    pub doc_type: String,
    /// The duplicate key: a person's document number or a company's code.
    pub doc_number: String,
    /// A company's 9-character organisation code (also inside its credit code).
    pub org_code: Option<String>,
    pub name: String,
    pub mobile: String,
    pub reason: Option<String>,
    pub reason_text: Option<String>,
    pub agent_name: Option<String>,
    pub agent_doc_type: Option<String>,
    pub agent_doc_number: Option<String>,
}

/// A registration as the app hands it in (already validated).
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub reg_no: String,
    pub kind: RegistrationKind,
    pub applicant: Applicant,
    /// JSON of the credit-code breakdown (companies).
    pub breakdown: Option<String>,
    pub sighted: Vec<String>,
    pub office: String,
    pub clerk_id: i64,
    pub idempotency_key: String,
}

/// One stored row, with the registering and countersigning clerks' names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub id: i64,
    pub reg_no: String,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
    pub applicant: Applicant,
    pub breakdown: Option<String>,
    pub sighted: Vec<String>,
    pub office: String,
    pub clerk_id: i64,
    pub clerk_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub countersigned_by: Option<i64>,
    pub countersigner_name: Option<String>,
    pub countersigned_at: Option<DateTime<Utc>>,
}

/// A list row: only what the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationSummary {
    pub id: i64,
    pub reg_no: String,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
    pub doc_type: String,
    pub doc_number: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// How a search reads the table; each arm has its own index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationQuery {
    /// Newest first.
    Recent,
    RegNo(String),
    /// Exact document number or company code.
    Number(String),
    /// Names (people and companies) starting with this text.
    NamePrefix(String),
    PendingCountersign,
}

/// A scan attached to a registration, as handed in and as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub registration_id: i64,
    pub slot: String,
    pub sha256: String,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub pages: Option<u32>,
    pub thumbnail: Option<Vec<u8>>,
}

/// A stored attachment, without its (large) content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: i64,
    pub data: NewAttachment,
}

/// `registrations` + `registration_counters`: one row per 面签注册, numbered
/// per day; the document number (or company code) is the duplicate key.
pub trait Registrations {
    /// Takes the next number of `day` (`YYYYMMDD`); inside the caller's write
    /// transaction, so two connections never get the same one.
    ///
    /// Concurrency: `registration_counters` is a hot row (one per day). The
    /// number must be unique and gap-free per day, so it stays one row taken
    /// with a row lock (`UPDATE … RETURNING` on a server), held until the
    /// registration commits; registrations are a few a minute per hall.
    fn next_registration_seq(&self, day: &str) -> StoreResult<u32>;

    fn insert_registration(&self, n: &NewRegistration, now: DateTime<Utc>) -> StoreResult<i64>;

    /// Just the registration number (MQ-…), e.g. to name an audit target.
    fn reg_no_of(&self, id: i64) -> StoreResult<Option<String>>;

    fn registration(&self, id: i64) -> StoreResult<Option<RegistrationRecord>>;

    fn registration_by_no(&self, reg_no: &str) -> StoreResult<Option<RegistrationRecord>>;

    /// The record a retried submit already created.
    fn registration_by_key(&self, key: &str) -> StoreResult<Option<RegistrationRecord>>;

    /// (id, reg_no) of the registration holding this document number or code,
    /// or — for companies — the same organisation code inside another code.
    /// A returned registration holds nothing: the company may register again.
    fn registration_holding(
        &self,
        doc_number: &str,
        org_code: Option<&str>,
    ) -> StoreResult<Option<(i64, String)>>;

    /// One page of summaries; `limit` rows from `offset`.
    fn search_registrations(
        &self,
        query: &RegistrationQuery,
        limit: usize,
        offset: usize,
    ) -> StoreResult<Vec<RegistrationSummary>>;

    fn set_registration_mobile(&self, id: i64, mobile: &str, now: DateTime<Utc>)
    -> StoreResult<()>;

    /// Moves a pending company registration to countersigned; false if it
    /// was not pending (already countersigned, or a person's).
    fn countersign_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Moves a pending company registration to returned (a supervisor's
    /// rejection from the review queue); false if it was not pending or the
    /// supervisor registered it.
    fn return_registration(&self, id: i64, by: i64, now: DateTime<Utc>) -> StoreResult<bool>;

    fn registration_count(&self) -> StoreResult<i64>;
}

/// `scan_blobs` (content-addressed by SHA-256: the same scan twice is stored once)
/// and `attachments` (which scan belongs to which registration, and where).
pub trait Scans {
    /// Stores `data` under its hash unless it is there already; true if new.
    fn put_scan_blob(&self, sha256: &str, data: &[u8], now: DateTime<Utc>) -> StoreResult<bool>;

    fn scan_blob(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>>;

    fn insert_attachment(&self, a: &NewAttachment, now: DateTime<Utc>) -> StoreResult<i64>;

    fn attachments_of(&self, registration_id: i64) -> StoreResult<Vec<AttachmentRecord>>;
}
