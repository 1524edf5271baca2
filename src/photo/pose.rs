//! Head pose from the face mesh: the rotation that best carries MediaPipe's
//! canonical face (rigid points only: eye corners, brows, forehead, nose,
//! cheek contour; not the mouth or jaw, which move with a smile) onto the
//! measured 3-D points (Kabsch / orthogonal Procrustes with scale). Yaw is
//! the turn left/right, pitch the nod up/down, roll the tilt in the picture's
//! plane. The `pose` check judges yaw and pitch; roll stays with `tilt`.

// 3×3 matrix arithmetic reads clearest with explicit indices
#![allow(clippy::needless_range_loop)]

use super::canonical_face::RIGID_POINTS;
use super::mesh::FaceMesh;
use super::report::{Check, PhotoVerdict, Rect};
use super::thresholds::THRESHOLDS;

/// Degrees. Yaw positive: the face turned towards the picture's right;
/// pitch positive: chin down; roll positive: the picture's right side lower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub yaw: f32,
    pub pitch: f32,
    pub roll: f32,
}

type M3 = [[f64; 3]; 3];

fn mul(a: &M3, b: &M3) -> M3 {
    let mut c = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            c[i][j] = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    c
}

fn transpose(a: &M3) -> M3 {
    let mut t = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            t[i][j] = a[j][i];
        }
    }
    t
}

/// Eigen-decomposition of a symmetric 3×3 matrix (Jacobi rotations):
/// eigenvalues and eigenvectors as columns.
fn sym_eigen(mut a: M3) -> ([f64; 3], M3) {
    let mut v: M3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for _ in 0..50 {
        let off = a[0][1].abs() + a[0][2].abs() + a[1][2].abs();
        if off < 1e-12 {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q].abs() < 1e-15 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
            let t = if theta == 0.0 { 1.0 } else { t };
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            let mut j: M3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
            j[p][p] = c;
            j[q][q] = c;
            j[p][q] = s;
            j[q][p] = -s;
            a = mul(&transpose(&j), &mul(&a, &j));
            v = mul(&v, &j);
        }
    }
    ([a[0][0], a[1][1], a[2][2]], v)
}

/// The rotation R (proper, det +1) minimising Σ |R·q − p|² for centred point
/// sets, from the cross-covariance H = Σ p qᵀ: R = H (HᵀH)^(−1/2), with the
/// smallest singular direction flipped when needed.
fn best_rotation(h: &M3) -> Option<M3> {
    let hth = mul(&transpose(h), h);
    let (vals, v) = sym_eigen(hth);
    // order the singular values, largest first
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
    let sv: Vec<f64> = order.iter().map(|&i| vals[i].max(0.0).sqrt()).collect();
    if sv[1] < 1e-9 {
        return None;
    }
    let col = |i: usize| [v[0][order[i]], v[1][order[i]], v[2][order[i]]];
    let (v0, v1) = (col(0), col(1));
    // V's third column as v0 × v1, so V is a proper rotation
    let v2 = [
        v0[1] * v1[2] - v0[2] * v1[1],
        v0[2] * v1[0] - v0[0] * v1[2],
        v0[0] * v1[1] - v0[1] * v1[0],
    ];
    let hv = |c: [f64; 3]| -> [f64; 3] {
        [
            h[0][0] * c[0] + h[0][1] * c[1] + h[0][2] * c[2],
            h[1][0] * c[0] + h[1][1] * c[1] + h[1][2] * c[2],
            h[2][0] * c[0] + h[2][1] * c[1] + h[2][2] * c[2],
        ]
    };
    let norm = |c: [f64; 3]| {
        let n = (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]).sqrt();
        [c[0] / n, c[1] / n, c[2] / n]
    };
    let u0 = norm(hv(v0));
    let u1 = norm(hv(v1));
    // U's third column completes a right-handed frame: this is the det +1 fix
    let u2 = [
        u0[1] * u1[2] - u0[2] * u1[1],
        u0[2] * u1[0] - u0[0] * u1[2],
        u0[0] * u1[1] - u0[1] * u1[0],
    ];
    let mut r = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            r[i][j] = u0[i] * v0[j] + u1[i] * v1[j] + u2[i] * v2[j];
        }
    }
    Some(r)
}

/// Yaw, pitch and roll of the face; `None` when the points are degenerate.
pub fn estimate(mesh: &FaceMesh) -> Option<Pose> {
    // measured points in the canonical frame: x right, y up, z towards the camera
    let pts: Vec<([f64; 3], [f64; 3])> = RIGID_POINTS
        .iter()
        .filter_map(|&(i, q)| {
            let p = mesh.points.get(i)?;
            Some((
                [f64::from(p[0]), -f64::from(p[1]), -f64::from(p[2])],
                [f64::from(q[0]), f64::from(q[1]), f64::from(q[2])],
            ))
        })
        .collect();
    let n = pts.len() as f64;
    if n < 4.0 {
        return None;
    }
    let mut pm = [0.0; 3];
    let mut qm = [0.0; 3];
    for (p, q) in &pts {
        for k in 0..3 {
            pm[k] += p[k] / n;
            qm[k] += q[k] / n;
        }
    }
    let mut h = [[0.0; 3]; 3];
    for (p, q) in &pts {
        for i in 0..3 {
            for j in 0..3 {
                h[i][j] += (p[i] - pm[i]) * (q[j] - qm[j]);
            }
        }
    }
    let r = best_rotation(&h)?;
    let yaw = r[0][2].atan2(r[2][2]).to_degrees();
    let pitch = (-r[1][2]).clamp(-1.0, 1.0).asin().to_degrees();
    let roll = (-r[1][0]).atan2(r[0][0]).to_degrees();
    let pose = Pose {
        yaw: yaw as f32,
        pitch: pitch as f32,
        roll: roll as f32,
    };
    [pose.yaw, pose.pitch, pose.roll]
        .iter()
        .all(|v| v.is_finite())
        .then_some(pose)
}

