//! Background mask: near-white, low-chroma pixels connected to the border,
//! grown with a small luma step so soft gradients join but hair edges stop it
//! (the fallback when the segmentation model is unavailable; the checks over
//! it are in backdrop.rs).

use image::{GrayImage, RgbImage};

use super::pixels::chroma;
use super::thresholds::THRESHOLDS;

/// `true` where the pixel is background.
#[derive(Debug, Clone)]
pub struct BackgroundMask {
    pub width: u32,
    pub height: u32,
    pub bits: Vec<bool>,
    pub count: usize,
}

impl BackgroundMask {
    pub fn is_bg(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.bits[(y * self.width + x) as usize]
    }

    pub fn share(&self) -> f32 {
        self.count as f32 / (self.width as f32 * self.height as f32).max(1.0)
    }
}

/// Flood fill from every qualifying border pixel. `grey` is `rgb`'s luma
/// (`pixels::to_grey`), passed in rather than computed a second time.
pub fn background_mask(rgb: &RgbImage, grey: &GrayImage) -> BackgroundMask {
    let t = &THRESHOLDS;
    let (w, h) = rgb.dimensions();
    let n = (w as usize) * (h as usize);
    let mut bits = vec![false; n];
    let lum: &[u8] = grey.as_raw();
    let ok: Vec<bool> = rgb
        .pixels()
        .zip(lum)
        .map(|(p, &l)| chroma(p.0) <= t.bg_max_chroma && l >= t.bg_min_luma)
        .collect();
    let mut stack: Vec<u32> = Vec::new();
    let seed = |i: usize, bits: &mut Vec<bool>, stack: &mut Vec<u32>| {
        if ok[i] && !bits[i] {
            bits[i] = true;
            stack.push(i as u32);
        }
    };
    for x in 0..w {
        seed(x as usize, &mut bits, &mut stack);
        seed(((h - 1) * w + x) as usize, &mut bits, &mut stack);
    }
    for y in 0..h {
        seed((y * w) as usize, &mut bits, &mut stack);
        seed((y * w + w - 1) as usize, &mut bits, &mut stack);
    }
    let mut count = stack.len();
    while let Some(i) = stack.pop() {
        let (x, y) = (i % w, i / w);
        let l = lum[i as usize];
        let mut visit = |j: usize| {
            if !bits[j] && ok[j] && lum[j].abs_diff(l) <= t.bg_max_step {
                bits[j] = true;
                count += 1;
                stack.push(j as u32);
            }
        };
        if x > 0 {
            visit((i - 1) as usize);
        }
        if x + 1 < w {
            visit((i + 1) as usize);
        }
        if y > 0 {
            visit((i - w) as usize);
        }
        if y + 1 < h {
            visit((i + w) as usize);
        }
    }
    BackgroundMask {
        width: w,
        height: h,
        bits,
        count,
    }
}

/// Summed-area table of non-background pixels over the first `rows` rows.
pub struct SubjectCounts {
    width: u32,
    rows: u32,
    sums: Vec<u32>,
}

impl SubjectCounts {
    pub fn new(mask: &BackgroundMask, rows: u32) -> SubjectCounts {
        let w = mask.width as usize;
        let mut sums = vec![0u32; (w + 1) * (rows as usize + 1)];
        // rows past the mask count as subject, as `is_bg` reads them
        let outside = vec![false; w];
        for y in 0..rows as usize {
            let (above, below) = sums.split_at_mut((y + 1) * (w + 1));
            let above = &above[y * (w + 1) + 1..];
            let bits = mask.bits.get(y * w..(y + 1) * w).unwrap_or(&outside);
            let mut run = 0u32;
            for ((s, &up), &bg) in below[1..=w].iter_mut().zip(above).zip(bits) {
                run += u32::from(!bg);
                *s = up + run;
            }
        }
        SubjectCounts {
            width: mask.width,
            rows,
            sums,
        }
    }

    /// No subject pixel within the (2r+1)² square around (x, y).
    pub fn none_within(&self, x: u32, y: u32, r: u32) -> bool {
        let w = self.width as usize + 1;
        let x0 = x.saturating_sub(r) as usize;
        let y0 = y.saturating_sub(r) as usize;
        let x1 = (x + r + 1).min(self.width) as usize;
        let y1 = (y + r + 1).min(self.rows) as usize;
        let s = |xx: usize, yy: usize| self.sums[yy * w + xx];
        s(x1, y1) + s(x0, y0) == s(x0, y1) + s(x1, y0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn white_border_is_background_dark_centre_is_not() {
        let mut img = RgbImage::from_pixel(20, 30, Rgb([250, 250, 250]));
        for y in 10..20 {
            for x in 5..15 {
                img.put_pixel(x, y, Rgb([120, 80, 60]));
            }
        }
        let m = background_mask(&img, &super::super::pixels::to_grey(&img));
        assert!(m.is_bg(0, 0));
        assert!(!m.is_bg(10, 15));
        assert_eq!(m.count, 20 * 30 - 100);
    }

    #[test]
    fn subject_counts_match_a_direct_count() {
        let mut img = RgbImage::from_pixel(23, 17, Rgb([250, 250, 250]));
        for (x, y) in [(5, 5), (6, 5), (12, 3), (0, 16), (22, 0)] {
            img.put_pixel(x, y, Rgb([20, 20, 20]));
        }
        let m = background_mask(&img, &super::super::pixels::to_grey(&img));
        // 20 rows: three past the mask, which count as subject
        let c = SubjectCounts::new(&m, 20);
        for y in 0..20u32 {
            for x in 0..23u32 {
                for r in [0u32, 1, 3] {
                    let direct = (y.saturating_sub(r)..(y + r + 1).min(20)).all(|yy| {
                        (x.saturating_sub(r)..(x + r + 1).min(23)).all(|xx| m.is_bg(xx, yy))
                    });
                    assert_eq!(c.none_within(x, y, r), direct, "({x}, {y}) r {r}");
                }
            }
        }
    }
}
