//! Person vs backdrop: a probability per pixel from MediaPipe Selfie
//! Segmentation (the whole photo squeezed into 256×256, the mask stretched
//! back bilinearly), or, as the fallback, the classical flood-fill mask as
//! 0/1. Crown, head width and the backdrop checks read it through the same
//! methods, with sub-pixel edges where the probability crosses one half.

use image::RgbImage;

use super::mask::BackgroundMask;
use super::model_input::{Warp, sample};
use super::models::{ModelError, Net, SEGMENTER_INPUT};

/// Person probability per pixel of the analysed photo.
#[derive(Debug, Clone)]
pub struct PersonMask {
    pub width: u32,
    pub height: u32,
    pub prob: Vec<f32>,
    /// True when it came from the learned model (false: flood-fill fallback).
    pub learned: bool,
}

impl PersonMask {
    /// The flood-fill backdrop mask as probabilities (backdrop 0, rest 1).
    pub fn from_background(mask: &BackgroundMask) -> PersonMask {
        PersonMask {
            width: mask.width,
            height: mask.height,
            prob: mask
                .bits
                .iter()
                .map(|&bg| if bg { 0.0 } else { 1.0 })
                .collect(),
            learned: false,
        }
    }

    /// Probability at a pixel; 0 outside the photo.
    pub fn p(&self, x: i64, y: i64) -> f32 {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return 0.0;
        }
        self.prob[(y as usize) * (self.width as usize) + x as usize]
    }

    /// Backdrop where the probability is below one half.
    pub fn background(&self) -> BackgroundMask {
        let bits: Vec<bool> = self.prob.iter().map(|&p| p < 0.5).collect();
        let count = bits.iter().filter(|&&b| b).count();
        BackgroundMask {
            width: self.width,
            height: self.height,
            bits,
            count,
        }
    }

    /// Top of the person over columns `x0..x1`, searched from the top edge
    /// down to `limit`: the first row with at least `min_run` person pixels,
    /// placed where the row maximum crosses one half.
    pub fn crown(&self, x0: u32, x1: u32, limit: u32, min_run: u32) -> Option<f32> {
        let x1 = x1.min(self.width);
        let row_max = |y: u32| {
            (x0..x1)
                .map(|x| self.p(i64::from(x), i64::from(y)))
                .fold(0.0f32, f32::max)
        };
        let y = (0..limit.min(self.height)).find(|&y| {
            (x0..x1)
                .filter(|&x| self.p(i64::from(x), i64::from(y)) >= 0.5)
                .count() as u32
                >= min_run
        })?;
        if y == 0 {
            return Some(0.0);
        }
        let (inside, outside) = (row_max(y), row_max(y - 1).min(0.5));
        Some(crossing(y as f32 - 0.5, outside, inside))
    }

    /// Left and right edges of the person's run through column `cx` on row
    /// `y`. A one-pixel gap does not end the run (a stray backdrop pixel).
    pub fn run_through(&self, cx: u32, y: u32) -> (f32, f32) {
        let (cx, y) = (i64::from(cx), i64::from(y));
        let w = i64::from(self.width);
        let out = |x: i64| self.p(x, y) < 0.5;
        let mut left = cx;
        while left >= 1 && !(out(left - 1) && out(left - 2)) {
            left -= 1;
        }
        let mut right = cx;
        while right + 1 < w && !(out(right + 1) && out(right + 2)) {
            right += 1;
        }
        let l = if left == 0 {
            0.0
        } else {
            crossing(
                left as f32 - 0.5,
                self.p(left - 1, y).min(0.5),
                self.p(left, y).max(0.5),
            )
        };
        let r = if right + 1 >= w {
            w as f32
        } else {
            // mirror: crossing measured leftwards from the outside pixel
            right as f32 + 1.5
                - crossing(
                    0.0,
                    self.p(right + 1, y).min(0.5),
                    self.p(right, y).max(0.5),
                )
        };
        (l, r.max(l))
    }
}

/// Where the probability crosses one half between a pixel centre at `at`
/// (value `outside` < 0.5) and the next one at `at + 1` (value `inside` ≥ 0.5).
fn crossing(at: f32, outside: f32, inside: f32) -> f32 {
    let d = inside - outside;
    if d <= 1e-6 {
        return at + 1.0;
    }
    at + ((0.5 - outside) / d).clamp(0.0, 1.0)
}

/// Segments the whole photo.
pub fn segment(net: &Net, rgb: &RgbImage) -> Result<PersonMask, ModelError> {
    let n = SEGMENTER_INPUT[1];
    let (w, h) = rgb.dimensions();
    let (sx, sy) = (w as f32 / n as f32, h as f32 / n as f32);
    let input = sample(rgb, &Warp::scaled((0.0, 0.0), sx, sy), n, n, 0.0, 1.0);
    let out = net.run(&input)?;
    let Some(m) = out.first().filter(|m| m.len() >= n * n) else {
        return Err(ModelError::Run {
            name: net.name,
            message: "输出尺寸不对".into(),
        });
    };
    Ok(PersonMask {
        width: w,
        height: h,
        prob: stretch(m, n, w, h),
        learned: true,
    })
}

