//! EXIF orientation: a compliant photo stored in any of the 8 orientations,
//! with the tag that turns it upright, measures the same as the upright one.

use std::io::Cursor;
use std::path::PathBuf;

use chrono::NaiveDate;
use counterdesk::photo::{self, PhotoReport, PhotoVerdict};
use exif::experimental::Writer;
use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageEncoder, RgbImage, imageops};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn upright() -> RgbImage {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos/ok_520x756.jpg");
    image::open(p).unwrap().to_rgb8()
}

fn jpeg_with_orientation(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut w = Writer::new();
    let o = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![orientation]),
    };
    let d = Field {
        tag: Tag::DateTimeOriginal,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![b"2026:10:02 09:30:00".to_vec()]),
    };
    w.push_field(&o);
    w.push_field(&d);
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).unwrap();
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 95);
    enc.set_exif_metadata(tiff.into_inner()).unwrap();
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    out
}

/// The 8 ways to store the upright picture.
fn dihedral(img: &RgbImage) -> Vec<RgbImage> {
    let r90 = imageops::rotate90(img);
    let r270 = imageops::rotate270(img);
    vec![
        img.clone(),
        imageops::flip_horizontal(img),
        imageops::flip_vertical(img),
        imageops::rotate180(img),
        imageops::flip_horizontal(&r90),
        imageops::flip_horizontal(&r270),
        r90,
        r270,
    ]
}

fn check(bytes: &[u8]) -> PhotoReport {
    photo::check_bytes(bytes, today()).unwrap().report
}

#[test]
fn all_eight_orientations_measure_like_the_upright_photo() {
    let up = upright();
    let base = check(&jpeg_with_orientation(&up, 1));
    assert_eq!(base.verdict, PhotoVerdict::Pass);
    let stored = dihedral(&up);
    for o in 1..=8u8 {
        let orientation = Orientation::from_exif(o).unwrap();
        // the stored picture that this tag turns upright
        let s = stored
            .iter()
            .find(|s| {
                let mut d = DynamicImage::ImageRgb8((*s).clone());
                d.apply_orientation(orientation);
                d.as_rgb8() == Some(&up)
            })
            .unwrap();
        let r = check(&jpeg_with_orientation(s, u16::from(o)));
        assert_eq!((r.width_px, r.height_px), (520, 756), "orientation {o}");
        assert_eq!(r.verdict, base.verdict, "orientation {o}");
        assert_eq!(r.face_count, 1, "orientation {o}");
        let g = (&r.geometry, &base.geometry);
        let dl = (g.0.head_length_mm.unwrap() - g.1.head_length_mm.unwrap()).abs();
        let dw = (g.0.head_width_mm.unwrap() - g.1.head_width_mm.unwrap()).abs();
        println!("orientation {o}: length {dl:.2} mm, width {dw:.2} mm from upright");
        // the stored pixels differ by JPEG blocks and 4:2:0 chroma falling
        // elsewhere once turned, so not to the pixel: far inside the tolerances
        assert!(dl <= 0.3, "orientation {o}: length differs by {dl:.2} mm");
        assert!(dw <= 0.3, "orientation {o}: width differs by {dw:.2} mm");
    }
}
