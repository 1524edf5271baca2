//! Background mask: near-white, low-chroma pixels connected to the border,
//! grown with a small luma step so soft gradients join but hair edges stop it.
//! Then the "white" and "uniform" checks over the mask.

use image::{GrayImage, RgbImage};

use super::pixels::{chroma, luma, sobel};
use super::report::{Check, Rect, Verdict};
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

/// `background_white` (fail when not white) and `background_uniform` (warn when uneven),
/// measured on the rows above `rows` — the backdrop around the head; lower down
/// the mask also catches light clothing that reaches the border.
pub fn background_checks(
    rgb: &RgbImage,
    grey: &GrayImage,
    mask: &BackgroundMask,
    rows: u32,
) -> Vec<Check> {
    let t = &THRESHOLDS;
    let rows = rows.clamp(1, rgb.height());
    let whole = Some(Rect::new(0.0, 0.0, rgb.width() as f32, rows as f32));
    if mask.share() < t.bg_min_share {
        let share = format!("{:.0}%", mask.share() * 100.0);
        return vec![
            Check {
                id: "background_white",
                name: "背景颜色",
                verdict: Verdict::Fail,
                value: format!("浅色背景仅占 {share}"),
                limit: format!("白色背景 ≥ {:.0}%", t.bg_min_share * 100.0),
                message: "未找到白色背景：背景不是白色或人像占满画面".into(),
                region: whole,
            },
            Check {
                id: "background_uniform",
                name: "背景均匀",
                verdict: Verdict::Fail,
                value: "无法测量".into(),
                limit: "背景纯色、无阴影".into(),
                message: "未找到背景，无法判断是否均匀".into(),
                region: whole,
            },
        ];
    }
    let (mut sl, mut sc, mut n) = (0.0f64, 0.0f64, 0.0f64);
    // spread over interior background only: the blended rim next to hair and
    // shoulders is neither backdrop nor shadow and used to dominate the SD
    let (mut il, mut il2, mut ni) = (0.0f64, 0.0f64, 0.0f64);
    let (mut sg, mut ng) = (0.0f64, 0.0f64);
    let (w, h) = rgb.dimensions();
    let r = ((w as f32 * t.bg_rim_share).round() as u32).max(1);
    let near_subject = subject_counts(mask, rows.saturating_add(r).min(h));
    for y in 0..rows {
        for x in 0..w {
            if !mask.is_bg(x, y) {
                continue;
            }
            let p = rgb.get_pixel(x, y).0;
            let l = f64::from(luma(p));
            sl += l;
            sc += f64::from(chroma(p));
            n += 1.0;
            if near_subject.none_within(x, y, r) {
                il += l;
                il2 += l * l;
                ni += 1.0;
            }
            // gradient only where the whole 3×3 window is background
            if x > 0 && y > 0 && x + 1 < w && y + 1 < h && (y % 2 == 0) && (x % 2 == 0) {
                let inside = (0..3).all(|dy| (0..3).all(|dx| mask.is_bg(x + dx - 1, y + dy - 1)));
                if inside {
                    sg += f64::from(sobel(grey, x, y));
                    ng += 1.0;
                }
            }
        }
    }
    let mean = (sl / n) as f32;
    let sd = if ni > 0.0 {
        ((il2 / ni - (il / ni).powi(2)).max(0.0)).sqrt() as f32
    } else {
        0.0
    };
    let mean_chroma = (sc / n) as f32;
    let grad = if ng > 0.0 { (sg / ng) as f32 } else { 0.0 };

    let (verdict, message) = if mean_chroma > t.bg_max_mean_chroma {
        (Verdict::Fail, "背景偏色，不是白色".to_owned())
    } else if mean >= t.bg_white_luma {
        (Verdict::Pass, "背景为白色".to_owned())
    } else if mean >= t.bg_near_white_luma {
        (Verdict::Warn, "背景偏灰，请人工确认是否为白色".to_owned())
    } else {
        (Verdict::Fail, "背景不是白色（偏灰或偏暗）".to_owned())
    };
    let white = Check {
        id: "background_white",
        name: "背景颜色",
        verdict,
        value: format!("平均亮度 {mean:.0}，色度 {mean_chroma:.1}"),
        limit: format!(
            "亮度 ≥ {:.0}，色度 ≤ {:.0}",
            t.bg_white_luma, t.bg_max_mean_chroma
        ),
        message,
        region: whole,
    };
    let uneven = sd > t.bg_max_luma_sd || grad > t.bg_max_gradient;
    let uniform = Check {
        id: "background_uniform",
        name: "背景均匀",
        verdict: if uneven { Verdict::Warn } else { Verdict::Pass },
        value: format!("亮度标准差 {sd:.1}，平均梯度 {grad:.1}"),
        limit: format!(
            "标准差 ≤ {:.0}，梯度 ≤ {:.0}",
            t.bg_max_luma_sd, t.bg_max_gradient
        ),
        message: if uneven {
            "背景有阴影、渐变或杂物，请人工确认".into()
        } else {
            "背景均匀".into()
        },
        region: whole,
    };
    vec![white, uniform]
}

/// Summed-area table of non-background pixels over the first `rows` rows.
struct SubjectCounts {
    width: u32,
    rows: u32,
    sums: Vec<u32>,
}

fn subject_counts(mask: &BackgroundMask, rows: u32) -> SubjectCounts {
    let w = mask.width as usize;
    let mut sums = vec![0u32; (w + 1) * (rows as usize + 1)];
    for y in 0..rows as usize {
        let mut run = 0u32;
        for x in 0..w {
            run += u32::from(!mask.is_bg(x as u32, y as u32));
            sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + run;
        }
    }
    SubjectCounts {
        width: mask.width,
        rows,
        sums,
    }
}

impl SubjectCounts {
    /// No subject pixel within the (2r+1)² square around (x, y).
    fn none_within(&self, x: u32, y: u32, r: u32) -> bool {
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
}
