//! Scans for a registration, prepared on a background job (never the UI
//! thread): size cap, format by content (not extension), a safe decode with
//! the photo module's limits, SHA-256 for content addressing, a thumbnail.

use std::fmt;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::app::runtime::error::AppError;
use crate::domain::digest::sha256_hex;
use crate::domain::registration::scan::{MAX_SCAN_BYTES, THUMBNAIL_PX};
use crate::photo::thresholds::THRESHOLDS;

/// Where a scan comes from: a picked file, or bytes (a scanner, a test).
#[derive(Debug, Clone)]
pub enum ScanInput {
    Path(PathBuf),
    Bytes { file_name: String, bytes: Vec<u8> },
}

impl From<PathBuf> for ScanInput {
    fn from(p: PathBuf) -> Self {
        ScanInput::Path(p)
    }
}

impl From<&Path> for ScanInput {
    fn from(p: &Path) -> Self {
        ScanInput::Path(p.to_path_buf())
    }
}

/// What the content turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    Jpeg,
    Png,
    Tiff,
    Pdf,
}

impl ScanFormat {
    pub fn mime(self) -> &'static str {
        match self {
            ScanFormat::Jpeg => "image/jpeg",
            ScanFormat::Png => "image/png",
            ScanFormat::Tiff => "image/tiff",
            ScanFormat::Pdf => "application/pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::Tiff, Self::Pdf]
            .into_iter()
            .find(|f| f.mime() == mime)
    }

    pub fn label(self) -> &'static str {
        match self {
            ScanFormat::Jpeg => "JPEG",
            ScanFormat::Png => "PNG",
            ScanFormat::Tiff => "TIFF",
            ScanFormat::Pdf => "PDF",
        }
    }
}

/// A scan that passed every check, ready to submit. Fields are private so the
/// hash always belongs to the bytes; cloning shares the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedScan {
    file_name: String,
    format: ScanFormat,
    sha256: String,
    bytes: Arc<[u8]>,
    width: Option<u32>,
    height: Option<u32>,
    pages: Option<u32>,
    thumbnail_png: Option<Arc<[u8]>>,
}

impl fmt::Debug for PreparedScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedScan")
            .field("format", &self.format)
            .field("size", &self.bytes.len())
            .field("sha256", &self.sha256)
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl PreparedScan {
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
    pub fn format(&self) -> ScanFormat {
        self.format
    }
    pub fn mime(&self) -> &'static str {
        self.format.mime()
    }
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        self.width.zip(self.height)
    }
    /// PDF page count (images: `None`).
    pub fn pages(&self) -> Option<u32> {
        self.pages
    }
    /// PNG, longest side ≤ 256 px (images only).
    pub fn thumbnail_png(&self) -> Option<&[u8]> {
        self.thumbnail_png.as_deref()
    }
}

/// `3.0 MB`; under a megabyte in KB (`84 KB`), so a small scan never reads `0.0 MB`.
pub fn fmt_size(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if (bytes as f64) < MB * 0.95 {
        format!("{} KB", bytes.div_ceil(1024).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / MB)
    }
}

fn refuse(name: &str, why: impl fmt::Display) -> AppError {
    AppError::Rejected(format!("扫描件“{name}”{why}"))
}

fn too_large(name: &str, size: u64) -> AppError {
    refuse(
        name,
        format_args!(
            "过大（{}），上限 {}：请用 300 dpi 或更低分辨率重新扫描，或存为 JPEG 后再添加。",
            fmt_size(size),
            fmt_size(MAX_SCAN_BYTES)
        ),
    )
}

/// A name fit to show and store: no path, no control characters, not too long.
fn clean_name(name: &str) -> String {
    let n: String = name.chars().filter(|c| !c.is_control()).take(120).collect();
    if n.trim().is_empty() {
        "扫描件".to_owned()
    } else {
        n
    }
}

