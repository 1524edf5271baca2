//! `counterdesk reset-admin [--db PATH] [--user NAME]`: asks for the new
//! password twice (hidden on a terminal; two lines on a pipe).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::app::runtime::clock::Clock;

use crate::app::clerks::recovery;
use crate::app::runtime::clock::SystemClock;
use crate::store::Store;

fn read_twice() -> anyhow::Result<String> {
    let (a, b) = if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("新密码：").context("无法读取密码")?;
        let b = rpassword::prompt_password("再次输入新密码：").context("无法读取密码")?;
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
    db: Option<PathBuf>,
    user: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let path = match db {
        Some(p) => p,
        None => crate::app::runtime::paths::default_db_path()?,
    };
    if !path.is_file() {
        bail!("数据库文件 {} 不存在，未做任何修改。", path.display());
    }
    let mut store = Store::open(&path)?;
    let password = read_twice()?;
    let name = recovery::reset_admin(&mut store, user, &password, SystemClock.now())?;
    writeln!(
        out,
        "已为管理员 {name} 设置新密码并解除锁定；此操作已记入审计日志。"
    )?;
    Ok(0)
}
