//! 面签注册受理回执: a one-page PDF with the registration number as text and QR
//! code, the masked number, the originals sighted, and the audit chain head.
//!
//! Text is laid out here, not by krilla's `draw_text`: its shaper loses glyph
//! ids ≥ 32768 (面 and ~3000 other characters of our font would print blank).
//! Glyphs come from skrifa's charmap and advances from its metrics, then
//! `draw_glyphs`, which also writes the ToUnicode map so the text extracts.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::app::registration::view::ReceiptFile;
use crate::app::registration::view::company_code_label;
use crate::app::registration::view::doc_label;
use crate::app::registration::view::doc_number_shown;
use crate::app::runtime::clock;
use crate::app::runtime::error::AppError;
use crate::domain::mask::{mask_document, mask_mobile};
use crate::domain::registration::scan::Original;
use crate::domain::registration::{IdDocType, Reason, RegistrationKind, RegistrationStatus};
use crate::store::RegistrationRecord;

/// Noto Sans CJK SC subset to GBK (OFL-1.1, see assets/fonts/LICENSE-OFL.txt).
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-GBK.otf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LABEL_X: f32 = MARGIN;
const VALUE_X: f32 = 160.0;
const QR_SIZE: f32 = 96.0;

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("回执字体无法读取，无法生成回执。")]
    Font,
    #[error("无法生成回执二维码：{0}。")]
    Qr(String),
    #[error("无法生成回执 PDF：{0}。")]
    Pdf(String),
}

/// Everything printed on a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptData {
    pub office: String,
    pub clerk: String,
    pub registered_at: DateTime<Utc>,
    pub printed_at: DateTime<Utc>,
    pub number: String,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
    pub name: String,
    /// (label, value) of the document: masked for people, the code for companies.
    pub document: (String, String),
    pub agent: Option<(String, String, String)>,
    pub masked_mobile: String,
    pub reason: Option<String>,
    pub originals: Vec<&'static str>,
    pub audit_seq: i64,
    pub audit_hash: String,
}

impl ReceiptData {
    pub fn from_record(
        r: &RegistrationRecord,
        printed_at: DateTime<Utc>,
        audit_seq: i64,
        audit_hash: String,
    ) -> Self {
        let agent = r.applicant.agent_name.as_ref().map(|name| {
            let label = r
                .applicant
                .agent_doc_type
                .as_deref()
                .and_then(IdDocType::from_code)
                .map(IdDocType::label)
                .unwrap_or("身份证明");
            (
                name.clone(),
                label.to_owned(),
                mask_document(r.applicant.agent_doc_number.as_deref().unwrap_or("")),
            )
        });
        let document = match r.kind {
            RegistrationKind::Person => doc_label(r.kind, &r.applicant.doc_type),
            RegistrationKind::Company => company_code_label(&r.applicant.doc_type).to_owned(),
        };
        ReceiptData {
            office: r.office.clone(),
            clerk: r.clerk_name.clone(),
            registered_at: r.created_at,
            printed_at,
            number: r.reg_no.clone(),
            kind: r.kind,
            status: r.status,
            name: r.applicant.name.clone(),
            document: (document, doc_number_shown(r.kind, &r.applicant.doc_number)),
            agent,
            masked_mobile: mask_mobile(&r.applicant.mobile),
            reason: r
                .applicant
                .reason
                .as_deref()
                .and_then(|c| Reason::from_parts(c, r.applicant.reason_text.as_deref()))
                .map(|r| r.display()),
            originals: Original::labels_of(&r.sighted),
            audit_seq,
            audit_hash,
        }
    }
}

/// krilla's font, parsed (and hashed) once per process.
fn krilla_font() -> Option<Font> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| Font::new(krilla::Data::from(FONT_BYTES), 0))
        .clone()
}

/// Glyph lookup and advances through skrifa (see the module note).
struct Typesetter {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    upem: f32,
}

impl Typesetter {
    fn new() -> Result<Self, ReceiptError> {
        let font = krilla_font().ok_or(ReceiptError::Font)?;
        let sk = FontRef::new(FONT_BYTES).map_err(|_| ReceiptError::Font)?;
        let upem = f32::from(
            sk.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Self {
            font,
            charmap: sk.charmap(),
            metrics: sk.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem: upem.max(1.0),
        })
    }