fn read_capped(path: &Path, name: &str) -> Result<Vec<u8>, AppError> {
    let unreadable = |e: std::io::Error| refuse(name, format_args!("无法读取：{e}。"));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_SCAN_BYTES {
        return Err(too_large(name, size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows between stat and read.
    std::fs::File::open(path)
        .map_err(unreadable)?
        .take(MAX_SCAN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_SCAN_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Format by magic bytes: a text file renamed `.jpg` is not a JPEG.
pub fn sniff(bytes: &[u8]) -> Option<ScanFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ScanFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ScanFormat::Png)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(ScanFormat::Tiff)
    } else if bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        Some(ScanFormat::Pdf)
    } else {
        None
    }
}

/// Validates one scan and computes its hash and thumbnail. Slow (decodes the
/// whole image): run it on a background job.
pub fn prepare(input: impl Into<ScanInput>) -> Result<PreparedScan, AppError> {
    let (name, bytes) = match input.into() {
        ScanInput::Path(p) => {
            let name = clean_name(&p.file_name().unwrap_or_default().to_string_lossy());
            let bytes = read_capped(&p, &name)?;
            (name, bytes)
        }
        ScanInput::Bytes { file_name, bytes } => {
            let name = clean_name(&file_name);
            if bytes.len() as u64 > MAX_SCAN_BYTES {
                return Err(too_large(&name, bytes.len() as u64));
            }
            (name, bytes)
        }
    };
    if bytes.is_empty() {
        return Err(refuse(&name, "是空文件（0 字节）：请重新扫描。"));
    }
    let Some(format) = sniff(&bytes) else {
        return Err(refuse(
            &name,
            "不是 JPEG、PNG、TIFF 或 PDF 文件（按文件内容判断，与扩展名无关）：请重新扫描或导出。",
        ));
    };
    // A decoder bug on a hostile file must refuse the file, not end the job runner.
    let inspected = std::panic::catch_unwind(|| inspect(&bytes, format))
        .map_err(|_| refuse(&name, "无法解析：文件已损坏。请重新扫描。"))?
        .map_err(|why| refuse(&name, why))?;
    let sha256 = sha256_hex(&bytes);
    tracing::debug!(format = format.label(), size = bytes.len(), "scan prepared");
    Ok(PreparedScan {
        file_name: name,
        format,
        sha256,
        bytes: bytes.into(),
        width: inspected.width,
        height: inspected.height,
        pages: inspected.pages,
        thumbnail_png: inspected.thumbnail.map(Into::into),
    })
}

/// A stored thumbnail (PNG, ≤ 256 px) as RGBA pixels for a texture: decoded
/// on a background job, never on the UI thread. `None` if it is not a small PNG.
pub fn thumbnail_rgba(png: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(THUMBNAIL_PX);
    limits.max_image_height = Some(THUMBNAIL_PX);
    limits.max_alloc = Some(4 * u64::from(THUMBNAIL_PX) * u64::from(THUMBNAIL_PX) * 2);
    let mut reader = ImageReader::with_format(Cursor::new(png), ImageFormat::Png);
    reader.limits(limits);
    let img = reader.decode().ok()?.to_rgba8();
    Some((img.width(), img.height(), img.into_raw()))
}

#[derive(Default)]
struct Inspected {
    width: Option<u32>,
    height: Option<u32>,
    pages: Option<u32>,
    thumbnail: Option<Vec<u8>>,
}

fn inspect(bytes: &[u8], format: ScanFormat) -> Result<Inspected, String> {
    match format {
        ScanFormat::Pdf => inspect_pdf(bytes),
        ScanFormat::Jpeg => inspect_image(bytes, ImageFormat::Jpeg),
        ScanFormat::Png => inspect_image(bytes, ImageFormat::Png),
        ScanFormat::Tiff => inspect_image(bytes, ImageFormat::Tiff),
    }
}

fn inspect_pdf(bytes: &[u8]) -> Result<Inspected, String> {
    use hayro_syntax::{LoadPdfError, Pdf};
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => {
            "是加密的 PDF，无法读取：请导出为未加密的 PDF 或图片后再添加。".to_owned()
        }
        LoadPdfError::Invalid => "是损坏的 PDF，无法读取：请重新扫描或导出。".to_owned(),
    })?;
    let pages = pdf.pages().len();
    if pages == 0 {
        return Err("是没有页面的 PDF：请重新扫描。".to_owned());
    }
    Ok(Inspected {
        pages: Some(u32::try_from(pages).unwrap_or(u32::MAX)),
        ..Inspected::default()
    })
}

fn decode_error(e: image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => {
            "尺寸或解码所需内存超过上限，为防止内存耗尽拒绝解码：请降低扫描分辨率。".to_owned()
        }
        image::ImageError::Unsupported(_) => {
            "使用了不支持的编码方式，无法解码：请存为 JPEG 或 PNG 后再添加。".to_owned()
        }
        _ => "已损坏或不完整，无法解码：请重新扫描。".to_owned(),
    }
}

