//! The first run: creating the first administrator on a brand-new file.

use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;
use crate::app::clerks::accounts::AccountInput;
use crate::app::clerks::accounts::validated_new_clerk;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::settings::Settings;
use crate::store::Store;

pub fn needs_setup(store: &mut Store) -> Result<bool, AppError> {
    Ok(store.read(|tx| Ok(tx.clerk_count()? == 0))?)
}

pub fn settings(store: &mut Store) -> Result<Settings, AppError> {
    Ok(store.read(|tx| tx.settings())?)
}

/// First run: creates the first administrator and signs them in. Refused once
/// any account exists, so it cannot be used to add a second administrator.
pub fn create_first_admin(
    store: &mut Store,
    input: &AccountInput,
    office_name: &str,
    now: DateTime<Utc>,
) -> Result<SessionClerk, AppError> {
    let input = AccountInput {
        role: Role::Admin,
        ..input.clone()
    };
    let new = validated_new_clerk(&input, false)?;
    let settings = Settings {
        office_name: office_name.to_owned(),
        ..Settings::default()
    }
    .validated()
    .map_err(AppError::rejected)?;
    store.write_checked(|tx| -> Result<_, AppError> {
        if tx.clerk_count()? != 0 {
            return Err(AppError::rejected("已存在账号，不能再次初始化".to_owned()));
        }
        let id = tx.insert_clerk(&new, now)?;
        tx.save_settings(&settings)?;
        let clerk = tx
            .clerk_by_id(id)?
            .ok_or_else(|| AppError::rejected("账号创建后未找到".to_owned()))?;
        let session = SessionClerk::from(&clerk);
        audit(
            tx,
            Some(&session),
            AuditAction::FirstAdminCreated,
            AuditTarget::Clerk(id),
            String::new(),
            now,
        )?;
        audit(
            tx,
            Some(&session),
            AuditAction::LoginSucceeded,
            AuditTarget::Clerk(id),
            String::new(),
            now,
        )?;
        Ok(session)
    })
}

#[derive(Debug, Clone)]
pub enum Req {
    CreateFirstAdmin {
        account: AccountInput,
        office_name: String,
    },
}

#[derive(Debug, Clone)]
pub enum Resp {
    SetUp {
        clerk: SessionClerk,
        settings: Settings,
    },
}

pub fn handle(store: &mut Store, now: DateTime<Utc>, req: Req) -> Result<Resp, AppError> {
    match req {
        Req::CreateFirstAdmin {
            account,
            office_name,
        } => Ok(Resp::SetUp {
            clerk: create_first_admin(store, &account, &office_name, now)?,
            settings: settings(store)?,
        }),
    }
}
