//! 面签注册 use cases: submit (person or company), search, open, reveal a full
//! number, update a mobile number, countersign, print the receipt. Every
//! change is one transaction with its audit row. The worker dispatches with
//! `Request::Registration(r) => registration::handle(Call::new(store, now, actor), r)`.

use crate::app::runtime::call::Call;
use chrono::{DateTime, Utc};

pub mod attachments;
pub mod document_view;
pub mod receipt;
mod record;
mod submit;
pub(crate) mod view;

use crate::app::clerks::access::audit;

use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::registration::attachments::PreparedScan;
use crate::app::registration::receipt::ReceiptData;
pub use crate::app::registration::view::AttachmentView;
pub use crate::app::registration::view::CompanyView;
pub use crate::app::registration::view::ReceiptFile;
pub use crate::app::registration::view::RegistrationRow;
pub use crate::app::registration::view::RegistrationView;
pub use crate::app::registration::view::RevealedNumbers;
pub use crate::app::registration::view::SearchPage;
pub use crate::app::registration::view::Submitted;
use crate::app::registration::view::row;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::app::runtime::error::RecordRef;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::domain::clerks::clerk::Role;
use crate::domain::documents::credit_code::org_code_of;
use crate::domain::documents::normalize::normalize;
use crate::domain::mask::mask_mobile;
use crate::domain::registration::name::search_key;
use crate::domain::registration::status::OWN_COUNTERSIGN;
use crate::domain::registration::{
    CompanyDraft, FieldErrors, FieldId, PersonDraft, RegistrationKind, RegistrationNo,
    RegistrationStatus, ScanSlot, checks,
};
use crate::store::{AnchorSource, NewAnchor, RegistrationQuery, Store, StoreError, Tx};
use record::{NOT_ALLOWED, REGISTRARS, SUPERVISORS, change, existing, load_view, registration_ref};
use submit::{Valid, submit};

/// Rows per search page.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Clone)]
pub enum Req {
    /// `idempotency_key`: one per opened form (see [`new_form_key`]); the same
    /// key submitted twice returns the first record.
    SubmitPerson {
        form: PersonDraft,
        scans: Vec<(ScanSlot, PreparedScan)>,
        idempotency_key: String,
    },
    SubmitCompany {
        form: CompanyDraft,
        scans: Vec<(ScanSlot, PreparedScan)>,
        idempotency_key: String,
    },
    /// Registration number, exact document number / company code, or name prefix.
    Search {
        text: String,
        page: usize,
        generation: u64,
    },
    /// Company registrations waiting for a supervisor, oldest first.
    PendingCountersign {
        page: usize,
        generation: u64,
    },
    Open {
        id: i64,
    },
    /// Shows the full document number(s); audited.
    Reveal {
        id: i64,
    },
    /// Changes the mobile number of an existing registration; audited.
    UpdateMobile {
        id: i64,
        mobile: String,
    },
    /// A supervisor other than the registering clerk confirms a company registration.
    Countersign {
        id: i64,
    },
    /// The 受理回执 PDF; its issue is audited.
    Receipt {
        id: i64,
    },
    /// Whether a complete number already has a registration (asked as soon
    /// as the number is typed, before submitting).
    Holding {
        kind: RegistrationKind,
        number: String,
    },
    /// One scan's bytes, for the document viewer.
    Scan {
        id: i64,
        sha256: String,
    },
}

