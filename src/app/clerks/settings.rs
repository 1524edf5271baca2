//! Office settings (administrators only): office name, idle lock, lockout.

use crate::app::runtime::call::Call;
use crate::domain::clerks::audit_target::AuditTarget;
use chrono::{DateTime, Utc};

use crate::app::clerks::access::audit;

use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::audit::AuditAction;
use crate::domain::clerks::clerk::Role;
use crate::domain::clerks::settings::Settings;
use crate::store::Store;

pub fn save_settings(
    store: &mut Store,
    actor: &SessionClerk,
    settings: Settings,
    now: DateTime<Utc>,
) -> Result<Settings, AppError> {
    let settings = settings.validated().map_err(AppError::rejected)?;
    store.write_checked(|tx| -> Result<_, AppError> {
        require_role(
            tx,
            actor,
            Role::can_manage_accounts,
            "只有管理员可以修改设置。",
        )?;
        tx.save_settings(&settings)?;
        audit(
            tx,
            Some(actor),
            AuditAction::SettingsChanged,
            AuditTarget::Settings,
            format!(
                "闲置锁屏 {} 分钟，连续失败 {} 次锁定 {} 分钟",
                settings.idle_minutes, settings.lockout.max_failures, settings.lockout.lock_minutes
            ),
            now,
        )?;
        Ok(settings.clone())
    })
}

#[derive(Debug, Clone)]
pub enum Req {
    Save(Settings),
}

#[derive(Debug, Clone)]
pub enum Resp {
    Saved(Settings),
}

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let Call {
        store, now, actor, ..
    } = call;
    match req {
        Req::Save(s) => Ok(Resp::Saved(save_settings(store, actor, s, now)?)),
    }
}
