//! The document viewer's work off the UI thread: one page of a scan or
//! photo turned into pixels (images decoded under the scan limits, PDF pages
//! rendered with hayro), and a registration's scan bytes read for it.

use std::sync::Arc;

use image::ImageFormat;

use crate::app::clerks::access::require_role;
use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::registration::attachments::ScanFormat;
use crate::app::registration::attachments::decode_image;
use crate::app::registration::attachments::sniff;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::clerk::Role;
use crate::store::Store;

/// Longest side of a page handed to the screen (a texture must stay small).
pub const PAGE_MAX_SIDE: u32 = 2048;
/// PDF pages are drawn at up to this many pixels per PDF point (2 ≈ 144 dpi).
const PDF_SCALE: f32 = 2.0;

/// One page as straight RGBA, row-major.
#[derive(Debug, Clone)]
pub struct PagePixels {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Why a page could not be shown, in the clerk's words. `pdf` says whether
/// the system's own viewer may do better (offer 用系统程序打开).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub message: String,
    pub pdf: bool,
}

/// Renders page `page` (0-based) of a stored scan or photo. Slow: run it on
/// the job runner. A decoder panic on a hostile file becomes an error.
pub fn render_page(bytes: &[u8], page: usize) -> Result<PagePixels, PageError> {
    let format = sniff(bytes);
    let pdf = format == Some(ScanFormat::Pdf);
    let fail = |message: String| PageError { message, pdf };
    let out = std::panic::catch_unwind(|| match format {
        Some(ScanFormat::Pdf) => render_pdf(bytes, page),
        Some(ScanFormat::Jpeg) => image_page(bytes, ImageFormat::Jpeg),
        Some(ScanFormat::Png) => image_page(bytes, ImageFormat::Png),
        Some(ScanFormat::Tiff) => image_page(bytes, ImageFormat::Tiff),
        None => Err("不是可显示的图像或 PDF 文件".to_owned()),
    });
    match out {
        Ok(r) => r.map_err(fail),
        Err(_) => Err(fail("文件已损坏，无法显示".to_owned())),
    }
}

fn image_page(bytes: &[u8], format: ImageFormat) -> Result<PagePixels, String> {
    let img = decode_image(bytes, format)?;
    let img = if img.width().max(img.height()) > PAGE_MAX_SIDE {
        img.resize(
            PAGE_MAX_SIDE,
            PAGE_MAX_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let rgba = img.to_rgba8();
    Ok(PagePixels {
        width: rgba.width() as usize,
        height: rgba.height() as usize,
        rgba: rgba.into_raw(),
    })
}

fn render_pdf(bytes: &[u8], page: usize) -> Result<PagePixels, String> {
    use hayro::hayro_syntax::Pdf;
    use hayro::{PixmapSettings, RenderCache, RenderSettings};
    let pdf =
        Pdf::new(bytes.to_vec()).map_err(|_| "无法读取该 PDF（已加密或已损坏）".to_owned())?;
    let pages = pdf.pages();
    let Some(p) = pages.get(page) else {
        return Err(format!("该 PDF 没有第 {} 页", page + 1));
    };
    let (w, h) = p.render_dimensions();
    if !(w.is_finite() && h.is_finite()) || w < 1.0 || h < 1.0 {
        return Err("该页尺寸无效，无法显示".to_owned());
    }
    let scale = PDF_SCALE.min(PAGE_MAX_SIDE as f32 / w.max(h));
    let settings = hayro::hayro_interpret::InterpreterSettings::default();
    let pixmap = hayro::render(
        p,
        &RenderCache::new(),
        &settings,
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let (pw, ph) = (usize::from(pixmap.width()), usize::from(pixmap.height()));
    if pw == 0 || ph == 0 {
        return Err("该页无法绘制".to_owned());
    }
    // Drawn on opaque white: premultiplied and straight alpha are the same.
    let rgba = pixmap.data_as_u8_slice().to_vec();
    Ok(PagePixels {
        width: pw,
        height: ph,
        rgba,
    })
}

/// The bytes of one scan of registration `id`, for the viewer. Only a scan
/// attached to that registration is handed out, to a clerk who may open it.
pub fn scan_bytes(
    store: &mut Store,
    actor: &SessionClerk,
    id: i64,
    sha256: &str,
) -> Result<Arc<[u8]>, AppError> {
    let bytes = store.read_checked(|tx| -> Result<_, AppError> {
        require_role(
            tx,
            actor,
            |r: Role| r.can_register() || r.can_decide(),
            "只有窗口和审核人员可以查看扫描件",
        )?;
        if !tx
            .attachments_of(id)?
            .iter()
            .any(|a| a.data.sha256 == sha256)
        {
            return Err(AppError::rejected("该扫描件不属于这条面签记录".to_owned()));
        }
        tx.scan_blob(sha256)?
            .ok_or_else(|| AppError::rejected("扫描件已不在数据库中".to_owned()))
    })?;
    Ok(bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 10, 10]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn an_image_page_is_rgba_and_capped() {
        let p = render_page(&png(40, 20), 0).unwrap();
        assert_eq!((p.width, p.height, p.rgba.len()), (40, 20, 40 * 20 * 4));
        assert_eq!(&p.rgba[..4], &[200, 10, 10, 255]);
    }

    #[test]
    fn a_broken_pdf_says_so_and_offers_the_system_viewer() {
        let e = render_page(b"%PDF-1.7\ngarbage", 0).unwrap_err();
        assert!(e.pdf);
        assert!(e.message.contains("无法读取"), "{}", e.message);
        let e = render_page(b"hello", 0).unwrap_err();
        assert!(!e.pdf);
    }
}
