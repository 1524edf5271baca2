//! Model inputs: a region of the photo resampled (and, for the face mesh,
//! rotated) into a normalised NHWC f32 buffer. Shrinking averages the source
//! pixels under each input pixel, so a 4000 px photo does not alias;
//! enlarging interpolates bilinearly.

use image::RgbImage;

/// Maps input pixel (u, v) (centres at +0.5) to image coordinates:
/// `origin + u·du + v·dv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Warp {
    pub origin: (f32, f32),
    pub du: (f32, f32),
    pub dv: (f32, f32),
}

impl Warp {
    /// Axis-aligned: input pixels of `scale` image pixels, top-left at `origin`.
    pub fn scaled(origin: (f32, f32), sx: f32, sy: f32) -> Warp {
        Warp {
            origin,
            du: (sx, 0.0),
            dv: (0.0, sy),
        }
    }

    /// A square of side `side` image pixels centred on `centre`, turned by
    /// `angle` radians (clockwise on screen), sampled at `n`×`n`.
    pub fn rotated_square(centre: (f32, f32), side: f32, angle: f32, n: usize) -> Warp {
        let s = side / n as f32;
        let (sin, cos) = angle.sin_cos();
        let du = (cos * s, sin * s);
        let dv = (-sin * s, cos * s);
        let half = n as f32 / 2.0;
        Warp {
            origin: (
                centre.0 - half * du.0 - half * dv.0,
                centre.1 - half * du.1 - half * dv.1,
            ),
            du,
            dv,
        }
    }

    /// Image coordinates of input point (u, v).
    pub fn apply(&self, u: f32, v: f32) -> (f32, f32) {
        (
            self.origin.0 + u * self.du.0 + v * self.dv.0,
            self.origin.1 + u * self.du.1 + v * self.dv.1,
        )
    }

    /// Image pixels per input pixel (the larger axis).
    fn scale(&self) -> f32 {
        self.du.0.hypot(self.du.1).max(self.dv.0.hypot(self.dv.1))
    }
}

/// `x.floor() as i64` without the libm call (this target has no SSE4.1
/// `roundss`, so `floor` is a function call per pixel); equal for every f32.
fn floor_i64(x: f32) -> i64 {
    let t = x as i64;
    if (t as f32) > x { t - 1 } else { t }
}

