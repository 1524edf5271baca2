//! The office server's own commands and the schema step:
//! - `counterdesk office-init postgres://ADMIN@host[:port]/db [--set-app-password]`
//!   prepares (or upgrades) one database on the server as its administrator;
//! - `counterdesk migrate [--db PATH]` brings a SQLite file to this build's
//!   schema. On the server, the schema changes only through office-init
//!   (it also re-grants the workstation role on new tables), so `migrate`
//!   with a server URL says so and changes nothing.

use std::io::Write;

use anyhow::bail;

use super::db::Db;
use super::recovery::read_twice;
use crate::app::runtime::paths::DbChoice;
use crate::store::LATEST_VERSION;
use crate::store::postgres::{APP_ROLE, OfficeAdmin, Prompt, Target, workstation_url};

/// `office-init`: 0 done, 2 refused (not a superuser, bad URL, unreachable…).
pub fn office_init(url: &str, set_password: bool, out: &mut dyn Write) -> anyhow::Result<u8> {
    let target = Target::parse(url)?;
    // Asked first, so a typo stops before anything on the server changes.
    let app_password = if set_password {
        Some(read_twice(
            &format!("工作站账号 {APP_ROLE} 的新密码："),
            "再次输入：",
        )?)
    } else {
        None
    };
    let mut admin = OfficeAdmin::connect(target.clone(), Prompt::Terminal)?;
    let done = admin.init()?;
    if let Some(pw) = &app_password {
        admin.set_app_password(pw)?;
    }
    let has_password = admin.app_has_password()?;

    writeln!(out, "{target} 已完成初始化（可重复运行）。")?;
    let r = &done.report;
    if !r.created_roles.is_empty() {
        writeln!(out, "新建角色：{}", r.created_roles.join("、"))?;
    }
    if !done.roles_kept.is_empty() {
        writeln!(out, "沿用已有角色：{}", done.roles_kept.join("、"))?;
    }
    match done.version_before {
        None => writeln!(out, "新建数据库结构 counterdesk，版本 {}。", r.migrated.to)?,
        Some(v) if v == r.migrated.to => writeln!(out, "数据库结构已是版本 {v}，无需升级。")?,
        Some(v) => writeln!(out, "数据库结构已从版本 {v} 升级到 {}。", r.migrated.to)?,
    }
    writeln!(
        out,
        "已按本版本重新授予 {APP_ROLE} 的权限（无改结构权限）。"
    )?;
    match (&app_password, has_password) {
        (Some(_), _) => writeln!(out, "已设置工作站账号 {APP_ROLE} 的密码。")?,
        (None, true) => writeln!(out, "工作站账号 {APP_ROLE} 已有密码（未修改）。")?,
        (None, false) => writeln!(
            out,
            "注意：工作站账号 {APP_ROLE} 还没有密码，工作站无法登录。请加 --set-app-password 再运行一次。"
        )?,
    }
    writeln!(out, "工作站连接地址：{}", workstation_url(&target))?;
    writeln!(
        out,
        "工作站的密码放在密码文件（PGPASSFILE）中，不要写在地址里。"
    )?;
    Ok(0)
}

/// `migrate`: 0 migrated (or already current), 2 refused.
pub fn migrate(db: Option<DbChoice>, out: &mut dyn Write) -> anyhow::Result<u8> {
    let path = match Db::resolve(db)? {
        Db::File(p) => p,
        Db::Office(t) => bail!(
            "{t} 的数据库结构只由 counterdesk office-init 升级：它以服务器管理员身份运行迁移，并为新表重新授权（工作站账号没有改结构的权限）。请由信息科运行 counterdesk office-init postgres://postgres@服务器/数据库。未做任何修改。"
        ),
    };
    if !path.is_file() {
        bail!("数据库文件 {} 不存在，未做任何修改。", path.display());
    }
    let before = crate::store::file_schema_version(&path)?;
    drop(crate::store::Store::open(&path)?);
    if before == LATEST_VERSION {
        writeln!(
            out,
            "{} 的数据库结构已是版本 {LATEST_VERSION}，无需升级。",
            path.display()
        )?;
    } else {
        writeln!(
            out,
            "{} 的数据库结构已从版本 {before} 升级到 {LATEST_VERSION}。",
            path.display()
        )?;
    }
    Ok(0)
}