fn inspect_image(bytes: &[u8], format: ImageFormat) -> Result<Inspected, String> {
    let img = decode_image(bytes, format)?;
    Ok(Inspected {
        width: Some(img.width()),
        height: Some(img.height()),
        pages: None,
        thumbnail: Some(thumbnail_png(&img)?),
    })
}

/// A whole scan decoded under the photo module's size and memory limits,
/// turned upright by its EXIF orientation. Slow: background jobs only.
pub(crate) fn decode_image(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, String> {
    let t = &THRESHOLDS;
    // Header only: no pixel buffer exists yet.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(decode_error)?;
    if w == 0 || h == 0 {
        return Err("尺寸无效（0 像素）：请重新扫描。".to_owned());
    }
    if w > t.max_side_px || h > t.max_side_px || u64::from(w) * u64::from(h) > t.max_pixels {
        return Err(format!(
            "尺寸过大（{w}×{h} 像素），为防止内存耗尽拒绝解码：请降低扫描分辨率。"
        ));
    }
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        // The JPEG decoder is lenient and would fill the missing part with grey.
        return Err("不完整（缺少 JPEG 结束标记）：请重新扫描。".to_owned());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(t.max_side_px);
    limits.max_image_height = Some(t.max_side_px);
    limits.max_alloc = Some(t.max_alloc_bytes);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    decoder.set_limits(limits).map_err(decode_error)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// Longest side ≤ 256 px, as PNG for the screen to show.
fn thumbnail_png(img: &DynamicImage) -> Result<Vec<u8>, String> {
    let small = img.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX);
    let small = if small.color().has_alpha() {
        DynamicImage::ImageRgba8(small.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(small.to_rgb8())
    };
    let mut out = Vec::new();
    small
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|_| "无法生成缩略图：请重新扫描。".to_owned())?;
    Ok(out)
}

fn has_jpeg_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn bytes(name: &str, b: Vec<u8>) -> ScanInput {
        ScanInput::Bytes {
            file_name: name.into(),
            bytes: b,
        }
    }

    #[test]
    fn an_image_gets_hash_and_small_thumbnail() {
        let s = prepare(bytes("front.png", png(800, 500))).unwrap();
        assert_eq!(s.format(), ScanFormat::Png);
        assert_eq!(s.dimensions(), Some((800, 500)));
        assert_eq!(s.sha256().len(), 64);
        let thumb = image::load_from_memory(s.thumbnail_png().unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (256, 160));
    }

    #[test]
    fn content_decides_not_the_extension() {
        let e = prepare(bytes("scan.jpg", b"hello, I am text".to_vec())).unwrap_err();
        assert!(e.to_string().contains("按文件内容判断"), "{e}");
        let e = prepare(bytes("empty.png", Vec::new())).unwrap_err();
        assert!(e.to_string().contains("空文件"));
        // a PNG named .jpg is still a PNG
        assert_eq!(
            prepare(bytes("really-png.jpg", png(10, 10)))
                .unwrap()
                .format(),
            ScanFormat::Png
        );
    }

    #[test]
    fn corrupt_image_is_refused() {
        let mut b = png(64, 64);
        b.truncate(b.len() / 2);
        let e = prepare(bytes("half.png", b)).unwrap_err();
        assert!(e.to_string().ends_with('。'), "{e}");
        let e = prepare(bytes("x.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0])).unwrap_err();
        assert!(e.to_string().starts_with("扫描件“x.jpg”"));
    }

    #[test]
    fn over_the_cap_is_refused_before_decoding() {
        let e = prepare(bytes("big.pdf", vec![0u8; 40 * 1024 * 1024])).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("40.0 MB") && msg.contains("10.0 MB"), "{msg}");
    }

    #[test]
    fn sizes_read_in_kb_below_a_megabyte() {
        assert_eq!(fmt_size(1), "1 KB");
        assert_eq!(fmt_size(86_000), "84 KB");
        assert_eq!(fmt_size(3 * 1024 * 1024), "3.0 MB");
        assert_eq!(fmt_size(10 * 1024 * 1024), "10.0 MB");
    }

    #[test]
    fn a_bad_pdf_is_refused() {
        let e = prepare(bytes("x.pdf", b"%PDF-1.7\ngarbage".to_vec())).unwrap_err();
        assert!(e.to_string().contains("PDF"), "{e}");
    }
}