/// The `n`×`n` model output stretched back to `w`×`h`, bilinear, pixel centres
/// aligned; non-finite samples read 0, the rest is clamped to 0..1.
/// Each model row is interpolated across to the photo's width once (about
/// three photo rows share it), then rows are blended: the same sums, in the
/// same order, as interpolating every pixel from its four samples, at a
/// fraction of the work (it was ≈ 9 % of a check's CPU time).
fn stretch(m: &[f32], n: usize, w: u32, h: u32) -> Vec<f32> {
    let (sx, sy) = (w as f32 / n as f32, h as f32 / n as f32);
    let clean: Vec<f32> = m[..n * n]
        .iter()
        .map(|&p| {
            if p.is_finite() {
                p.clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let col: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| split((x as f32 + 0.5) / sx - 0.5, n))
        .collect();
    let across: Vec<f32> = clean
        .chunks_exact(n)
        .flat_map(|src| {
            col.iter()
                .map(move |&(u0, u1, fx)| src[u0] + (src[u1] - src[u0]) * fx)
        })
        .collect();
    let wu = w as usize;
    let mut prob = Vec::with_capacity(wu * (h as usize));
    for y in 0..h {
        let (v0, v1, fy) = split((y as f32 + 0.5) / sy - 0.5, n);
        let top = &across[v0 * wu..(v0 + 1) * wu];
        let bottom = &across[v1 * wu..(v1 + 1) * wu];
        prob.extend(top.iter().zip(bottom).map(|(&t, &b)| t + (b - t) * fy));
    }
    prob
}

/// Neighbouring sample indices and the weight of the second, clamped to the grid.
fn split(c: f32, n: usize) -> (usize, usize, f32) {
    let c = c.clamp(0.0, (n - 1) as f32);
    let i = c.floor() as usize;
    (i, (i + 1).min(n - 1), c - i as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(w: u32, h: u32, person: impl Fn(u32, u32) -> bool) -> PersonMask {
        let prob = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| if person(x, y) { 1.0 } else { 0.0 })
            .collect();
        PersonMask {
            width: w,
            height: h,
            prob,
            learned: false,
        }
    }

    #[test]
    fn binary_edges_fall_on_pixel_borders() {
        let m = binary(40, 50, |x, y| (10..30).contains(&x) && y >= 7);
        assert_eq!(m.crown(0, 40, 50, 3), Some(7.0));
        assert_eq!(m.run_through(20, 20), (10.0, 30.0));
        assert_eq!(m.background().count, 40 * 50 - 20 * 43);
    }

    #[test]
    fn stretch_matches_per_pixel_bilinear() {
        // the per-pixel formula it replaced, on a mask with NaN and out-of-range values
        let n = 16;
        let m: Vec<f32> = (0..n * n)
            .map(|i| match i % 37 {
                0 => f32::NAN,
                1 => 1.7,
                2 => -0.3,
                k => ((i * 7919) % 101) as f32 / 100.0 + k as f32 * 1e-4,
            })
            .collect();
        for (w, h) in [(37u32, 53u32), (16, 16), (9, 40), (260, 378)] {
            let (sx, sy) = (w as f32 / n as f32, h as f32 / n as f32);
            let at = |u: usize, v: usize| {
                let p = m[v * n + u];
                if p.is_finite() {
                    p.clamp(0.0, 1.0)
                } else {
                    0.0
                }
            };
            let mut want = Vec::new();
            for y in 0..h {
                let (v0, v1, fy) = split((y as f32 + 0.5) / sy - 0.5, n);
                for x in 0..w {
                    let (u0, u1, fx) = split((x as f32 + 0.5) / sx - 0.5, n);
                    let top = at(u0, v0) + (at(u1, v0) - at(u0, v0)) * fx;
                    let bottom = at(u0, v1) + (at(u1, v1) - at(u0, v1)) * fx;
                    want.push(top + (bottom - top) * fy);
                }
            }
            let got = stretch(&m, n, w, h);
            assert!(
                got.iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{w}×{h}"
            );
            assert_eq!(got.len(), want.len());
        }
    }

    #[test]
    fn soft_edges_are_interpolated() {
        let mut m = binary(10, 10, |x, _| x >= 5);
        // a soft edge: 0.25 at x 4 and 0.75 at x 5 → the half is between their centres
        for y in 0..10 {
            m.prob[y * 10 + 4] = 0.25;
            m.prob[y * 10 + 5] = 0.75;
        }
        let (l, r) = m.run_through(7, 3);
        assert!((l - 5.0).abs() < 1e-5, "{l}");
        assert_eq!(r, 10.0);
    }
}
