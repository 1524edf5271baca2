//! `counterdesk reset-admin [--db PATH|URL] [--user NAME]`: asks for the new
//! password twice (hidden on a terminal; two lines on a pipe). On SQLite the
//! security factor is access to the database file; on the office server it
//! is the server's administrator role: the workstation role, which every
//! counter of the hall holds, is refused.

use anyhow::{Context, bail};
use std::io::{BufRead, IsTerminal, Write};

use super::db::Db;
use crate::app::runtime::paths::DbChoice;

use crate::app::clerks::recovery;

/// A new password typed twice: hidden prompts on a terminal, two lines on a pipe.
pub fn read_twice(first: &str, again: &str) -> anyhow::Result<String> {
    let (a, b) = if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password(first).context("无法读取密码")?;
        let b = rpassword::prompt_password(again).context("无法读取密码")?;
        (a, b)
    } else {
        let mut lines = std::io::stdin().lock().lines();
        let mut next =
            || -> anyhow::Result<String> { Ok(lines.next().transpose()?.unwrap_or_default()) };
        (next()?, next()?)
    };
    if a != b {
        bail!("两次输入的密码不一致，未做任何修改。");
    }
    Ok(a)
}

pub fn reset_admin(
    db: Option<DbChoice>,
    user: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let db = Db::resolve(db)?;
    if let Db::File(path) = &db
        && !path.is_file()
    {
        bail!("数据库文件 {} 不存在，未做任何修改。", path.display());
    }
    let mut store = db.open()?;
    if store.office_superuser()? == Some(false) {
        bail!(
            "在{} 上重置管理员需要以服务器管理员（超级用户，例如 postgres）连接：counterdesk reset-admin --db postgres://postgres@服务器/数据库。工作站账号每台柜台都有，不能用来重置管理员。未做任何修改。",
            db.label()
        );
    }
    let password = read_twice("新密码：", "再次输入新密码：")?;
    let name = recovery::reset_admin(&mut store, user, &password, super::db::db_now())?;
    writeln!(
        out,
        "已为管理员 {name} 设置新密码并解除锁定；此操作已记入审计日志。"
    )?;
    Ok(0)
}
