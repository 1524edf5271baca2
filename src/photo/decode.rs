//! Safe decoding: only regular files, file size capped, dimensions and the
//! decode's memory read from the header before any pixel buffer exists, JPEG
//! entropy data checked to cover the whole frame, EXIF orientation applied.

use std::io::{Cursor, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, RgbImage};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::error::PhotoError;
use super::exif::{self, ExifInfo};
use super::jpeg_scan::{self, ScanError};
use super::thresholds::THRESHOLDS;

/// A decoded photo, upright, 8-bit RGB.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub rgb: RgbImage,
    pub format: ImageFormat,
    pub file_bytes: u64,
    pub exif: ExifInfo,
    /// Conversions made on the way (16-bit, CMYK, alpha), in Chinese.
    pub notes: Vec<String>,
}

/// Reads at most `max_file_bytes` of a regular file. FIFOs, devices and
/// directories are refused before opening, and the opened handle is checked
/// again (the path may have been swapped in between).
pub fn read_file(path: &Path) -> Result<Vec<u8>, PhotoError> {
    let limit = THRESHOLDS.max_file_bytes;
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(PhotoError::NotRegularFile);
    }
    let size = meta.len();
    if size > limit {
        return Err(PhotoError::FileTooLarge { size, limit });
    }
    let file = open_no_block(path)?;
    if !file.metadata()?.is_file() {
        return Err(PhotoError::NotRegularFile);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows between stat and read
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(PhotoError::FileTooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opening a FIFO blocks until a writer appears; O_NONBLOCK makes a FIFO
/// swapped in after the `metadata` check open at once (and fail the re-check).
#[cfg(unix)]
fn open_no_block(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_block(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Decodes JPEG or PNG bytes into an upright RGB image.
///
/// Memory: the header is read first and the whole decode (file bytes, RGB
/// output, coefficient buffers of progressive JPEGs, the rotated copy) is
/// estimated against `max_alloc_bytes` before any pixel buffer exists. PNGs
/// are decoded row by row straight into 8-bit RGB, so a 16-bit or RGBA file
/// costs no more than an 8-bit RGB one.
pub fn decode(bytes: &[u8]) -> Result<Decoded, PhotoError> {
    let t = &THRESHOLDS;
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() as u64 > t.max_file_bytes {
        return Err(PhotoError::FileTooLarge {
            size: bytes.len() as u64,
            limit: t.max_file_bytes,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::UnknownFormat)?;
    let exif = exif::read(bytes);
    let orientation = exif
        .orientation
        .and_then(|o| u8::try_from(o).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms);
    let transposed = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let budget = Budget {
        file: bytes.len() as u64,
        transposed,
    };
    let mut notes = Vec::new();
    let rgb = match format {
        ImageFormat::Jpeg => decode_jpeg(bytes, budget, &mut notes)?,
        ImageFormat::Png => decode_png(bytes, budget, &mut notes)?,
        other => return Err(PhotoError::UnsupportedFormat(format!("{other:?}"))),
    };
    let rgb = if orientation == Orientation::NoTransforms {
        rgb
    } else {
        let mut img = DynamicImage::ImageRgb8(rgb);
        img.apply_orientation(orientation);
        img.into_rgb8()
    };
    Ok(Decoded {
        rgb,
        format,
        file_bytes: bytes.len() as u64,
        exif,
        notes,
    })
}

/// Width and height from the header alone (no pixels), for callers that
/// budget memory before decoding several photos at once.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// What the decode will hold besides the RGB output.
#[derive(Clone, Copy)]
struct Budget {
    file: u64,
    /// EXIF orientation 5–8: turning the picture upright needs a second RGB buffer.
    transposed: bool,
}

impl Budget {
    /// Refuses when file + RGB (+ rotated copy) + `extra` exceed the cap.
    fn check(self, width: u32, height: u32, extra: u64) -> Result<(), PhotoError> {
        let cap = THRESHOLDS.max_alloc_bytes;
        let rgb = u64::from(width) * u64::from(height) * 3;
        let needed = self.file + rgb + extra + if self.transposed { rgb } else { 0 };
        if needed > cap {
            const MIB: u64 = 1024 * 1024;
            return Err(PhotoError::MemoryLimit {
                needed_mib: needed.div_ceil(MIB),
                limit_mib: cap / MIB,
            });
        }
        Ok(())
    }
}

fn decode_jpeg(
    bytes: &[u8],
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<RgbImage, PhotoError> {
    let header = jpeg_scan::header(bytes).map_err(scan_error)?;
    check_dimensions(header.width, header.height)?;
    // zune-jpeg keeps every DCT coefficient (i16) of a progressive or
    // multi-scan JPEG until the last scan: refuse before it allocates them
    let coefficients = header.coefficient_blocks * 64 * 2;
    let buffered = |progressive: bool, scans: u32| progressive || scans > 1;
    budget.check(
        header.width,
        header.height,
        if buffered(header.progressive, 1) {
            coefficients
        } else {
            0
        },
    )?;
    // the decoder pads a scan that ends early with zero bits; `verify`
    // decodes the entropy data and refuses a scan that runs out of it. When
    // even a buffered decode fits the memory cap it runs beside the decoder
    // (a camera photo's pass takes a quarter of the decode's time); its
    // verdict still comes first, so the answer is the same either way. The
    // pass itself keeps one u64 per block of a progressive JPEG.
    let pass_bytes = header.coefficient_blocks * 8;
    let beside = budget
        .check(header.width, header.height, coefficients + pass_bytes)
        .is_ok();
    let (info, decoded) = if beside {
        std::thread::scope(|s| {
            let pass = s.spawn(|| jpeg_scan::verify(bytes));
            let decoded = zune_decode(bytes);
            match pass.join() {
                Ok(info) => (info, Some(decoded)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    } else {
        (jpeg_scan::verify(bytes), None)
    };
    let info = info.map_err(scan_error)?;
    if buffered(info.progressive, info.scans) {
        budget.check(info.width, info.height, coefficients)?;
    }
    if info.components == 4 {
        notes.push("CMYK 色彩已转换为 RGB".to_owned());
    }
    decoded.unwrap_or_else(|| zune_decode(bytes))
}

/// zune-jpeg, strict, straight into an RGB buffer.
fn zune_decode(bytes: &[u8]) -> Result<RgbImage, PhotoError> {
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(THRESHOLDS.max_side_px as usize)
        .set_max_height(THRESHOLDS.max_side_px as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(zune_error)?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| PhotoError::Corrupt("JPEG 文件头不完整".into()))?;
    let len = decoder
        .output_buffer_size()
        .ok_or_else(|| PhotoError::Corrupt("JPEG 文件头不完整".into()))?;
    let mut buf = alloc(len)?;
    decoder.decode_into(&mut buf).map_err(zune_error)?;
    RgbImage::from_raw(w as u32, h as u32, buf)
        .ok_or_else(|| PhotoError::Corrupt("JPEG 解码结果尺寸不符".into()))
}

fn decode_png(
    bytes: &[u8],
    budget: Budget,
    notes: &mut Vec<String>,
) -> Result<RgbImage, PhotoError> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // palette and low bit depths to 8-bit, tRNS to alpha, 16-bit to 8-bit
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let head = decoder.read_header_info().map_err(png_error)?;
    let (width, height) = (head.width, head.height);
    let sixteen = head.bit_depth == png::BitDepth::Sixteen;
    let interlaced = head.interlaced;
    check_dimensions(width, height)?;
    // an interlaced PNG is decoded whole (up to 4 bytes a pixel) before conversion
    let whole_frame = if interlaced {
        u64::from(width) * u64::from(height) * 4
    } else {
        0
    };
    budget.check(width, height, whole_frame)?;
    let mut reader = decoder.read_info().map_err(png_error)?;
    let (colour, _) = reader.output_color_type();
    let channels = colour.samples();
    let row_len = width as usize * channels;
    let mut rgb = alloc(width as usize * height as usize * 3)?;
    rgb.clear();
    let mut min_alpha = u8::MAX;
    if interlaced {
        let size = reader
            .output_buffer_size()
            .ok_or(PhotoError::AllocationLimit)?;
        let mut frame = alloc(size)?;
        reader.next_frame(&mut frame).map_err(png_error)?;
        for row in frame.chunks_exact(row_len).take(height as usize) {
            push_rgb(&mut rgb, row, channels, &mut min_alpha);
        }
    } else {
        while let Some(row) = reader.next_row().map_err(png_error)? {
            push_rgb(&mut rgb, row.data(), channels, &mut min_alpha);
        }
    }
    if rgb.len() != width as usize * height as usize * 3 {
        return Err(PhotoError::Corrupt("PNG 图像数据不完整".into()));
    }
    if sixteen {
        notes.push("16 位图像已转换为 8 位".to_owned());
    }
    if channels == 2 || channels == 4 {
        if min_alpha < THRESHOLDS.min_alpha {
            return Err(PhotoError::Transparent);
        }
        notes.push("不透明的 Alpha 通道已忽略".to_owned());
    }
    RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| PhotoError::Corrupt("PNG 解码结果尺寸不符".into()))
}

/// Appends one 8-bit row (grey, grey+alpha, RGB or RGBA) as RGB.
fn push_rgb(out: &mut Vec<u8>, row: &[u8], channels: usize, min_alpha: &mut u8) {
    match channels {
        1 => row.iter().for_each(|&g| out.extend_from_slice(&[g, g, g])),
        2 => row.chunks_exact(2).for_each(|p| {
            *min_alpha = (*min_alpha).min(p[1]);
            out.extend_from_slice(&[p[0], p[0], p[0]]);
        }),
        3 => out.extend_from_slice(row),
        _ => row.chunks_exact(4).for_each(|p| {
            *min_alpha = (*min_alpha).min(p[3]);
            out.extend_from_slice(&p[..3]);
        }),
    }
}

/// A zeroed buffer, or a refusal instead of an abort when memory is short.
fn alloc(len: usize) -> Result<Vec<u8>, PhotoError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| PhotoError::AllocationLimit)?;
    v.resize(len, 0);
    Ok(v)
}

fn check_dimensions(width: u32, height: u32) -> Result<(), PhotoError> {
    let t = &THRESHOLDS;
    if width == 0 || height == 0 {
        return Err(PhotoError::DimensionsInvalid { width, height });
    }
    if width > t.max_side_px
        || height > t.max_side_px
        || u64::from(width) * u64::from(height) > t.max_pixels
    {
        return Err(PhotoError::DimensionsTooLarge { width, height });
    }
    Ok(())
}

fn scan_error(e: ScanError) -> PhotoError {
    match e {
        ScanError::Truncated {
            scan,
            decoded,
            expected,
        } => PhotoError::Corrupt(format!(
            "文件被截断，图像数据只到约 {}%（第 {scan} 遍扫描 {decoded}/{expected} 块）",
            decoded * 100 / expected.max(1)
        )),
        ScanError::NoImageData => PhotoError::Corrupt("JPEG 文件中没有图像数据".into()),
        ScanError::Malformed(what) => PhotoError::Corrupt(format!("JPEG {what}损坏")),
        ScanError::Unsupported => {
            PhotoError::UnsupportedFormat("JPEG 的算术编码、无损或 12 位变体".into())
        }
    }
}

fn zune_error(e: zune_jpeg::errors::DecodeErrors) -> PhotoError {
    use zune_jpeg::errors::DecodeErrors as E;
    match e {
        E::LargeDimensions(_) => PhotoError::AllocationLimit,
        E::Unsupported(_) => PhotoError::UnsupportedFormat("该 JPEG 编码方式".into()),
        E::ExhaustedData => PhotoError::Corrupt("文件不完整".into()),
        // the decoder's own text is English: the clerk gets the gist in Chinese
        _ => PhotoError::Corrupt("JPEG 图像数据错误".into()),
    }
}

fn png_error(e: png::DecodingError) -> PhotoError {
    match e {
        png::DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            PhotoError::Corrupt("文件不完整".into())
        }
        png::DecodingError::IoError(_) => PhotoError::Corrupt("PNG 数据读取失败".into()),
        png::DecodingError::LimitsExceeded => PhotoError::AllocationLimit,
        _ => PhotoError::Corrupt("PNG 图像数据错误".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_text_are_refused() {
        assert!(matches!(decode(&[]), Err(PhotoError::Empty)));
        assert!(matches!(
            decode("不是照片".as_bytes()),
            Err(PhotoError::UnknownFormat)
        ));
    }

    #[test]
    fn tiny_png_decodes() {
        let img = RgbImage::from_pixel(4, 6, image::Rgb([255, 255, 255]));
        let mut buf = Vec::new();
        img.write_to(&mut Cursor::new(&mut buf), ImageFormat::Png)
            .unwrap();
        let d = decode(&buf).unwrap();
        assert_eq!(d.rgb.dimensions(), (4, 6));
    }

    #[test]
    fn oversized_dimensions_refused_before_decoding() {
        assert!(matches!(
            check_dimensions(30_000, 30_000),
            Err(PhotoError::DimensionsTooLarge { .. })
        ));
        assert!(check_dimensions(4000, 3000).is_ok());
    }
}