/// Samples `w`×`h` input pixels through `warp`, each channel mapped from
/// 0..255 to `lo..hi`. Pixels outside the photo read as black.
pub fn sample(rgb: &RgbImage, warp: &Warp, w: usize, h: usize, lo: f32, hi: f32) -> Vec<f32> {
    let k = (hi - lo) / 255.0;
    let (iw, ih) = (rgb.width() as i64, rgb.height() as i64);
    let raw = rgb.as_raw();
    let stride = (iw * 3) as usize;
    let px = |x: i64, y: i64| -> [u32; 3] {
        if x < 0 || y < 0 || x >= iw || y >= ih {
            return [0; 3];
        }
        let i = ((y * iw + x) * 3) as usize;
        [
            u32::from(raw[i]),
            u32::from(raw[i + 1]),
            u32::from(raw[i + 2]),
        ]
    };
    let scale = warp.scale();
    let mut out = Vec::with_capacity(w * h * 3);
    // when shrinking: average the integer pixels within half an input pixel
    let reach = if scale > 1.5 {
        Some(((scale - 1.0) / 2.0).round().max(1.0) as i64)
    } else {
        None
    };
    for v in 0..h {
        for u in 0..w {
            let (x, y) = warp.apply(u as f32 + 0.5, v as f32 + 0.5);
            let p: [f32; 3] = match reach {
                Some(r) => {
                    let (cx, cy) = (floor_i64(x), floor_i64(y));
                    // integer sums: exact, so the same as summing in f32
                    let mut acc = [0u32; 3];
                    if cx - r >= 0 && cy - r >= 0 && cx + r < iw && cy + r < ih {
                        let (x0, x1) = ((cx - r) as usize * 3, (cx + r + 1) as usize * 3);
                        for yy in (cy - r) as usize..=(cy + r) as usize {
                            let row = &raw[yy * stride + x0..yy * stride + x1];
                            for q in row.chunks_exact(3) {
                                acc[0] += u32::from(q[0]);
                                acc[1] += u32::from(q[1]);
                                acc[2] += u32::from(q[2]);
                            }
                        }
                    } else {
                        for yy in cy - r..=cy + r {
                            for xx in cx - r..=cx + r {
                                let q = px(xx, yy);
                                acc[0] += q[0];
                                acc[1] += q[1];
                                acc[2] += q[2];
                            }
                        }
                    }
                    let n = ((2 * r + 1) * (2 * r + 1)) as f32;
                    acc.map(|a| a as f32 / n)
                }
                None => {
                    let (fx, fy) = (x - 0.5, y - 0.5);
                    let (x0, y0) = (floor_i64(fx), floor_i64(fy));
                    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
                    let (a, b, c, d) = (
                        px(x0, y0),
                        px(x0 + 1, y0),
                        px(x0, y0 + 1),
                        px(x0 + 1, y0 + 1),
                    );
                    std::array::from_fn(|ch| {
                        let (a, b, c, d) = (a[ch] as f32, b[ch] as f32, c[ch] as f32, d[ch] as f32);
                        let top = a + (b - a) * ax;
                        let bottom = c + (d - c) * ax;
                        top + (bottom - top) * ay
                    })
                }
            };
            out.extend(p.iter().map(|c| lo + c * k));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_and_shrink_keep_flat_colour() {
        let img = RgbImage::from_pixel(40, 30, image::Rgb([255, 0, 51]));
        let same = sample(&img, &Warp::scaled((0.0, 0.0), 1.0, 1.0), 40, 30, 0.0, 1.0);
        assert_eq!(same.len(), 40 * 30 * 3);
        assert!((same[0] - 1.0).abs() < 1e-6 && same[1].abs() < 1e-6);
        // 4× smaller, away from the border: still the same colour, −1..1
        let small = sample(&img, &Warp::scaled((0.0, 0.0), 4.0, 4.0), 10, 7, -1.0, 1.0);
        let mid = (3 * 10 + 5) * 3;
        assert!((small[mid] - 1.0).abs() < 1e-5 && (small[mid + 1] + 1.0).abs() < 1e-5);
        // outside the photo reads black
        let off = sample(
            &img,
            &Warp::scaled((100.0, 100.0), 1.0, 1.0),
            2,
            2,
            0.0,
            1.0,
        );
        assert!(off.iter().all(|v| *v == 0.0));
    }

    /// The straightforward per-pixel version `sample` replaced (f32 sums,
    /// libm floor, a bounds check per read).
    fn reference(rgb: &RgbImage, warp: &Warp, w: usize, h: usize, lo: f32, hi: f32) -> Vec<f32> {
        let k = (hi - lo) / 255.0;
        let (iw, ih) = (rgb.width() as i64, rgb.height() as i64);
        let px = |x: i64, y: i64| -> [f32; 3] {
            if x < 0 || y < 0 || x >= iw || y >= ih {
                return [0.0; 3];
            }
            rgb.get_pixel(x as u32, y as u32).0.map(f32::from)
        };
        let scale = warp.scale();
        let reach = (scale > 1.5).then(|| ((scale - 1.0) / 2.0).round().max(1.0) as i64);
        let mut out = Vec::new();
        for v in 0..h {
            for u in 0..w {
                let (x, y) = warp.apply(u as f32 + 0.5, v as f32 + 0.5);
                let p = match reach {
                    Some(r) => {
                        let (cx, cy) = (x.floor() as i64, y.floor() as i64);
                        let (mut acc, mut n) = ([0.0f32; 3], 0.0);
                        for yy in cy - r..=cy + r {
                            for xx in cx - r..=cx + r {
                                let q = px(xx, yy);
                                (0..3).for_each(|c| acc[c] += q[c]);
                                n += 1.0;
                            }
                        }
                        acc.map(|a| a / n)
                    }
                    None => {
                        let (fx, fy) = (x - 0.5, y - 0.5);
                        let (x0, y0) = (fx.floor(), fy.floor());
                        let (ax, ay) = (fx - x0, fy - y0);
                        let (x0, y0) = (x0 as i64, y0 as i64);
                        let (a, b, c, d) = (
                            px(x0, y0),
                            px(x0 + 1, y0),
                            px(x0, y0 + 1),
                            px(x0 + 1, y0 + 1),
                        );
                        std::array::from_fn(|ch| {
                            let top = a[ch] + (b[ch] - a[ch]) * ax;
                            let bottom = c[ch] + (d[ch] - c[ch]) * ax;
                            top + (bottom - top) * ay
                        })
                    }
                };
                out.extend(p.iter().map(|c| lo + c * k));
            }
        }
        out
    }

    #[test]
    fn sample_is_bit_identical_to_the_per_pixel_version() {
        let img = RgbImage::from_fn(97, 131, |x, y| {
            image::Rgb([(x * 7 + y * 3) as u8, (x * y) as u8, (255 - x - y) as u8])
        });
        let warps = [
            // letterboxed shrink (reads outside), shrink inside, identity
            (
                Warp::scaled((-17.0, 0.0), 131.0 / 32.0, 131.0 / 32.0),
                32,
                32,
            ),
            (Warp::scaled((3.3, 5.1), 2.4, 2.9), 30, 40),
            (Warp::scaled((0.0, 0.0), 1.0, 1.0), 97, 131),
            // rotated crops, enlarging and shrinking, partly off the photo
            (Warp::rotated_square((40.0, 60.0), 70.0, 0.21, 48), 48, 48),
            (Warp::rotated_square((90.0, 20.0), 150.0, -0.4, 40), 40, 40),
        ];
        for (warp, w, h) in warps {
            let got = sample(&img, &warp, w, h, -1.0, 1.0);
            let want = reference(&img, &warp, w, h, -1.0, 1.0);
            assert_eq!(got.len(), want.len());
            assert!(
                got.iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{warp:?}"
            );
        }
        for x in [-2.5f32, -2.0, -0.1, 0.0, 0.7, 3.0, 1e9, f32::NAN] {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
    }

    #[test]
    fn rotated_square_maps_its_centre() {
        let w = Warp::rotated_square((50.0, 60.0), 20.0, 0.3, 10);
        let (x, y) = w.apply(5.0, 5.0);
        assert!((x - 50.0).abs() < 1e-4 && (y - 60.0).abs() < 1e-4);
        let (x, _) = w.apply(10.0, 5.0);
        assert!((x - (50.0 + 10.0 * 0.3f32.cos())).abs() < 1e-4);
    }
}
