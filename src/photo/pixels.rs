//! Small image operations the checks share (no extra crates needed).

use image::{GrayImage, RgbImage};

use super::report::Rect;

/// BT.601 luma.
pub fn luma(p: [u8; 3]) -> u8 {
    ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]) + 500) / 1000) as u8
}

/// Channel spread max − min: 0 for grey.
pub fn chroma(p: [u8; 3]) -> u8 {
    let max = p[0].max(p[1]).max(p[2]);
    let min = p[0].min(p[1]).min(p[2]);
    max - min
}

pub fn to_grey(rgb: &RgbImage) -> GrayImage {
    let data: Vec<u8> = rgb
        .as_raw()
        .chunks_exact(3)
        .map(|p| luma([p[0], p[1], p[2]]))
        .collect();
    GrayImage::from_raw(rgb.width(), rgb.height(), data)
        .unwrap_or_else(|| GrayImage::new(rgb.width(), rgb.height()))
}

/// Box-averages `n`×`n` blocks: a fast, alias-free reduction for camera-sized
/// photos (`imageops::thumbnail` costs more than decoding a 12 MP JPEG).
pub fn shrink(rgb: &RgbImage, n: u32) -> RgbImage {
    let n = n.max(1);
    let (w, h) = rgb.dimensions();
    let (sw, sh) = ((w / n).max(1), (h / n).max(1));
    let raw = rgb.as_raw();
    let stride = w as usize * 3;
    let mut out = Vec::with_capacity(sw as usize * sh as usize * 3);
    let mut acc = vec![0u32; sw as usize * 3];
    for oy in 0..sh as usize {
        acc.iter_mut().for_each(|a| *a = 0);
        let rows = (oy * n as usize)..((oy + 1) * n as usize).min(h as usize);
        let count = rows.len() as u32 * n;
        for y in rows {
            let row = &raw[y * stride..y * stride + sw as usize * n as usize * 3];
            // each block's row summed in registers, then added once
            for (a, block) in acc
                .chunks_exact_mut(3)
                .zip(row.chunks_exact(n as usize * 3))
            {
                let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
                for px in block.chunks_exact(3) {
                    r += u32::from(px[0]);
                    g += u32::from(px[1]);
                    b += u32::from(px[2]);
                }
                a[0] += r;
                a[1] += g;
                a[2] += b;
            }
        }
        out.extend(acc.iter().map(|&a| ((a + count / 2) / count) as u8));
    }
    RgbImage::from_raw(sw, sh, out).unwrap_or_else(|| RgbImage::new(sw, sh))
}

/// Integer pixel bounds of a rectangle clamped to the image: (x0, y0, x1, y1), exclusive ends.
pub fn bounds(r: Rect, width: u32, height: u32) -> (u32, u32, u32, u32) {
    let c = r.clamp_to(width, height);
    let x0 = c.x.floor() as u32;
    let y0 = c.y.floor() as u32;
    let x1 = ((c.x + c.w).ceil() as u32).min(width);
    let y1 = ((c.y + c.h).ceil() as u32).min(height);
    (x0, y0, x1.max(x0), y1.max(y0))
}

/// Normalised triangle-filter weights for output sample `out` of a
/// `src` → `dst` resample, and the first source index they apply to.
fn triangle_weights(src: u32, dst: u32, out: u32, ws: &mut Vec<f32>) -> u32 {
    let ratio = src as f32 / dst as f32;
    let sratio = if ratio < 1.0 { 1.0 } else { ratio };
    let input = (out as f32 + 0.5) * ratio;
    let left = ((input - sratio).floor() as i64).clamp(0, i64::from(src) - 1);
    let right = ((input + sratio).ceil() as i64).clamp(left + 1, i64::from(src));
    let input = input - 0.5;
    ws.clear();
    let mut sum = 0.0;
    for i in left..right {
        let x = ((i as f32 - input) / sratio).abs();
        let w = if x < 1.0 { 1.0 - x } else { 0.0 };
        ws.push(w);
        sum += w;
    }
    for w in ws.iter_mut() {
        *w /= sum;
    }
    left as u32
}