/// `pose`: yaw and pitch against the frontal-face rule (正面).
pub fn pose_check(pose: Option<Pose>, region: Rect, note: Option<&str>) -> Check {
    let t = &THRESHOLDS;
    let (warn, fail) = t.pose_deg;
    let limit = format!("左右转头、抬头低头均 ≤ {warn:.0}°（超过 {fail:.0}° 不合格）");
    let Some(p) = pose else {
        return Check {
            id: "pose",
            name: "正面姿态",
            verdict: PhotoVerdict::Warn,
            value: "无法测量".into(),
            limit,
            message: note
                .unwrap_or("未能测量头部姿态，请人工确认是否正面")
                .to_owned(),
            region: Some(region),
        };
    };
    let worst = p.yaw.abs().max(p.pitch.abs());
    let verdict = if worst > fail {
        PhotoVerdict::Fail
    } else if worst > warn {
        PhotoVerdict::Warn
    } else {
        PhotoVerdict::Pass
    };
    let turn = if p.yaw.abs() > warn {
        Some(if p.yaw > 0.0 {
            "脸转向照片右侧"
        } else {
            "脸转向照片左侧"
        })
    } else {
        None
    };
    let nod = if p.pitch.abs() > warn {
        Some(if p.pitch > 0.0 { "低头" } else { "抬头" })
    } else {
        None
    };
    let what: Vec<&str> = turn.into_iter().chain(nod).collect();
    let message = match verdict {
        PhotoVerdict::Pass => "正面免冠，头部未明显转动".to_owned(),
        PhotoVerdict::Warn => format!("头部略有转动（{}），请人工确认是否正面", what.join("、")),
        PhotoVerdict::Fail => format!("头部明显转动（{}），不是正面照", what.join("、")),
    };
    Check {
        id: "pose",
        name: "正面姿态",
        verdict,
        value: format!("左右 {:+.0}°，上下 {:+.0}°", p.yaw, p.pitch),
        limit,
        message,
        region: Some(region),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical face nodded by pitch (about x), then turned by yaw (about
    /// the vertical), as a mesh.
    fn turned(yaw: f64, pitch: f64) -> FaceMesh {
        let (sy, cy) = yaw.to_radians().sin_cos();
        let (sp, cp) = pitch.to_radians().sin_cos();
        let mut points = vec![[0.0f32; 3]; 468];
        for &(i, q) in &RIGID_POINTS {
            let (x, y, z) = (f64::from(q[0]), f64::from(q[1]), f64::from(q[2]));
            // R = Ry(yaw)·Rx(pitch), the order `estimate` decomposes:
            // pitch first (chin down positive): y' = y cos − z sin ; z' = y sin + z cos
            let (y, z) = (y * cp - z * sp, y * sp + z * cp);
            // then yaw: x' = x cos + z sin ; z' = −x sin + z cos
            let (x, z) = (x * cy + z * sy, -x * sy + z * cy);
            // to image pixels: 20 px per cm, y down, z away from the camera
            points[i] = [
                200.0 + 20.0 * x as f32,
                300.0 - 20.0 * y as f32,
                -20.0 * z as f32,
            ];
        }
        FaceMesh {
            points,
            presence: 1.0,
        }
    }

    #[test]
    fn recovers_known_rotations() {
        for (yaw, pitch) in [(0.0, 0.0), (12.0, 0.0), (-20.0, 5.0), (3.0, -10.0)] {
            let p = estimate(&turned(yaw, pitch)).unwrap();
            assert!((f64::from(p.yaw) - yaw).abs() < 0.5, "{yaw}: {p:?}");
            assert!((f64::from(p.pitch) - pitch).abs() < 0.5, "{pitch}: {p:?}");
            assert!(p.roll.abs() < 0.5, "{p:?}");
        }
    }

    #[test]
    fn verdicts_follow_the_table() {
        let r = Rect::new(0.0, 0.0, 1.0, 1.0);
        let at = |yaw, pitch| {
            pose_check(
                Some(Pose {
                    yaw,
                    pitch,
                    roll: 0.0,
                }),
                r,
                None,
            )
            .verdict
        };
        assert_eq!(at(3.0, -4.0), PhotoVerdict::Pass);
        assert_eq!(at(10.0, 0.0), PhotoVerdict::Warn);
        assert_eq!(at(0.0, -20.0), PhotoVerdict::Fail);
        assert_eq!(pose_check(None, r, None).verdict, PhotoVerdict::Warn);
    }
}
