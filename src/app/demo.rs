//! `--demo`: sample clerks in a throwaway database so anyone can look around.
//! The passwords are printed in the README; never use them on a real database.

pub mod queue;
pub mod registrations;

use crate::app::runtime::call::Call;
use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::accounts::AccountInput;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::clerks::setup::create_first_admin;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::password::hash_password;
use crate::store::{NewAuditEvent, NewClerk, Store};

/// (user name, display name, role, password)
pub const DEMO_CLERKS: &[(&str, &str, Role, &str)] = &[
    ("admin", "系统管理员", Role::Admin, "admin2026"),
    ("wangli", "王丽", Role::Counter, "counter2026"),
    ("zhaomin", "赵敏", Role::Supervisor, "review2026"),
];

pub const DEMO_OFFICE: &str = "演示车辆管理所";

/// Seeds an empty database with the demo clerks.
pub fn seed(store: &mut Store, now: DateTime<Utc>) -> Result<(), AppError> {
    let (user, name, _, password) = DEMO_CLERKS[0];
    let admin = create_first_admin(
        store,
        &AccountInput {
            username: user.to_owned(),
            display_name: name.to_owned(),
            role: Role::Admin,
            password: password.to_owned(),
        },
        DEMO_OFFICE,
        now,
    )?;
    for &(user, name, role, password) in &DEMO_CLERKS[1..] {
        let hash = hash_password(password).map_err(|e| AppError::rejected(e.to_string()))?;
        // Unlike an administrator's new account, demo clerks need no first password change.
        store.write_checked(|tx| -> Result<_, AppError> {
            let id = tx.insert_clerk(
                &NewClerk {
                    username: user.to_owned(),
                    display_name: name.to_owned(),
                    role,
                    password_hash: hash.clone(),
                    must_change_password: false,
                },
                now,
            )?;
            tx.append_audit(
                &NewAuditEvent {
                    actor_id: Some(admin.id),
                    actor: admin.username.clone(),
                    action: AuditAction::AccountCreated,
                    target: AuditTarget::Clerk(id),
                    detail: format!("用户名 {user}，角色 {}（演示数据）", role.label()),
                },
                now,
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

/// A small valid PDF with `pages` pages, each a coloured block on white
/// (hand-written objects with a correct cross-reference table): the demo's
/// power-of-attorney scan, and a fixture for the viewer's tests.
pub fn sample_pdf(pages: usize) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    ));
    for i in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents {} 0 R >>",
            4 + 2 * i
        ));
        let shade = 0.2 + 0.3 * (i % 3) as f32;
        let stream = format!(
            "0.1 0.1 0.1 RG 2 w 30 30 360 535 re S {shade} 0.3 0.7 rg 40 60 340 {} re f",
            200 + 100 * (i % 4)
        );
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One company registration by 王丽 with two scans (a licence image and a
/// two-page PDF), waiting for a supervisor's countersign: `--demo` shows
/// the 单位注册复核 with its documents in the viewer.
pub fn company_with_scans(store: &mut Store, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::app::registration;
    use crate::app::registration::Req;
    use crate::app::registration::attachments::ScanInput;
    use crate::app::registration::attachments::prepare;
    use crate::domain::registration::{CompanyDraft, ScanSlot};
    let Some(counter) = store.read(|tx| tx.clerk_by_username(DEMO_CLERKS[1].0))? else {
        return Ok(());
    };
    let actor = SessionClerk::from(&counter);
    let licence = prepare(ScanInput::Bytes {
        file_name: "营业执照.jpg".into(),
        bytes: include_bytes!("../../assets/demo/ok_260x378.jpg").to_vec(),
    })?;
    let attorney = prepare(ScanInput::Bytes {
        file_name: "授权委托书.pdf".into(),
        bytes: sample_pdf(2),
    })?;
    registration::handle(
        Call::new(store, now, &actor),
        Req::SubmitCompany {
            form: CompanyDraft::sample("北京顺达物流有限公司"),
            scans: vec![
                (ScanSlot::BusinessLicence, licence),
                (ScanSlot::Authorization, attorney),
            ],
            idempotency_key: "demo-company-with-scans".into(),
        },
    )
    .map(drop)
}
