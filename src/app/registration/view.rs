//! What the registration screens show: built from store rows here, so no row
//! type (and no unmasked number) reaches a screen by accident.

use chrono::{DateTime, Utc};

use crate::app::registration::attachments::fmt_size;
use crate::app::runtime::clock;
use crate::domain::documents::result::DocKind;
use crate::domain::mask::{mask_document, mask_mobile};
use crate::domain::registration::scan::Original;
use crate::domain::registration::{
    CreditBreakdown, IdDocType, Reason, RegistrationKind, RegistrationStatus, ScanSlot,
};
use crate::store::{AttachmentRecord, RegistrationRecord, RegistrationSummary};

/// One registration, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationView {
    pub id: i64,
    /// `MQ-20261123-0001`
    pub number: String,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
    /// Person's name or company name.
    pub name: String,
    /// 居民身份证 … or 统一社会信用代码 / 组织机构代码.
    pub doc_label: String,
    /// Masked for people (`110101********0011`); a company's code in full (it is public).
    pub doc_number_shown: String,
    pub masked_mobile: String,
    /// 办理原因 (people).
    pub reason: Option<String>,
    pub company: Option<CompanyView>,
    /// Labels of the originals the clerk ticked as sighted.
    pub originals: Vec<&'static str>,
    pub attachments: Vec<AttachmentView>,
    pub office: String,
    pub clerk_name: String,
    pub created_at: DateTime<Utc>,
    /// `2026-11-23 09:30:05` (China Standard Time).
    pub created_at_text: String,
    pub countersigned_by: Option<String>,
    pub countersigned_at: Option<DateTime<Utc>>,
    /// True when the viewing clerk may countersign it now (supervisor, not the registrar).
    pub can_countersign: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyView {
    pub breakdown: CreditBreakdown,
    pub agent_name: String,
    pub agent_doc_label: String,
    pub masked_agent_doc_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentView {
    pub slot: Option<ScanSlot>,
    pub slot_label: &'static str,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    /// `3.0 MB`
    pub size_text: String,
    pub dimensions: Option<(u32, u32)>,
    pub pages: Option<u32>,
    pub sha256: String,
    /// PNG ≤ 256 px for images; PDFs show name, size and page count instead.
    pub thumbnail_png: Option<Vec<u8>>,
}

/// One line of the search list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRow {
    pub id: i64,
    pub number: String,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
    pub name: String,
    pub doc_number_shown: String,
    pub created_at_text: String,
}

/// One page of a search. A reply whose `generation` is older than the
/// screen's latest request is stale and should be dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub generation: u64,
    pub page: usize,
    pub page_size: usize,
    pub rows: Vec<RegistrationRow>,
    pub has_more: bool,
    /// How the text was read: 最近办理 / 按编号 / 按证件号码 / 按姓名（名称）.
    pub matched_by: &'static str,
}

/// Full numbers, after an audited reveal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealedNumbers {
    pub id: i64,
    pub doc_number: String,
    pub agent_doc_number: Option<String>,
}

/// A receipt PDF ready to save or print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFile {
    pub number: String,
    /// `面签回执-MQ-20261123-0001.pdf`
    pub file_name: String,
    pub pdf: Vec<u8>,
}

/// What a submit returns besides the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub record: RegistrationView,
    /// True when this idempotency key had already created the record (a
    /// double click or a retry): nothing new was written.
    pub replayed: bool,
}

pub fn doc_label(kind: RegistrationKind, doc_type: &str) -> String {
    match kind {
        RegistrationKind::Person => IdDocType::from_code(doc_type)
            .map(|t| t.label().to_owned())
            .unwrap_or_else(|| doc_type.to_owned()),
        RegistrationKind::Company => company_code_label(doc_type).to_owned(),
    }
}

pub fn company_code_label(code: &str) -> &'static str {
    if code == DocKind::OrgCode.as_str() {
        DocKind::OrgCode.label()
    } else {
        DocKind::CreditCode.label()
    }
}

pub fn doc_number_shown(kind: RegistrationKind, n: &str) -> String {
    match kind {
        RegistrationKind::Person => mask_document(n),
        RegistrationKind::Company => n.to_owned(),
    }
}

pub fn row(s: &RegistrationSummary) -> RegistrationRow {
    RegistrationRow {
        id: s.id,
        number: s.reg_no.clone(),
        kind: s.kind,
        status: s.status,
        name: s.name.clone(),
        doc_number_shown: doc_number_shown(s.kind, &s.doc_number),
        created_at_text: clock::fmt_minute(s.created_at),
    }
}

fn attachment(a: AttachmentRecord) -> AttachmentView {
    let a = a.data;
    let slot = ScanSlot::from_code(&a.slot);
    AttachmentView {
        slot,
        slot_label: slot.map(ScanSlot::label).unwrap_or("扫描件"),
        size_text: fmt_size(a.size),
        file_name: a.file_name,
        mime: a.mime,
        size: a.size,
        dimensions: a.width.zip(a.height),
        pages: a.pages,
        sha256: a.sha256,
        thumbnail_png: a.thumbnail,
    }
}

pub fn view(
    r: RegistrationRecord,
    attachments: Vec<AttachmentRecord>,
    viewer_id: i64,
    viewer_can_decide: bool,
) -> RegistrationView {
    let company = (r.kind == RegistrationKind::Company).then(|| CompanyView {
        breakdown: r
            .breakdown
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or_default(),
        agent_name: r.applicant.agent_name.clone().unwrap_or_default(),
        agent_doc_label: r
            .applicant
            .agent_doc_type
            .as_deref()
            .and_then(IdDocType::from_code)
            .map(|t| t.label().to_owned())
            .unwrap_or_default(),
        masked_agent_doc_number: mask_document(
            r.applicant.agent_doc_number.as_deref().unwrap_or(""),
        ),
    });
    let reason = r
        .applicant
        .reason
        .as_deref()
        .and_then(|c| Reason::from_parts(c, r.applicant.reason_text.as_deref()))
        .map(|r| r.display());
    RegistrationView {
        id: r.id,
        doc_label: doc_label(r.kind, &r.applicant.doc_type),
        doc_number_shown: doc_number_shown(r.kind, &r.applicant.doc_number),
        masked_mobile: mask_mobile(&r.applicant.mobile),
        reason,
        company,
        originals: Original::labels_of(&r.sighted),
        attachments: attachments.into_iter().map(attachment).collect(),
        created_at_text: clock::fmt_second(r.created_at),
        can_countersign: viewer_can_decide
            && r.status == RegistrationStatus::PendingCountersign
            && r.clerk_id != viewer_id,
        number: r.reg_no,
        kind: r.kind,
        status: r.status,
        name: r.applicant.name,
        office: r.office,
        clerk_name: r.clerk_name,
        created_at: r.created_at,
        countersigned_by: r.countersigner_name,
        countersigned_at: r.countersigned_at,
    }
}
