//! `registrations`, `receipt` and `demo-data --registrations`: headless work on
//! the registration records. Lists show masked numbers only.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::app::registration;

use super::db::Db;
use crate::app::demo::registrations as demo_registrations;
use crate::app::registration::RegistrationRow;
use crate::app::runtime::paths::DbChoice;
use crate::store::Store;

fn open(db: Option<DbChoice>) -> anyhow::Result<Store> {
    Db::resolve(db)?.open()
}

#[derive(Serialize)]
struct JsonRow<'a> {
    id: i64,
    number: &'a str,
    kind: &'a str,
    status: &'a str,
    status_label: &'a str,
    name: &'a str,
    doc_number: &'a str,
    created_at: &'a str,
}

/// `counterdesk registrations [--db PATH] [--json] [--search TEXT] [--page N]`.
pub fn list(
    db: Option<DbChoice>,
    search: Option<&str>,
    page: usize,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let mut store = open(db)?;
    let (query, matched_by) = registration::classify(search.unwrap_or(""));
    let (rows, has_more) = store.read(|tx| registration::search_page(tx, &query, page))?;
    if json {
        for r in &rows {
            serde_json::to_writer(&mut *out, &json_row(r))?;
            writeln!(out)?;
        }
        return Ok(0);
    }
    writeln!(out, "# {matched_by}，第 {} 页，{} 条", page + 1, rows.len())?;
    for r in &rows {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.number,
            r.kind.label(),
            r.status.label(),
            r.name,
            r.doc_number_shown,
            r.created_at_text
        )?;
    }
    if has_more {
        writeln!(out, "# 还有更多，用 --page {} 查看下一页", page + 1)?;
    }
    Ok(0)
}

fn json_row(r: &RegistrationRow) -> JsonRow<'_> {
    JsonRow {
        id: r.id,
        number: &r.number,
        kind: r.kind.code(),
        status: r.status.code(),
        status_label: r.status.label(),
        name: &r.name,
        doc_number: &r.doc_number_shown,
        created_at: &r.created_at_text,
    }
}

/// `counterdesk receipt REG_NO --out FILE [--db PATH]`: reprints one receipt.
pub fn receipt(db: Option<DbChoice>, number: &str, out_path: &Path) -> anyhow::Result<u8> {
    let mut store = open(db)?;
    let Some(id) = registration::id_by_number(&mut store, number)? else {
        bail!("没有编号为 {number} 的面签记录");
    };
    let file =
        registration::issue_receipt(&mut store, super::db::db_now(), None, id)?.render_file()?;
    crate::app::runtime::files::write_atomically(out_path, &file.pdf)
        .with_context(|| format!("无法写入 {}", out_path.display()))?;
    println!(
        "{} → {}（{} 字节）",
        file.number,
        out_path.display(),
        file.pdf.len()
    );
    Ok(0)
}

/// `counterdesk demo-data --db PATH|URL --registrations N`.
pub fn demo_data(db: Option<DbChoice>, registrations: Option<usize>) -> anyhow::Result<u8> {
    let Some(db) = db else {
        bail!("演示数据只写入用 --db 指定的数据库，不写入默认数据库");
    };
    let mut store = open(Some(db))?;
    if let Some(n) = registrations {
        let added = demo_registrations::add(&mut store, super::db::db_now(), n)?;
        super::queue::audit_demo(&mut store, format!("命令行 demo-data：演示面签 {added} 条"))?;
        println!("已添加 {added} 条演示面签注册");
    }
    Ok(0)
}
