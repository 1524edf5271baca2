//! The typed facts of a review, as label/value rows: drawn as a grid on the
//! review screen and beside the picture in the document viewer, so the
//! supervisor compares the scan with the record without switching.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use crate::app::registration::RegistrationView;
use crate::app::review::ReviewItem;
use crate::domain::registration::CreditBreakdown;
use crate::domain::review::AppKind;
use crate::ui::kit::theme;
use crate::ui::kit::viewer::DocSource;
use crate::ui::kit::viewer::DocViewer;
use crate::ui::kit::viewer::ViewerDoc;

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

/// A 面签记录 (person or company) as the review and the viewer show it
/// beside the scans: the one list of its facts. `masked_code`: the review
/// queue shows a company's code masked like every number in the queue, so
/// the breakdown then leaves out the organisation code, which would unmask it.
pub fn registration(reg: &RegistrationView, masked_code: Option<&str>) -> Facts {
    let mut rows: Facts = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_owned(), v));
    let company = reg.company.is_some();
    row("回执编号", reg.number.clone());
    row(if company { "单位名称" } else { "姓名" }, reg.name.clone());
    row(
        &reg.doc_label,
        masked_code.unwrap_or(&reg.doc_number_shown).to_owned(),
    );
    if let Some(c) = &reg.company {
        // One row here, beside the scans; the record's own page lists them.
        let parts: Vec<String> = code_breakdown(&c.breakdown, masked_code.is_none())
            .into_iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        if !parts.is_empty() {
            rows.push(("代码解析".to_owned(), parts.join("；")));
        }
        rows.push(("代理人".to_owned(), c.agent_name.clone()));
        rows.push((
            format!("代理人{}", c.agent_doc_label),
            c.masked_agent_doc_number.clone(),
        ));
    }
    let mut row = |k: &str, v: String| rows.push((k.to_owned(), v));
    row(
        if company {
            "代理人手机号码"
        } else {
            "手机号码"
        },
        reg.masked_mobile.clone(),
    );
    if let Some(r) = &reg.reason {
        row("办理原因", r.clone());
    }
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

/// What a company's code says about it (登记管理部门, 机构类别, 登记地区 and,
/// where the code is shown in full, the organisation code it embeds).
pub fn code_breakdown(b: &CreditBreakdown, org_code: bool) -> Facts {
    [
        ("登记管理部门", b.authority.as_ref()),
        ("机构类别", b.entity_type.as_ref()),
        ("登记地区", b.registrar_region.as_ref()),
        ("组织机构代码", b.org_code.as_ref().filter(|_| org_code)),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k.to_owned(), v?.clone())))
    .collect()
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
