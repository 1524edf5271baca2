//! The typed facts of a review, as label/value rows: drawn as a grid on the
//! review screen and beside the picture in the document viewer, so the
//! supervisor compares the scan with the record without switching.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use super::theme;
use super::viewer::{DocSource, DocViewer, ViewerDoc};
use crate::app::registration::RegistrationView;
use crate::app::review::ReviewItem;
use crate::domain::review::AppKind;

pub type Facts = Vec<(String, String)>;

pub fn grid(ui: &mut egui::Ui, id: &str, rows: &Facts) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for (k, v) in rows {
                ui.label(RichText::new(k).color(theme::MUTED));
                ui.label(v);
                ui.end_row();
            }
        });
}

/// The applicant and licence of a person's application.
pub fn applicant(item: &ReviewItem) -> Facts {
    let mut rows: Facts = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_owned(), v));
    row(
        if item.kind == AppKind::CompanyRegistration {
            "单位名称"
        } else {
            "姓名"
        },
        item.name.clone(),
    );
    row("证件号码", item.doc_no.clone());
    row("手机号码", item.mobile.clone());
    if let Some(l) = &item.licence {
        row("驾驶证号", l.number.clone());
        row(
            "准驾车型",
            format!("{}（{}）", l.classes, l.classes_described),
        );
        let names: Vec<String> = l
            .status_names
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        row("驾驶证状态", names.join("、"));
        let d = |x: Option<chrono::NaiveDate>| {
            x.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "—".to_owned())
        };
        row(
            "有效期限",
            format!(
                "{} 至 {}",
                d(l.valid_from),
                l.valid_until
                    .map(crate::domain::documents::licence::valid_until_text)
                    .unwrap_or_else(|| "—".to_owned())
            ),
        );
        row("发证机关", l.authority.clone());
    }
    if let Some(d) = item.last_photo_change {
        row("上次换照片", d.format("%Y-%m-%d").to_string());
    }
    rows
}

/// The company registration behind a 单位注册复核 item: what the counter
/// clerk recorded and sighted. The code stays masked like everywhere in the
/// queue; its check digits are verified by the 证件号码 pre-check.
pub fn company(item: &ReviewItem, reg: &RegistrationView) -> Facts {
    let mut rows: Facts = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_owned(), v));
    row("回执编号", reg.number.clone());
    row("单位名称", reg.name.clone());
    row(&reg.doc_label, item.doc_masked.clone());
    if let Some(c) = &reg.company {
        let b = &c.breakdown;
        let parts: Vec<String> = [
            b.authority.as_deref().map(|x| format!("登记管理部门 {x}")),
            b.entity_type.as_deref().map(|x| format!("机构类别 {x}")),
            b.registrar_region.as_deref().map(|x| format!("登记地 {x}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !parts.is_empty() {
            row("代码解析", parts.join("；"));
        }
        row("代理人", c.agent_name.clone());
        row(
            &format!("代理人{}", c.agent_doc_label),
            c.masked_agent_doc_number.clone(),
        );
    }
    row("代理人手机号码", reg.masked_mobile.clone());
    row(
        "已核验原件",
        if reg.originals.is_empty() {
            "无".to_owned()
        } else {
            reg.originals
                .iter()
                .map(|o| format!("✓ {o}"))
                .collect::<Vec<_>>()
                .join("　")
        },
    );
    row(
        "受理人",
        format!(
            "{} 于 {}（{}）",
            reg.clerk_name, reg.created_at_text, reg.office
        ),
    );
    row("状态", reg.status.label().to_owned());
    rows
}

/// The viewer over a registration's scans, opened at scan `start`.
pub fn scans_viewer(reg: &RegistrationView, facts: Facts, start: usize) -> DocViewer {
    let docs = reg
        .attachments
        .iter()
        .map(|a| ViewerDoc {
            label: a.slot_label.to_owned(),
            file_name: a.file_name.clone(),
            pages: a.pages.map_or(1, |p| p.max(1) as usize),
            source: DocSource::Scan {
                registration: reg.id,
                sha256: a.sha256.clone(),
            },
        })
        .collect();
    DocViewer::new(docs, format!("面签记录 {}", reg.number), facts, start)
}

/// The viewer over an application's photos: the new one, then (for a photo
/// change) the one it replaces.
pub fn photos_viewer(item: &ReviewItem, start: usize) -> Option<DocViewer> {
    let change = item.kind == AppKind::PhotoChange;
    let mut docs = Vec::new();
    if let Some(p) = &item.photo {
        docs.push(ViewerDoc {
            label: if change { "新照片" } else { "申请照片" }.to_owned(),
            file_name: format!("{} 照片", item.app_no),
            pages: 1,
            source: DocSource::Bytes(Arc::from(p.bytes.as_slice())),
        });
    }
    if change && let Some(p) = &item.previous_photo {
        docs.push(ViewerDoc {
            label: "原照片".to_owned(),
            file_name: "当前电子驾驶证照片".to_owned(),
            pages: 1,
            source: DocSource::Bytes(Arc::from(p.bytes.as_slice())),
        });
    }
    if docs.is_empty() {
        return None;
    }
    let mut facts = applicant(item);
    if !item.photo_summary.is_empty() {
        facts.push(("照片检测".to_owned(), item.photo_summary.clone()));
    }
    Some(DocViewer::new(
        docs,
        format!("申请 {}", item.app_no),
        facts,
        start,
    ))
}

/// A 面签记录 as the viewer shows it beside its scans (numbers masked).
pub fn record(v: &RegistrationView) -> Facts {
    let company = v.company.is_some();
    let mut rows: Facts = vec![
        ("回执编号".to_owned(), v.number.clone()),
        (
            if company { "单位名称" } else { "姓名" }.to_owned(),
            v.name.clone(),
        ),
        (v.doc_label.clone(), v.doc_number_shown.clone()),
    ];
    if let Some(c) = &v.company {
        rows.push(("代理人".to_owned(), c.agent_name.clone()));
        rows.push((
            format!("代理人{}", c.agent_doc_label),
            c.masked_agent_doc_number.clone(),
        ));
    }
    rows.push((
        if company {
            "代理人手机号码"
        } else {
            "手机号码"
        }
        .to_owned(),
        v.masked_mobile.clone(),
    ));
    if let Some(r) = &v.reason {
        rows.push(("办理原因".to_owned(), r.clone()));
    }
    rows.push((
        "已核验原件".to_owned(),
        if v.originals.is_empty() {
            "无".to_owned()
        } else {
            v.originals.join("、")
        },
    ));
    rows.push((
        "受理人".to_owned(),
        format!("{}（{}）", v.clerk_name, v.created_at_text),
    ));
    rows.push(("状态".to_owned(), v.status.label().to_owned()));
    rows
}
