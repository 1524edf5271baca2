//! Safe decoding: file size capped, dimensions read from the header before any
//! pixel buffer exists, decoder allocations capped, EXIF orientation applied.

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use super::error::PhotoError;
use super::exif::{self, ExifInfo};
use super::jpeg_segments;
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

/// Reads at most `max_file_bytes` of a file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, PhotoError> {
    let limit = THRESHOLDS.max_file_bytes;
    let size = std::fs::metadata(path)?.len();
    if size > limit {
        return Err(PhotoError::FileTooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows between stat and read
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(PhotoError::FileTooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Decodes JPEG or PNG bytes into an upright RGB image.
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
    match format {
        ImageFormat::Jpeg | ImageFormat::Png => {}
        other => return Err(PhotoError::UnsupportedFormat(format!("{other:?}"))),
    }
    // header only: no pixel buffer yet
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(map_image_error)?;
    check_dimensions(width, height)?;
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        // the JPEG decoder is lenient and would return grey rows for the missing part
        return Err(PhotoError::Corrupt(
            "文件被截断（缺少 JPEG 结束标记）".into(),
        ));
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(t.max_side_px);
    limits.max_image_height = Some(t.max_side_px);
    limits.max_alloc = Some(t.max_alloc_bytes);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    decoder.set_limits(limits).map_err(map_image_error)?;
    let orientation = decoder.orientation().ok();
    let original = decoder.original_color_type();
    let mut img = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }

    let mut notes = Vec::new();
    let cmyk = format!("{original:?}").starts_with("Cmyk")
        || (format == ImageFormat::Jpeg && jpeg_components(bytes) == Some(4));
    if cmyk {
        notes.push("CMYK 色彩已转换为 RGB".to_owned());
    }
    let color = img.color();
    if color.bytes_per_pixel() / color.channel_count().max(1) > 1 {
        notes.push("16 位图像已转换为 8 位".to_owned());
    }
    if color.has_alpha() {
        let rgba = img.to_rgba8();
        if rgba.pixels().any(|p| p.0[3] < t.min_alpha) {
            return Err(PhotoError::Transparent);
        }
        notes.push("不透明的 Alpha 通道已忽略".to_owned());
    }
    // no copy when the decoder already produced 8-bit RGB
    let rgb = img.into_rgb8();
    Ok(Decoded {
        rgb,
        format,
        file_bytes: bytes.len() as u64,
        exif: exif::read(bytes),
        notes,
    })
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

/// Number of colour components in the JPEG frame header (4 = CMYK/YCCK).
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let (_, frame) =
        jpeg_segments::segments(bytes).find(|(m, _)| jpeg_segments::is_frame_header(*m))?;
    // precision (1), height (2), width (2), then the component count
    frame.get(5).copied()
}

/// A complete JPEG ends with EOI (FF D9), possibly followed by padding.
fn has_jpeg_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

fn map_image_error(err: ImageError) -> PhotoError {
    match err {
        ImageError::Limits(_) => PhotoError::AllocationLimit,
        ImageError::Unsupported(u) => PhotoError::UnsupportedFormat(u.to_string()),
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            PhotoError::Corrupt("文件不完整".into())
        }
        other => PhotoError::Corrupt(other.to_string()),
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
