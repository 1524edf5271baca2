//! `background_white` and `background_uniform` over the pixels the person
//! mask calls backdrop, and only those (hair of any colour, the face and the
//! clothes are person). A rim next to the person is skipped: its pixels blend
//! hair and backdrop. Besides the mean, the backdrop is judged near the head
//! (a grey ring or halo around the head fails even on a white sheet) and in
//! zones (a vignette or a shadow darkens one part, not the mean).

use image::{GrayImage, RgbImage};

use super::mask::{BackgroundMask, SubjectCounts};
use super::pixels::{chroma, luma, sobel};
use super::report::{Check, PhotoVerdict, Rect};
use super::segment::PersonMask;
use super::thresholds::THRESHOLDS;

/// Sums over a set of backdrop pixels, in integers (exact, so the means are
/// what f64 sums gave, at a fraction of the cost per pixel).
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    n: u64,
    l: u64,
    rgb: [u64; 3],
    chroma: u64,
}

impl Sums {
    fn add(&mut self, p: [u8; 3]) {
        self.n += 1;
        self.l += u64::from(luma(p));
        for (s, c) in self.rgb.iter_mut().zip(p) {
            *s += u64::from(c);
        }
        self.chroma += u64::from(chroma(p));
    }

    fn mean(&self) -> Option<f32> {
        (self.n > 0).then(|| (self.l as f64 / self.n as f64) as f32)
    }
}

/// SD of the luma histogram over the levels within `trim` of its median: a
/// shadow or gradient on the backdrop counts, a few pixels of clothing or hair
/// the mask calls backdrop (30–100 levels darker) do not.
fn trimmed_sd(hist: &[u64; 256], trim: f32) -> f32 {
    let n: u64 = hist.iter().sum();
    if n == 0 {
        return 0.0;
    }
    let mut seen = 0;
    let median = hist
        .iter()
        .position(|&c| {
            seen += c;
            seen * 2 >= n
        })
        .unwrap_or(0) as f32;
    let (mut k, mut s, mut s2) = (0.0f64, 0.0f64, 0.0f64);
    for (l, &c) in hist.iter().enumerate() {
        if (l as f32 - median).abs() <= trim {
            let (l, c) = (l as f64, c as f64);
            k += c;
            s += c * l;
            s2 += c * l * l;
        }
    }
    if k == 0.0 {
        return 0.0;
    }
    let m = s / k;
    (s2 / k - m * m).max(0.0).sqrt() as f32
}

/// Brightness in a clerk's words.
fn brightness_words(l: f32) -> &'static str {
    match l {
        l if l >= 245.0 => "纯白",
        l if l >= 235.0 => "白",
        l if l >= 222.0 => "浅灰白",
        l if l >= 190.0 => "浅灰",
        _ => "灰暗",
    }
}

/// Colour cast of the mean backdrop colour in a clerk's words.
fn tint_words(rgb: [f32; 3]) -> &'static str {
    let [r, g, b] = rgb;
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max - min <= THRESHOLDS.bg_neutral_chroma {
        return "无偏色";
    }
    if b >= max - 0.5 {
        if g > b - 10.0 && g > r + 10.0 {
            "偏青"
        } else {
            "偏蓝"
        }
    } else if r >= max - 0.5 {
        if g > b + (r - b) * 0.5 {
            "偏黄"
        } else {
            "偏红"
        }
    } else if r > b {
        "偏黄绿"
    } else {
        "偏绿"
    }
}