/// The `w`×`h` region at (`x0`, `y0`) resampled to `nw`×`nh` with a triangle
/// filter: the arithmetic of `image::imageops::resize(.., Triangle)` bit for
/// bit (vertical pass then horizontal, in f32, per-pixel sums in the same
/// order), on one channel instead of four and without per-pixel trait calls.
/// It was ≈ 15 % of a 520×756 check's CPU time; nothing full-size is allocated.
pub fn resize_triangle(
    grey: &GrayImage,
    (x0, y0, w, h): (u32, u32, u32, u32),
    nw: u32,
    nh: u32,
) -> GrayImage {
    if w == 0 || h == 0 {
        return GrayImage::new(nw, nh);
    }
    let src = grey.as_raw();
    let stride = grey.width() as usize;
    let (x0, y0, w) = (x0 as usize, y0 as usize, w as usize);
    let source_row = |y: usize| &src[(y0 + y) * stride + x0..(y0 + y) * stride + x0 + w];
    if (nw, nh) == (w as u32, h) {
        let data = (0..h as usize).flat_map(source_row).copied().collect();
        return GrayImage::from_raw(nw, nh, data).unwrap_or_else(|| GrayImage::new(nw, nh));
    }
    let mut ws = Vec::new();
    // vertical: w × nh sums, each accumulated in the filter's order
    let mut tmp = vec![0.0f32; w * nh as usize];
    for (oy, row) in tmp.chunks_exact_mut(w).enumerate() {
        let top = triangle_weights(h, nh, oy as u32, &mut ws) as usize;
        for (i, &wt) in ws.iter().enumerate() {
            for (t, &p) in row.iter_mut().zip(source_row(top + i)) {
                *t += f32::from(p) * wt;
            }
        }
    }
    // horizontal, rounded to the nearest u8; weights computed once per column
    let columns: Vec<(usize, Vec<f32>)> = (0..nw)
        .map(|ox| {
            let left = triangle_weights(w as u32, nw, ox, &mut ws) as usize;
            (left, ws.clone())
        })
        .collect();
    let mut out = vec![0u8; nw as usize * nh as usize];
    for (row, dst) in tmp.chunks_exact(w).zip(out.chunks_exact_mut(nw as usize)) {
        for ((left, cw), d) in columns.iter().zip(dst.iter_mut()) {
            let mut t = 0.0f32;
            for (&p, &wt) in row[*left..].iter().zip(cw) {
                t += p * wt;
            }
            *d = t.clamp(0.0, 255.0).round() as u8;
        }
    }
    GrayImage::from_raw(nw, nh, out).unwrap_or_else(|| GrayImage::new(nw, nh))
}

/// Grey crop of a region, resampled to `width` px wide (aspect kept).
pub fn grey_patch(grey: &GrayImage, r: Rect, width: u32) -> Option<GrayImage> {
    let (x0, y0, x1, y1) = bounds(r, grey.width(), grey.height());
    if x1 - x0 < 4 || y1 - y0 < 4 {
        return None;
    }
    let h = ((y1 - y0) as f32 * width as f32 / (x1 - x0) as f32)
        .round()
        .max(4.0) as u32;
    Some(resize_triangle(grey, (x0, y0, x1 - x0, y1 - y0), width, h))
}

/// Variance of a per-pixel filter response over the interior pixels (the
/// 1-pixel border is skipped so 3×3 filters stay in bounds); 0 when empty.
fn interior_variance(g: &GrayImage, response: impl Fn(u32, u32) -> f64) -> f64 {
    let (w, h) = g.dimensions();
    let mut sum = 0.0f64;
    let mut sum2 = 0.0f64;
    let mut n = 0.0f64;
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let r = response(x, y);
            sum += r;
            sum2 += r * r;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    let mean = sum / n;
    (sum2 / n - mean * mean).max(0.0)
}

/// Variance of the 4-neighbour Laplacian.
pub fn laplacian_variance(g: &GrayImage) -> f32 {
    let at = |x: u32, y: u32| f64::from(g.get_pixel(x, y).0[0]);
    interior_variance(g, |x, y| {
        at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y)
    }) as f32
}

/// Normalised Gaussian taps, radius 3σ (at least 1).
fn gaussian_taps(sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil().max(1.0) as i32;
    let taps: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = taps.iter().sum();
    taps.into_iter().map(|v| v / sum).collect()
}

/// One pass of a 1-D kernel along each row, edges clamped.
fn convolve_rows(src: &[f32], w: usize, taps: &[f32]) -> Vec<f32> {
    let r = taps.len() / 2;
    let mut out = vec![0.0f32; src.len()];
    for (row, dst) in src.chunks_exact(w).zip(out.chunks_exact_mut(w)) {
        for (i, d) in dst.iter_mut().enumerate() {
            *d = if i >= r && i + r < w {
                row[i - r..=i + r]
                    .iter()
                    .zip(taps)
                    .map(|(p, t)| t * p)
                    .sum()
            } else {
                taps.iter()
                    .enumerate()
                    .map(|(k, t)| t * row[(i + k).saturating_sub(r).min(w - 1)])
                    .sum()
            };
        }
    }
    out
}

