//! Submitting a registration: the scans a kind may carry, then one
//! transaction that numbers the record (MQ-YYYYMMDD-NNNN), refuses a second
//! registration of the same number, stores the scans, queues a company for
//! countersigning and writes the audit row. A replayed form key returns the
//! record it already made.

use chrono::{DateTime, Utc};

use crate::app::registration::record::NOT_ALLOWED;

use crate::app::registration::record::load_view;

use crate::app::clerks::access::audit;
use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::registration::attachments::PreparedScan;
use crate::app::registration::record::registration_ref;
use crate::app::registration::view::Submitted;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::app::runtime::error::RecordRef;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::audit_target::AuditTarget;
use crate::domain::clerks::clerk::Role;
use crate::domain::documents::credit_code::org_code_of;
use crate::domain::registration::scan::Original;
use crate::domain::registration::{
    RegistrationKind, RegistrationNo, RegistrationStatus, ScanSlot, ValidCompany, ValidPerson,
};
use crate::store::{Applicant, NewAttachment, NewRegistration, Store};

/// Longest idempotency key a form may send.
const MAX_KEY_LEN: usize = 128;

/// A form the domain accepted.
pub(super) enum Valid {
    Person(ValidPerson),
    Company(Box<ValidCompany>),
}

impl Valid {
    fn kind(&self) -> RegistrationKind {
        match self {
            Valid::Person(_) => RegistrationKind::Person,
            Valid::Company(_) => RegistrationKind::Company,
        }
    }

    /// Who the form is for, in the stored codes.
    fn applicant(&self) -> Applicant {
        match self {
            Valid::Person(p) => Applicant {
                doc_type: p.doc_type.code().to_owned(),
                doc_number: p.doc_number.clone(),
                org_code: None,
                name: p.name.clone(),
                mobile: p.mobile.clone(),
                reason: Some(p.reason.kind().code().to_owned()),
                reason_text: p.reason.text().map(str::to_owned),
                agent_name: None,
                agent_doc_type: None,
                agent_doc_number: None,
            },
            Valid::Company(c) => Applicant {
                doc_type: c.code_kind.as_str().to_owned(),
                doc_number: c.code.clone(),
                org_code: org_code_of(&c.code).map(str::to_owned),
                name: c.name.clone(),
                mobile: c.agent_mobile.clone(),
                reason: None,
                reason_text: None,
                agent_name: Some(c.agent_name.clone()),
                agent_doc_type: Some(c.agent_doc_type.code().to_owned()),
                agent_doc_number: Some(c.agent_doc_number.clone()),
            },
        }
    }

    fn record(&self, reg_no: String, office: String, clerk_id: i64, key: &str) -> NewRegistration {
        let kind = self.kind();
        NewRegistration {
            reg_no,
            kind,
            applicant: self.applicant(),
            breakdown: match self {
                Valid::Person(_) => None,
                Valid::Company(c) => serde_json::to_string(&c.breakdown).ok(),
            },
            sighted: Original::required_codes(kind),
            office,
            clerk_id,
            idempotency_key: key.to_owned(),
        }
    }
}

fn check_scans(kind: RegistrationKind, scans: &[(ScanSlot, PreparedScan)]) -> Result<(), AppError> {
    let allowed = ScanSlot::slots_for(kind);
    for (i, (slot, _)) in scans.iter().enumerate() {
        if !allowed.contains(slot) {
            return Err(AppError::rejected(format!(
                "{}面签不收“{}”扫描件。",
                kind.label(),
                slot.label()
            )));
        }
        if scans[..i].iter().any(|(s, _)| s == slot) {
            return Err(AppError::rejected(format!(
                "“{}”扫描件重复添加：每项只能保留一份。",
                slot.label()
            )));
        }
    }
    Ok(())
}

enum Outcome {
    Created(i64),
    Replayed(i64),
    Duplicate(RecordRef),
}

pub(super) fn submit(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    key: &str,
    valid: &Valid,
    scans: &[(ScanSlot, PreparedScan)],
) -> Result<Submitted, AppError> {
    let key = key.trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(AppError::rejected("表单标识无效：请关闭后重新打开表单。"));
    }
    check_scans(valid.kind(), scans)?;
    let day = clock::to_local(now).date_naive();
    let outcome = store.write_checked(|tx| -> Result<_, AppError> {
        require_role(tx, actor, Role::can_register, NOT_ALLOWED)?;
        if let Some(existing) = tx.registration_by_key(key)? {
            return Ok(Outcome::Replayed(existing.id));
        }
        let new = valid.record(String::new(), String::new(), actor.id, key);
        if let Some((id, number)) =
            tx.registration_holding(&new.applicant.doc_number, new.applicant.org_code.as_deref())?
        {
            return Ok(Outcome::Duplicate(registration_ref(id, number)));
        }
        let seq = tx.next_registration_seq(&RegistrationNo::day_key(day))?;
        let reg_no = RegistrationNo::new(day, seq).map_err(AppError::rejected)?;
        let office = tx.settings()?.office_name;
        let new = NewRegistration {
            reg_no: reg_no.to_string(),
            office,
            ..new
        };
        let id = tx.insert_registration(&new, now)?;
        if let Valid::Company(_) = valid {
            // 单位注册复核: queued for a supervisor in this same transaction.
            crate::app::review::company::enqueue(tx, id, &new, now)?;
        }
        for (slot, scan) in scans {
            tx.put_scan_blob(scan.sha256(), scan.bytes(), now)?;
            let (width, height) = scan.dimensions().unzip();
            tx.insert_attachment(
                &NewAttachment {
                    registration_id: id,
                    slot: slot.code().to_owned(),
                    sha256: scan.sha256().to_owned(),
                    file_name: scan.file_name().to_owned(),
                    mime: scan.mime().to_owned(),
                    size: scan.size(),
                    width,
                    height,
                    pages: scan.pages(),
                    thumbnail: scan.thumbnail_png().map(<[u8]>::to_vec),
                },
                now,
            )?;
        }
        audit(
            tx,
            Some(actor),
            AuditAction::RegistrationCreated,
            AuditTarget::Registration(id),
            format!(
                "{reg_no}（{}，{}，扫描件 {} 份）",
                valid.kind().label(),
                RegistrationStatus::initial(valid.kind()).label(),
                scans.len()
            ),
            now,
        )?;
        Ok(Outcome::Created(id))
    })?;
    let (id, replayed) = match outcome {
        Outcome::Created(id) => (id, false),
        Outcome::Replayed(id) => (id, true),
        Outcome::Duplicate(r) => return Err(AppError::Duplicate(r)),
    };
    tracing::info!(id, replayed, "registration submitted");
    let record = store.read_checked(|tx| load_view(tx, actor, id))?;
    Ok(Submitted { record, replayed })
}
