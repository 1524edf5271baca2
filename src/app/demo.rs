//! `--demo`: sample clerks in a throwaway database so anyone can look around.
//! The passwords are printed in the README; never use them on a real database.

use chrono::{DateTime, Utc};

use super::auth::{AccountInput, create_first_admin};
use crate::domain::audit::AuditAction;
use crate::domain::clerk::Role;
use crate::domain::password::hash_password;
use crate::store::{NewAuditEvent, NewClerk, Store, StoreError};

/// (user name, display name, role, password)
pub const DEMO_CLERKS: &[(&str, &str, Role, &str)] = &[
    ("admin", "系统管理员", Role::Admin, "admin2026"),
    ("wangli", "王丽", Role::Counter, "counter2026"),
    ("zhaomin", "赵敏", Role::Supervisor, "review2026"),
];

pub const DEMO_OFFICE: &str = "演示车辆管理所";

/// Seeds an empty database with the demo clerks.
pub fn seed(store: &mut Store, now: DateTime<Utc>) -> Result<(), StoreError> {
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
        let hash = hash_password(password).map_err(|e| StoreError::Rejected(e.to_string()))?;
        // Unlike an administrator's new account, demo clerks need no first password change.
        store.write(|tx| {
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
                    target: format!("clerk:{id}"),
                    detail: format!("用户名 {user}，角色 {}（演示数据）", role.label()),
                },
                now,
            )
            .map(drop)
        })?;
    }
    Ok(())
}