/// One pass of a 1-D kernel down each column, edges clamped: whole rows
/// are added tap by tap, so each pixel's sum runs in the same order as
/// along a row.
fn convolve_columns(src: &[f32], w: usize, h: usize, taps: &[f32]) -> Vec<f32> {
    let r = taps.len() / 2;
    let mut out = vec![0.0f32; src.len()];
    for (y, dst) in out.chunks_exact_mut(w).enumerate() {
        for (k, &t) in taps.iter().enumerate() {
            let sy = (y + k).saturating_sub(r).min(h - 1);
            for (d, &p) in dst.iter_mut().zip(&src[sy * w..(sy + 1) * w]) {
                *d += t * p;
            }
        }
    }
    out
}

/// Separable Gaussian blur of a `w`×`h` buffer, edges clamped.
fn gaussian_blur(src: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    let taps = gaussian_taps(sigma);
    let tmp = convolve_rows(src, w, &taps);
    convolve_columns(&tmp, w, h, &taps)
}

/// 1.4826 × the median absolute deviation: the SD of normal data, but not
/// moved by the few strong edges (a nostril, a lens rim) a zone may catch.
pub fn robust_sd(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    let median = *values.select_nth_unstable_by(mid, f32::total_cmp).1;
    values.iter_mut().for_each(|v| *v = (*v - median).abs());
    1.4826 * *values.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// Robust SD of the difference-of-Gaussians band (SDs `s1` < `s2`, pixels)
/// over region `r`. The blur reads a margin of 3 × `s2` around the region, so
/// its edges are not those of a cut-out. `None` when the region is tiny.
pub fn band_robust_sd(grey: &GrayImage, r: Rect, s1: f32, s2: f32) -> Option<f32> {
    let (x0, y0, x1, y1) = bounds(r, grey.width(), grey.height());
    if x1 - x0 < 4 || y1 - y0 < 4 {
        return None;
    }
    let m = (3.0 * s2).ceil() as u32;
    let (ox0, oy0) = (x0.saturating_sub(m), y0.saturating_sub(m));
    let (ox1, oy1) = ((x1 + m).min(grey.width()), (y1 + m).min(grey.height()));
    let (w, h) = ((ox1 - ox0) as usize, (oy1 - oy0) as usize);
    let src: Vec<f32> = (oy0..oy1)
        .flat_map(|y| (ox0..ox1).map(move |x| (x, y)))
        .map(|(x, y)| f32::from(grey.get_pixel(x, y).0[0]))
        .collect();
    let fine = gaussian_blur(&src, w, h, s1);
    let coarse = gaussian_blur(&src, w, h, s2);
    let mut band: Vec<f32> = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .map(|(x, y)| {
            let i = (y - oy0) as usize * w + (x - ox0) as usize;
            fine[i] - coarse[i]
        })
        .collect();
    Some(robust_sd(&mut band))
}

/// Sobel gradient magnitude at an interior pixel.
pub fn sobel(g: &GrayImage, x: u32, y: u32) -> f32 {
    let p = |dx: i32, dy: i32| -> f32 {
        f32::from(
            g.get_pixel((x as i32 + dx) as u32, (y as i32 + dy) as u32)
                .0[0],
        )
    };
    let gx = p(1, -1) + 2.0 * p(1, 0) + p(1, 1) - p(-1, -1) - 2.0 * p(-1, 0) - p(-1, 1);
    let gy = p(-1, 1) + 2.0 * p(0, 1) + p(1, 1) - p(-1, -1) - 2.0 * p(0, -1) - p(1, -1);
    (gx * gx + gy * gy).sqrt()
}

/// sRGB → CIELAB (D65).
pub fn lab(p: [u8; 3]) -> (f32, f32, f32) {
    let lin = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (lin(p[0]), lin(p[1]), lin(p[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_of_white_and_grey() {
        let (l, a, b) = lab([255, 255, 255]);
        assert!((l - 100.0).abs() < 0.5 && a.abs() < 0.5 && b.abs() < 0.5);
        let (_, a, b) = lab([128, 128, 128]);
        assert!(a.abs() < 0.5 && b.abs() < 0.5);
    }

    #[test]
    fn flat_image_has_no_texture() {
        let g = GrayImage::from_pixel(16, 16, image::Luma([100]));
        assert_eq!(laplacian_variance(&g), 0.0);
        let r = Rect::new(2.0, 2.0, 12.0, 12.0);
        assert_eq!(band_robust_sd(&g, r, 1.0, 3.0), Some(0.0));
        assert_eq!(sobel(&g, 5, 5), 0.0);
    }

    #[test]
    fn band_sees_fine_texture_not_shading() {
        // a smooth ramp has no band energy; a 4-px checker on it has plenty
        let ramp = GrayImage::from_fn(40, 40, |x, _| image::Luma([(60 + 3 * x) as u8]));
        let r = Rect::new(8.0, 8.0, 24.0, 24.0);
        assert!(band_robust_sd(&ramp, r, 1.0, 3.0).unwrap() < 0.5);
        let checker = GrayImage::from_fn(40, 40, |x, y| {
            let v = 60 + 3 * x + if (x / 4 + y / 4) % 2 == 0 { 12 } else { 0 };
            image::Luma([v as u8])
        });
        assert!(band_robust_sd(&checker, r, 1.0, 3.0).unwrap() > 2.0);
    }

    #[test]
    fn blur_keeps_a_flat_image_and_spreads_a_point() {
        let flat = vec![7.0f32; 12 * 9];
        assert!(
            gaussian_blur(&flat, 12, 9, 1.5)
                .iter()
                .all(|v| (v - 7.0).abs() < 1e-4)
        );
        let mut point = vec![0.0f32; 15 * 15];
        point[7 * 15 + 7] = 1.0;
        let b = gaussian_blur(&point, 15, 15, 1.0);
        let sum: f32 = b.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
        // symmetric about the centre, largest there
        assert!((b[7 * 15 + 6] - b[7 * 15 + 8]).abs() < 1e-6);
        assert!((b[6 * 15 + 7] - b[7 * 15 + 6]).abs() < 1e-6);
        assert!(b[7 * 15 + 7] > b[7 * 15 + 6]);
    }

    #[test]
    fn resize_matches_the_image_crate_bit_for_bit() {
        // a textured picture, down, up, odd sizes, and a region of it
        let g = GrayImage::from_fn(97, 131, |x, y| {
            image::Luma([((x * 37 + y * 11 + (x * y) % 23) % 256) as u8])
        });
        for (nw, nh) in [
            (40, 60),
            (25, 130),
            (97, 131),
            (150, 40),
            (1, 1),
            (200, 263),
        ] {
            let ours = resize_triangle(&g, (0, 0, 97, 131), nw, nh);
            let theirs = image::imageops::resize(&g, nw, nh, image::imageops::FilterType::Triangle);
            assert_eq!(ours.as_raw(), theirs.as_raw(), "{nw}×{nh}");
        }
        let view = image::imageops::crop_imm(&g, 13, 7, 50, 90);
        let theirs = image::imageops::resize(&*view, 31, 55, image::imageops::FilterType::Triangle);
        let ours = resize_triangle(&g, (13, 7, 50, 90), 31, 55);
        assert_eq!(ours.as_raw(), theirs.as_raw());
    }

    #[test]
    fn robust_sd_ignores_a_few_outliers() {
        let mut clean: Vec<f32> = (1..=10).map(|i| i as f32).collect();
        let mut spiked = clean.clone();
        spiked[9] = 1000.0;
        assert_eq!(robust_sd(&mut clean), robust_sd(&mut spiked));
        assert!(
            (robust_sd(&mut (1..=10).map(|i| i as f32).collect::<Vec<_>>()) - 4.4478).abs() < 1e-3
        );
    }

    #[test]
    fn shrink_averages_blocks() {
        let mut img = RgbImage::from_pixel(5, 4, image::Rgb([0, 0, 0]));
        img.put_pixel(0, 0, image::Rgb([40, 80, 120]));
        let s = shrink(&img, 2);
        assert_eq!(s.dimensions(), (2, 2));
        assert_eq!(s.get_pixel(0, 0).0, [10, 20, 30]);
        assert_eq!(s.get_pixel(1, 1).0, [0, 0, 0]);
    }

    #[test]
    fn luma_and_chroma() {
        assert_eq!(luma([255, 255, 255]), 255);
        assert_eq!(chroma([10, 40, 20]), 30);
    }
}
