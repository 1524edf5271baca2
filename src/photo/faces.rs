//! Which faces the photo holds, and the landmarks of the one face that is
//! checked: the learned detector and face mesh, or — when either model is
//! unavailable or fails on this photo — the classical rustface detector and
//! edge landmarks, with a note the report shows.

use image::{GrayImage, RgbImage};

use super::detector;
use super::face;
use super::mesh::{self, FaceMesh};
use super::models::Models;
use super::pose::{self, Pose};
use super::report::{Check, PhotoVerdict, Rect};
use super::thresholds::THRESHOLDS;

/// The one face the geometry is measured on.
#[derive(Debug, Clone)]
pub struct Primary {
    /// Detector box (classical: rustface's; learned: the detector's).
    pub rect: Rect,
    pub mesh: Option<FaceMesh>,
    pub pose: Option<Pose>,
}

/// Every face found, and the primary one when there is exactly one.
#[derive(Debug, Clone)]
pub struct Faces {
    pub boxes: Vec<Rect>,
    /// Per box: runs past the photo's edge.
    pub cut: Vec<bool>,
    pub best_score: Option<f32>,
    /// False when no detector could run at all.
    pub detector_ok: bool,
    /// Why the classical method was used, if it was.
    pub note: Option<String>,
    pub primary: Option<Primary>,
}

impl Faces {
    pub fn count(&self) -> usize {
        self.boxes.len()
    }
}

/// Finds the faces; landmarks and pose for a single face.
pub fn find(models: &Models, rgb: &RgbImage, grey: &GrayImage) -> Faces {
    let (w, h) = rgb.dimensions();
    let failed = match models.face_nets() {
        Some((det, mesh_net)) => match detector::detect(det, rgb) {
            Ok(found) => {
                let cut: Vec<bool> = found
                    .iter()
                    .map(|d| d.cut_by_frame(w, h, THRESHOLDS.face_cut_share))
                    .collect();
                let primary = match found.as_slice() {
                    [only] => match mesh::landmarks(mesh_net, rgb, only) {
                        Ok(Some(m)) => Some(Primary {
                            rect: only.rect,
                            pose: pose::estimate(&m),
                            mesh: Some(m),
                        }),
                        // no mesh on this face: the classical landmarks, on
                        // the classical box they were calibrated on
                        Ok(None) | Err(_) => Some(classical_primary(grey, only.rect)),
                    },
                    _ => None,
                };
                return Faces {
                    best_score: found.iter().map(|d| d.score).reduce(f32::max),
                    boxes: found.iter().map(|d| d.rect).collect(),
                    cut,
                    detector_ok: true,
                    note: None,
                    primary,
                };
            }
            Err(e) => e.to_string(),
        },
        None => models
            .errors()
            .first()
            .map_or_else(|| "模型不可用".to_owned(), |e| e.to_string()),
    };
    tracing::warn!(error = %failed, "face models unavailable, classical detector");
    let note = Some("人脸模型不可用，已改用传统方法".to_owned());
    let Some(found) = face::detect(grey) else {
        return Faces {
            boxes: Vec::new(),
            cut: Vec::new(),
            best_score: None,
            detector_ok: false,
            note,
            primary: None,
        };
    };
    let primary = match found.as_slice() {
        [only] => Some(Primary {
            rect: only.rect.clamp_to(w, h),
            mesh: None,
            pose: None,
        }),
        _ => None,
    };
    Faces {
        best_score: found.iter().map(|f| f.score as f32).reduce(f32::max),
        cut: vec![false; found.len()],
        boxes: found.iter().map(|f| f.rect).collect(),
        detector_ok: true,
        note,
        primary,
    }
}

/// The classical box for a face the mesh could not place: rustface's when it
/// agrees there is one face, the detector's otherwise.
fn classical_primary(grey: &GrayImage, learned: Rect) -> Primary {
    let (w, h) = grey.dimensions();
    let rect = match face::detect(grey).as_deref() {
        Some([only]) => only.rect,
        _ => learned,
    };
    Primary {
        rect: rect.clamp_to(w, h),
        mesh: None,
        pose: None,
    }
}

/// `face_count`: exactly one face, not cut by the frame.
pub fn face_count_check(f: &Faces, w: u32, h: u32) -> Check {
    let n = f.count();
    let cut = f.cut.iter().filter(|&&c| c).count();
    let (verdict, mut message) = match (f.detector_ok, n) {
        (false, _) => (PhotoVerdict::Fail, "人脸检测模型加载失败".to_owned()),
        (true, 1) if cut == 1 => (
            PhotoVerdict::Fail,
            "人脸被照片边缘截断，须完整拍摄头部".to_owned(),
        ),
        (true, 1) => (PhotoVerdict::Pass, "检测到一张人脸".to_owned()),
        (true, 0) => (
            PhotoVerdict::Fail,
            "未检测到人脸（须免冠正面、面部无遮挡）".to_owned(),
        ),
        (true, n) if cut > 0 => (
            PhotoVerdict::Fail,
            format!("检测到 {n} 张人脸（其中 {cut} 张被照片边缘截断），照片只能有申请人一人"),
        ),
        (true, n) => (
            PhotoVerdict::Fail,
            format!("检测到 {n} 张人脸，照片只能有申请人一人"),
        ),
    };
    if let Some(note) = &f.note {
        message = format!("{message}（{note}）");
    }
    Check {
        id: "face_count",
        name: "单人正面人脸",
        verdict,
        value: match f.best_score {
            Some(s) if f.note.is_none() => format!("{n} 张（最高置信度 {:.0}%）", s * 100.0),
            Some(s) => format!("{n} 张（最高得分 {s:.1}）"),
            None => format!("{n} 张"),
        },
        limit: "恰好 1 张，完整在照片内".into(),
        message,
        region: Some(Rect::new(0.0, 0.0, w as f32, h as f32)),
    }
}