impl Req {
    /// Pure reads, served by the reader connection (a search never waits
    /// behind a submit). Reveal and Receipt write an audit row.
    pub fn is_read_only(&self) -> bool {
        matches!(
            self,
            Req::Search { .. }
                | Req::PendingCountersign { .. }
                | Req::Open { .. }
                | Req::Scan { .. }
                | Req::Holding { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Submitted(Box<Submitted>),
    /// The form has errors: show each beside its field, focus the first.
    Invalid(FieldErrors),
    Page(SearchPage),
    Opened(Box<RegistrationView>),
    Revealed(RevealedNumbers),
    MobileUpdated(Box<RegistrationView>),
    Countersigned(Box<RegistrationView>),
    /// The receipt was issued (audited, anchored): what it prints. The PDF
    /// is made from it on a job runner ([`ReceiptData::render_file`]).
    Receipt(Box<ReceiptData>),
    Scan {
        sha256: String,
        bytes: std::sync::Arc<[u8]>,
    },
    /// The answer to [`Req::Holding`] for `number`.
    Holding {
        number: String,
        record: Option<RecordRef>,
    },
}

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let Call {
        store, now, actor, ..
    } = call;
    // The day a form is checked against (ages, expiry dates).
    let today = clock::to_local(now).date_naive();
    match req {
        Req::SubmitPerson {
            form,
            scans,
            idempotency_key,
        } => {
            let valid = form.validate(today).map(Valid::Person);
            submit_checked(store, now, actor, &idempotency_key, valid, &scans)
        }
        Req::SubmitCompany {
            form,
            scans,
            idempotency_key,
        } => {
            let valid = form.validate(today).map(|c| Valid::Company(Box::new(c)));
            submit_checked(store, now, actor, &idempotency_key, valid, &scans)
        }
        Req::Search {
            text,
            page,
            generation,
        } => {
            let (query, matched_by) = classify(&text);
            search(store, actor, &query, matched_by, page, generation).map(Resp::Page)
        }
        Req::PendingCountersign { page, generation } => search(
            store,
            actor,
            &RegistrationQuery::PendingCountersign,
            "待复核",
            page,
            generation,
        )
        .map(Resp::Page),
        Req::Open { id } => open(store, actor, id).map(|v| Resp::Opened(Box::new(v))),
        Req::Reveal { id } => reveal(store, now, actor, id).map(Resp::Revealed),
        Req::UpdateMobile { id, mobile } => update_mobile(store, now, actor, id, &mobile),
        Req::Countersign { id } => {
            countersign(store, now, actor, id).map(|v| Resp::Countersigned(Box::new(v)))
        }
        Req::Receipt { id } => {
            issue_receipt(store, now, Some(actor), id).map(|d| Resp::Receipt(Box::new(d)))
        }
        Req::Holding { kind, number } => {
            let org = match kind {
                RegistrationKind::Company => org_code_of(&number).map(str::to_owned),
                RegistrationKind::Person => None,
            };
            let hit = store.read_checked(|tx| -> Result<_, AppError> {
                require_role(tx, actor, Role::can_register, NOT_ALLOWED)?;
                Ok(tx.registration_holding(&number, org.as_deref())?)
            })?;
            Ok(Resp::Holding {
                number,
                record: hit.map(|(id, n)| registration_ref(id, n)),
            })
        }
        Req::Scan { id, sha256 } => {
            crate::app::registration::document_view::scan_bytes(store, actor, id, &sha256)
                .map(|bytes| Resp::Scan { sha256, bytes })
        }
    }
}

/// A fresh idempotency key for a newly opened form.
pub fn new_form_key(clerk_id: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!("{clerk_id}:{}:{nanos}:{n}", std::process::id());
    crate::domain::digest::sha256_hex(seed.as_bytes())[..32].to_owned()
}

/// A form the domain refused comes back with its field messages; a valid one is saved.
fn submit_checked(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    key: &str,
    valid: Result<Valid, FieldErrors>,
    scans: &[(ScanSlot, PreparedScan)],
) -> Result<Resp, AppError> {
    match valid {
        Ok(v) => submit(store, now, actor, key, &v, scans).map(|s| Resp::Submitted(Box::new(s))),
        Err(e) => Ok(Resp::Invalid(e)),
    }
}

/// Reads a search text: a registration number, an exact document number or
/// company code, or else the start of a name.
pub fn classify(text: &str) -> (RegistrationQuery, &'static str) {
    if text.trim().is_empty() {
        return (RegistrationQuery::Recent, "最近办理");
    }
    if let Some(no) = RegistrationNo::parse(text) {
        return (RegistrationQuery::RegNo(no.to_string()), "按编号");
    }
    let n = normalize(text);
    if crate::domain::documents::normalize::looks_like_number(&n) {
        return (RegistrationQuery::Number(n), "按证件号码或代码");
    }
    (
        RegistrationQuery::NamePrefix(search_key(text)),
        "按姓名或单位名称",
    )
}

/// One page of registrations, for the screen or the command line.
pub fn search_page(
    tx: &Tx<'_>,
    query: &RegistrationQuery,
    page: usize,
) -> Result<(Vec<RegistrationRow>, bool), StoreError> {
    let mut rows = tx.search_registrations(query, PAGE_SIZE + 1, page.saturating_mul(PAGE_SIZE))?;
    let has_more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    Ok((rows.iter().map(row).collect(), has_more))
}

fn search(
    store: &mut Store,
    actor: &SessionClerk,
    query: &RegistrationQuery,
    matched_by: &'static str,
    page: usize,
    generation: u64,
) -> Result<SearchPage, AppError> {
    let (rows, has_more) = store.read_checked(|tx| -> Result<_, AppError> {
        require_role(tx, actor, Role::can_register, NOT_ALLOWED)?;
        Ok(search_page(tx, query, page)?)
    })?;
    Ok(SearchPage {
        generation,
        page,
        page_size: PAGE_SIZE,
        rows,
        has_more,
        matched_by,
    })
}

fn open(store: &mut Store, actor: &SessionClerk, id: i64) -> Result<RegistrationView, AppError> {
    store.read_checked(|tx| load_view(tx, actor, id))
}

fn reveal(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
) -> Result<RevealedNumbers, AppError> {
    change(store, actor, id, REGISTRARS, |tx, rec| {
        audit(
            tx,
            Some(actor),
            AuditAction::RegistrationNumberRevealed,
            AuditTarget::Registration(id),
            format!("{} 的完整证件号码", rec.reg_no),
            now,
        )?;
        Ok(RevealedNumbers {
            id,
            doc_number: rec.applicant.doc_number,
            agent_doc_number: rec.applicant.agent_doc_number,
        })
    })
}

fn update_mobile(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
    mobile: &str,
) -> Result<Resp, AppError> {
    let today = clock::to_local(now).date_naive();
    let mobile = match checks::mobile(mobile, today) {
        Ok(m) => m.normalized,
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add(FieldId::Mobile, e);
            return Ok(Resp::Invalid(errors));
        }
    };
    change(store, actor, id, REGISTRARS, |tx, rec| {
        if rec.applicant.mobile == mobile {
            return Err(AppError::rejected(
                "新手机号码与登记的号码相同，无需修改。".to_owned(),
            ));
        }
        tx.set_registration_mobile(id, &mobile, now)?;
        audit(
            tx,
            Some(actor),
            AuditAction::RegistrationMobileChanged,
            AuditTarget::Registration(id),
            format!(
                "{}：{} → {}",
                rec.reg_no,
                mask_mobile(&rec.applicant.mobile),
                mask_mobile(&mobile)
            ),
            now,
        )?;
        Ok(())
    })?;
    let v = store.read_checked(|tx| load_view(tx, actor, id))?;
    Ok(Resp::MobileUpdated(Box::new(v)))
}

fn countersign(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    id: i64,
) -> Result<RegistrationView, AppError> {
    change(store, actor, id, SUPERVISORS, |tx, rec| {
        let refuse = |m: String| Err(AppError::rejected(m));
        match (rec.kind, rec.status) {
            (RegistrationKind::Person, _) => {
                return refuse("个人面签办理后即生效，无需复核。".to_owned());
            }
            (_, RegistrationStatus::Returned) => {
                return refuse(
                    "该单位面签已在审核队列中退回，不能再复核：请经办人补正后重新办理。".to_owned(),
                );
            }
            (_, RegistrationStatus::Countersigned) => {
                return refuse(format!(
                    "该单位面签已由 {} 复核。",
                    rec.countersigner_name.unwrap_or_default()
                ));
            }
            _ => {}
        }
        if rec.clerk_id == actor.id {
            return refuse(OWN_COUNTERSIGN.to_owned());
        }
        // Closes its 单位注册复核 queue item too (refused while another
        // supervisor has it open there).
        crate::app::review::company::close_from_record(tx, actor, id, now)?;
        if !tx.countersign_registration(id, actor.id, now)? {
            return refuse("该单位面签的状态已变化，请刷新后重试。".to_owned());
        }
        audit(
            tx,
            Some(actor),
            AuditAction::RegistrationCountersigned,
            AuditTarget::Registration(id),
            format!("{}（受理人 {}）", rec.reg_no, rec.clerk_name),
            now,
        )?;
        Ok(())
    })?;
    store.read_checked(|tx| load_view(tx, actor, id))
}

/// Writes the receipt's audit row and records the chain head it prints as an
/// anchor; returns what the receipt prints (its sequence number and hash
/// included). The PDF is rendered afterwards, outside the write, by
/// [`ReceiptData::render_file`]. `actor` is `None` for the command line.
pub fn issue_receipt(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: Option<&SessionClerk>,
    id: i64,
) -> Result<ReceiptData, AppError> {
    let data = store.write_checked(|tx| -> Result<_, AppError> {
        if let Some(a) = actor {
            require_role(tx, a, Role::can_register, NOT_ALLOWED)?;
        }
        let rec = existing(tx, id)?;
        audit(
            tx,
            actor,
            AuditAction::RegistrationReceiptIssued,
            AuditTarget::Registration(id),
            rec.reg_no.clone(),
            now,
        )?;
        let (seq, hash) = tx.audit_head()?.unwrap_or_default();
        // The printed receipt carries the chain head off the PC: an anchor.
        let anchor = crate::domain::clerks::anchor::Anchor {
            seq,
            hash: hash.clone(),
        };
        let anchor = NewAnchor::new(&anchor, AnchorSource::Receipt, &rec.reg_no);
        tx.record_anchor(&anchor, now)?;
        Ok(receipt::ReceiptData::from_record(&rec, now, seq, hash))
    })?;
    Ok(data)
}

/// Finds a registration by its number (the command line's reprint).
pub fn id_by_number(store: &mut Store, number: &str) -> Result<Option<i64>, AppError> {
    let Some(no) = RegistrationNo::parse(number) else {
        return Err(AppError::rejected(format!(
            "“{number}”不是面签编号（格式 MQ-YYYYMMDD-NNNN）。"
        )));
    };
    Ok(store.read(|tx| Ok(tx.registration_by_no(&no.to_string())?.map(|r| r.id)))?)
}