/// The two backdrop checks. `mask` is `person.background()`; `rows`: only
/// rows above it count (the fallback mask also takes light clothes for
/// backdrop lower down); `head_bottom`: the ring near the head ends at this
/// row (the chin).
pub fn checks(
    rgb: &RgbImage,
    grey: &GrayImage,
    person: &PersonMask,
    mask: &BackgroundMask,
    rows: u32,
    head_bottom: Option<f32>,
) -> Vec<Check> {
    let t = &THRESHOLDS;
    let (w, h) = rgb.dimensions();
    let rows = rows.clamp(1, h);
    let whole = Some(Rect::new(0.0, 0.0, w as f32, rows as f32));
    let rim = ((w as f32 * t.bg_rim_share).round() as u32).max(1);
    let ring = ((w as f32 * t.bg_ring_share).round() as u32).max(rim + 1);
    let near = SubjectCounts::new(mask, rows.saturating_add(ring).min(h));
    let ring_rows = head_bottom.map_or(rows, |b| (b.max(0.0) as u32).min(rows));
    let (zx, zy) = t.bg_zones;
    let mut all = Sums::default();
    let mut inner = [0u64; 256];
    let mut near_head = Sums::default();
    let mut zones = vec![Sums::default(); (zx * zy) as usize];
    let (mut sg, mut ng) = (0.0f64, 0.0f64);
    let raw = rgb.as_raw();
    let zone_col: Vec<u32> = (0..w).map(|x| x * zx / w).collect();
    for y in 0..rows {
        let zone_row = (y * zy / rows) * zx;
        let start = (y * w) as usize;
        // the mask is the photo's size; a row it lacks has no backdrop
        let bits = mask.bits.get(start..start + w as usize).unwrap_or(&[]);
        for (x, (&bg, &zone)) in (0..w).zip(bits.iter().zip(&zone_col)) {
            if !bg {
                continue;
            }
            let i = (start + x as usize) * 3;
            let p = [raw[i], raw[i + 1], raw[i + 2]];
            all.add(p);
            // spread, zones and ring only where the mask is sure: its soft
            // edge (a few pixels of blended hair) would dominate the spread
            if person.p(i64::from(x), i64::from(y)) >= t.bg_sure_prob
                || !near.none_within(x, y, rim)
            {
                continue;
            }
            // interior backdrop: spread, zones, gradient
            inner[usize::from(luma(p))] += 1;
            zones[(zone_row + zone) as usize].add(p);
            if y < ring_rows && !near.none_within(x, y, ring) {
                near_head.add(p);
            }
            if x > 0 && y > 0 && x + 1 < w && y + 1 < h && y % 2 == 0 && x % 2 == 0 {
                let inside = (0..3).all(|dy| (0..3).all(|dx| mask.is_bg(x + dx - 1, y + dy - 1)));
                if inside {
                    sg += f64::from(sobel(grey, x, y));
                    ng += 1.0;
                }
            }
        }
    }
    let share = all.n as f32 / (w as f32 * rows as f32).max(1.0);
    let Some(mean) = all.mean().filter(|_| share >= t.bg_min_share) else {
        let share = format!("{:.0}%", share * 100.0);
        return vec![
            Check {
                id: "background_white",
                name: "背景颜色",
                verdict: PhotoVerdict::Fail,
                value: format!("背景仅占 {share}"),
                limit: format!("背景 ≥ {:.0}%", t.bg_min_share * 100.0),
                message: "未找到背景：人像占满画面或背景无法分辨".into(),
                region: whole,
            },
            Check {
                id: "background_uniform",
                name: "背景均匀",
                verdict: PhotoVerdict::Fail,
                value: "无法测量".into(),
                limit: "背景纯色、无阴影".into(),
                message: "未找到背景，无法判断是否均匀".into(),
                region: whole,
            },
        ];
    };
    let n = all.n.max(1) as f64;
    let mean_rgb = all.rgb.map(|s| (s as f64 / n) as f32);
    let mean_chroma = (all.chroma as f64 / n) as f32;
    let sd = trimmed_sd(&inner, t.bg_sd_trim);
    let grad = if ng > 0.0 { (sg / ng) as f32 } else { 0.0 };
    let ring_mean = near_head.mean().filter(|_| near_head.n >= u64::from(w));
    // zones holding enough backdrop to judge
    let min_zone = f64::from(w) * f64::from(rows) / f64::from(zx * zy) * 0.1;
    let zone_means: Vec<f32> = zones
        .iter()
        .filter(|z| z.n as f64 >= min_zone)
        .filter_map(Sums::mean)
        .collect();
    let darkest = zone_means.iter().copied().fold(mean, f32::min);
    let brightest = zone_means.iter().copied().fold(mean, f32::max);
    let worst = ring_mean.map_or(darkest, |r| r.min(darkest));
    let tint = tint_words(mean_rgb);

    let (verdict, message) = if mean_chroma > t.bg_max_mean_chroma {
        (PhotoVerdict::Fail, format!("背景不是白色（{tint}）"))
    } else if mean < t.bg_near_white_luma {
        (PhotoVerdict::Fail, "背景不是白色（偏灰或偏暗）".to_owned())
    } else if ring_mean.is_some_and(|r| r < t.bg_near_white_luma) {
        (
            PhotoVerdict::Fail,
            "背景不是白色：头部周围发灰（阴影或灰圈）".to_owned(),
        )
    } else if darkest < t.bg_near_white_luma {
        (
            PhotoVerdict::Fail,
            "背景不是白色：部分区域发灰（暗角或阴影）".to_owned(),
        )
    } else if worst < t.bg_white_luma {
        (
            PhotoVerdict::Warn,
            "背景偏灰，请人工确认是否为白色".to_owned(),
        )
    } else {
        (PhotoVerdict::Pass, "背景为白色".to_owned())
    };
    let ring_text = ring_mean.map_or(String::new(), |r| format!("，头部周围 {r:.0}"));
    let white = Check {
        id: "background_white",
        name: "背景颜色",
        verdict,
        value: format!(
            "平均亮度 {mean:.0}（{}），{tint}{ring_text}，最暗区域 {darkest:.0}",
            brightness_words(mean)
        ),
        limit: format!(
            "亮度 ≥ {:.0}（头部周围和各区域同样），色度 ≤ {:.0}",
            t.bg_white_luma, t.bg_max_mean_chroma
        ),
        message,
        region: whole,
    };
    let spread = brightest - darkest;
    let uneven = sd > t.bg_max_luma_sd || grad > t.bg_max_gradient || spread > t.bg_max_zone_spread;
    let uniform = Check {
        id: "background_uniform",
        name: "背景均匀",
        verdict: PhotoVerdict::pass_if(!uneven, PhotoVerdict::Warn),
        value: format!("亮度标准差 {sd:.1}，平均梯度 {grad:.1}，明暗差 {spread:.0}"),
        limit: format!(
            "标准差 ≤ {:.0}，梯度 ≤ {:.0}，明暗差 ≤ {:.0}",
            t.bg_max_luma_sd, t.bg_max_gradient, t.bg_max_zone_spread
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::pixels::to_grey;

    #[test]
    fn trimmed_sd_ignores_far_outliers_only() {
        let mut h = [0u64; 256];
        h[250] = 1000;
        h[40] = 30; // clothing the mask missed
        assert_eq!(trimmed_sd(&h, 40.0), 0.0);
        h[225] = 300; // a shadow 25 levels down counts
        assert!(trimmed_sd(&h, 40.0) > 9.0);
    }
    use image::Rgb;

    /// A 200×300 photo: backdrop `bg`, a person block in the middle, and
    /// `ring` painted around it.
    fn photo(bg: [u8; 3], ring: Option<[u8; 3]>) -> (RgbImage, PersonMask) {
        let person = |x: u32, y: u32| (60..140).contains(&x) && y >= 60;
        let img = RgbImage::from_fn(200, 300, |x, y| {
            if person(x, y) {
                Rgb([90, 60, 50])
            } else if ring.is_some() && (40..160).contains(&x) && y >= 40 {
                Rgb(ring.unwrap_or(bg))
            } else {
                Rgb(bg)
            }
        });
        let prob = (0..300)
            .flat_map(|y| (0..200).map(move |x| (x, y)))
            .map(|(x, y)| if person(x, y) { 1.0 } else { 0.0 })
            .collect();
        let m = PersonMask {
            width: 200,
            height: 300,
            prob,
            learned: true,
        };
        (img, m)
    }

    fn verdicts(bg: [u8; 3], ring: Option<[u8; 3]>) -> (PhotoVerdict, PhotoVerdict, String) {
        let (img, m) = photo(bg, ring);
        let c = checks(&img, &to_grey(&img), &m, &m.background(), 300, Some(250.0));
        (c[0].verdict, c[1].verdict, c[0].value.clone())
    }

    #[test]
    fn white_passes_grey_blue_and_rings_fail() {
        let (white, uniform, value) = verdicts([252, 252, 252], None);
        assert_eq!(
            (white, uniform),
            (PhotoVerdict::Pass, PhotoVerdict::Pass),
            "{value}"
        );
        assert!(value.contains("无偏色"), "{value}");
        assert_eq!(verdicts([200, 200, 200], None).0, PhotoVerdict::Fail);
        let (blue, _, value) = verdicts([200, 225, 250], None);
        assert_eq!(blue, PhotoVerdict::Fail);
        assert!(value.contains("偏蓝"), "{value}");
        // white sheet, grey halo around the head
        let (ring, _, value) = verdicts([252, 252, 252], Some([200, 200, 200]));
        assert_eq!(ring, PhotoVerdict::Fail, "{value}");
    }

    #[test]
    fn no_backdrop_is_reported_without_nan() {
        let img = RgbImage::from_pixel(50, 50, Rgb([90, 60, 50]));
        let m = PersonMask {
            width: 50,
            height: 50,
            prob: vec![1.0; 2500],
            learned: true,
        };
        let c = checks(&img, &to_grey(&img), &m, &m.background(), 50, None);
        assert_eq!(c[0].verdict, PhotoVerdict::Fail);
        assert!(c.iter().all(|c| !c.value.contains("NaN")));
    }
}