    /// Glyphs with advances normalised to the em, each mapped to its character.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                // A character outside the font prints as .notdef but still extracts.
                let gid = self.charmap.map(c).unwrap_or_default();
                let advance = self.metrics.advance_width(gid).unwrap_or(self.upem) / self.upem;
                KrillaGlyph::new(
                    GlyphId::new(gid.to_u32()),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// Draws one line with its baseline at `y`; returns its width.
    fn draw(&self, s: &mut Surface<'_>, x: f32, y: f32, size: f32, text: &str) -> f32 {
        let glyphs = self.glyphs(text);
        s.draw_glyphs(
            Point::from_xy(x, y),
            &glyphs,
            self.font.clone(),
            text,
            size,
            false,
        );
        glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// Splits `text` into lines no wider than `max` (by character: CJK has no
    /// spaces); closing punctuation may overhang by one character.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut w = 0.0;
        for (c, g) in text.chars().zip(self.glyphs(text)) {
            let adv = g.x_advance * size;
            // Closing punctuation hangs at the end of the line rather than
            // starting the next one (a line never begins with ；or 。).
            if w + adv > max && !line.is_empty() && !NO_LINE_START.contains(c) {
                lines.push(std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += adv;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Characters a Chinese line must not begin with.
const NO_LINE_START: &str = "，。；：、！？）》」』”’…%";

fn status_text(d: &ReceiptData) -> String {
    match d.status {
        RegistrationStatus::PendingCountersign => {
            "待复核（单位面签须经审核人员复核后生效）".to_owned()
        }
        s => s.label().to_owned(),
    }
}

fn rows(d: &ReceiptData) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("受理编号", d.number.clone()),
        ("业务类型", format!("{}面签注册", d.kind.label())),
        ("办理状态", status_text(d)),
    ];
    match d.kind {
        RegistrationKind::Person => {
            rows.push(("姓名", d.name.clone()));
            rows.push(("证件", format!("{} {}", d.document.0, d.document.1)));
        }
        RegistrationKind::Company => {
            rows.push(("单位名称", d.name.clone()));
            rows.push(("单位代码", format!("{} {}", d.document.0, d.document.1)));
        }
    }
    if let Some((name, label, number)) = &d.agent {
        rows.push(("代理人", name.clone()));
        rows.push(("代理人证件", format!("{label} {number}")));
    }
    rows.push(("手机号码", d.masked_mobile.clone()));
    if let Some(r) = &d.reason {
        rows.push(("办理原因", r.clone()));
    }
    for (i, o) in d.originals.iter().enumerate() {
        rows.push((if i == 0 { "已核验原件" } else { "" }, format!("√ {o}")));
    }
    rows.push(("受理人", d.clerk.clone()));
    rows.push(("受理单位", d.office.clone()));
    rows.push(("受理时间", clock::fmt_second(d.registered_at)));
    rows.push(("打印时间", clock::fmt_second(d.printed_at)));
    rows
}

/// The QR code's dark modules as filled rectangles (one per horizontal run).
fn draw_qr(s: &mut Surface<'_>, text: &str, x: f32, y: f32, size: f32) -> Result<(), ReceiptError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| ReceiptError::Qr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    let module = size / n as f32;
    let mut pb = PathBuilder::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                if let Some(r) = Rect::from_xywh(
                    x + start as f32 * module,
                    y + row as f32 * module,
                    (col - start) as f32 * module,
                    module,
                ) {
                    pb.push_rect(r);
                }
            } else {
                col += 1;
            }
        }
    }
    if let Some(path) = pb.finish() {
        s.set_fill(Some(krilla::paint::Fill::default()));
        s.draw_path(&path);
    }
    Ok(())
}

fn rule(s: &mut Surface<'_>, y: f32) {
    let mut pb = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(MARGIN, y, PAGE_W - 2.0 * MARGIN, 0.6) {
        pb.push_rect(r);
    }
    if let Some(p) = pb.finish() {
        s.draw_path(&p);
    }
}

impl ReceiptData {
    /// The PDF to save or print. Rendering takes a while (fonts, layout, QR
    /// code), so it runs on a job runner: never inside the write that issued
    /// the receipt, never on the writer thread, never on the UI thread.
    pub fn render_file(&self) -> Result<ReceiptFile, AppError> {
        let pdf = render(self).map_err(|e| AppError::rejected(e.to_string()))?;
        Ok(ReceiptFile {
            file_name: format!("面签回执-{}.pdf", self.number),
            number: self.number.clone(),
            pdf,
        })
    }
}

/// Renders the receipt as PDF bytes.
pub fn render(d: &ReceiptData) -> Result<Vec<u8>, ReceiptError> {
    let ts = Typesetter::new()?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("面签注册受理回执 {}", d.number))
            .language("zh-CN".to_owned())
            .creator("CounterDesk 车管所面签工作台".to_owned())
            // The chain head as an anchor token, in the document's metadata
            // where `verify-audit --anchor` finds it in the file's bytes.
            .keywords(vec![
                crate::domain::clerks::anchor::Anchor {
                    seq: d.audit_seq,
                    hash: d.audit_hash.clone(),
                }
                .to_string(),
            ]),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReceiptError::Pdf("页面尺寸无效".to_owned()))?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    s.set_fill(Some(krilla::paint::Fill::default()));

    let title = "交管12123面签注册受理回执";
    let tw = ts.width(title, 20.0);
    ts.draw(&mut s, (PAGE_W - tw) / 2.0, 80.0, 20.0, title);
    let ow = ts.width(&d.office, 12.0);
    ts.draw(&mut s, (PAGE_W - ow) / 2.0, 104.0, 12.0, &d.office);
    rule(&mut s, 118.0);

    draw_qr(&mut s, &d.number, PAGE_W - MARGIN - QR_SIZE, 132.0, QR_SIZE)?;
    s.set_fill(Some(krilla::paint::Fill::default()));

    let value_max = PAGE_W - MARGIN - QR_SIZE - 12.0 - VALUE_X;
    let mut y = 150.0;
    for (i, (label, value)) in rows(d).iter().enumerate() {
        let size = if i == 0 { 14.0 } else { 11.5 };
        // Rows beside the QR code are narrower than those below it.
        let max = if y < 132.0 + QR_SIZE + 10.0 {
            value_max
        } else {
            PAGE_W - MARGIN - VALUE_X
        };
        ts.draw(&mut s, LABEL_X, y, 11.5, label);
        for line in ts.wrap(value, size, max) {
            ts.draw(&mut s, VALUE_X, y, size, &line);
            y += size + 9.0;
        }
        y += 2.0;
    }

    y += 8.0;
    rule(&mut s, y);
    y += 22.0;
    let notice = "说明：本回执证明窗口已受理面签注册，请妥善保管。状态为“待复核”的单位面签，经审核人员复核后生效；如需更改手机号码，请携带本人有效身份证明原件到窗口办理。";
    for line in ts.wrap(notice, 10.0, PAGE_W - 2.0 * MARGIN) {
        ts.draw(&mut s, MARGIN, y, 10.0, &line);
        y += 16.0;
    }
    y += 10.0;
    let anchor = format!("审计链锚点：第 {} 条", d.audit_seq);
    ts.draw(&mut s, MARGIN, y, 8.0, &anchor);
    y += 12.0;
    ts.draw(&mut s, MARGIN, y, 7.0, &format!("SHA-256 {}", d.audit_hash));

    s.finish();
    page.finish();
    doc.finish()
        .map_err(|e| ReceiptError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_ids_above_32767_are_kept() {
        let ts = Typesetter::new().unwrap();
        let g = ts.glyphs("面");
        assert!(
            g[0].glyph_id.to_u32() >= 32768,
            "面 is a high glyph id in this font"
        );
        assert!(g[0].x_advance > 0.5);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        let ts = Typesetter::new().unwrap();
        let text = "说明：本回执证明窗口已受理面签注册，请妥善保管。状态为“待复核”的单位面签，经审核人员复核后生效；如需更改手机号码，请携带本人有效身份证明原件到窗口办理。";
        for width in (100..=520).step_by(3) {
            for line in ts.wrap(text, 10.0, width as f32) {
                let first = line.chars().next().unwrap_or(' ');
                assert!(!NO_LINE_START.contains(first), "{width}: {line}");
            }
        }
    }

    #[test]
    fn wrap_respects_width() {
        let ts = Typesetter::new().unwrap();
        let lines = ts.wrap(&"面签".repeat(40), 10.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| ts.width(l, 10.0) <= 100.0 + 0.01));
    }
}
