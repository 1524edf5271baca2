//! The report a check produces: plain data, serialisable, no pixels.

use serde::Serialize;

use super::spec::SpecKind;

/// Outcome of one check or of the whole photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoVerdict {
    Pass,
    Warn,
    Fail,
}

impl PhotoVerdict {
    /// `pass` / `warn` / `fail`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoVerdict::Pass => "pass",
            PhotoVerdict::Warn => "warn",
            PhotoVerdict::Fail => "fail",
        }
    }

    /// Chinese badge text.
    pub fn label(self) -> &'static str {
        match self {
            PhotoVerdict::Pass => "合格",
            PhotoVerdict::Warn => "注意",
            PhotoVerdict::Fail => "不合格",
        }
    }

    /// `Pass` when the check holds, else the verdict its failure earns.
    pub fn pass_if(ok: bool, otherwise: PhotoVerdict) -> PhotoVerdict {
        if ok { PhotoVerdict::Pass } else { otherwise }
    }
}

/// Axis-aligned rectangle in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Rect { x, y, w, h }
    }

    /// Clamps to an image of `width`×`height`.
    pub fn clamp_to(self, width: u32, height: u32) -> Rect {
        let x0 = self.x.clamp(0.0, width as f32);
        let y0 = self.y.clamp(0.0, height as f32);
        let x1 = (self.x + self.w).clamp(0.0, width as f32);
        let y1 = (self.y + self.h).clamp(0.0, height as f32);
        Rect::new(x0, y0, (x1 - x0).max(0.0), (y1 - y0).max(0.0))
    }

    /// The same rectangle with every coordinate multiplied by `s`.
    pub fn scaled(self, s: f32) -> Rect {
        Rect::new(self.x * s, self.y * s, self.w * s, self.h * s)
    }

    /// Sub-rectangle given in shares of this one (0..1).
    pub fn part(self, fx: f32, fy: f32, fw: f32, fh: f32) -> Rect {
        Rect::new(
            self.x + fx * self.w,
            self.y + fy * self.h,
            fw * self.w,
            fh * self.h,
        )
    }
}

/// One automated check.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable id, e.g. `head_length` (see docs/photo.md).
    pub id: &'static str,
    /// Short Chinese name of the check.
    pub name: &'static str,
    pub verdict: PhotoVerdict,
    /// What was measured, with unit.
    pub value: String,
    /// The limit it was compared with.
    pub limit: String,
    /// Chinese explanation for the clerk.
    pub message: String,
    /// Where the check looked, for highlighting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Rect>,
}

impl Check {
    /// A yes/no check: `Pass` with the first message when `ok`, else
    /// `otherwise` with the second. What was measured and where follow.
    pub fn judged(
        id: &'static str,
        name: &'static str,
        ok: bool,
        otherwise: PhotoVerdict,
        [passed, failed]: [&str; 2],
    ) -> Check {
        Check {
            id,
            name,
            verdict: PhotoVerdict::pass_if(ok, otherwise),
            value: String::new(),
            limit: String::new(),
            message: if ok { passed } else { failed }.to_owned(),
            region: None,
        }
    }

    /// The measured value and the limit it was held to, for the table.
    pub fn measured(self, value: String, limit: String) -> Check {
        Check {
            value,
            limit,
            ..self
        }
    }

    /// Where the check looked, for the overlay.
    pub fn at(self, region: Rect) -> Check {
        Check {
            region: Some(region),
            ..self
        }
    }
}

/// Head geometry in pixels and millimetres.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Geometry {
    pub px_per_mm: f32,
    pub face_box: Option<Rect>,
    pub crown_y: Option<f32>,
    pub chin_y: Option<f32>,
    /// Row and left/right ends of the head-width measurement.
    pub head_width_line: Option<(f32, f32, f32)>,
    pub head_centre_x: Option<f32>,
    /// Eye line where it crosses the face axis: (x, y), and its roll in degrees
    /// (positive: the right side of the picture is lower).
    pub eye_line: Option<(f32, f32)>,
    pub tilt_deg: Option<f32>,
    pub head_length_mm: Option<f32>,
    pub head_width_mm: Option<f32>,
    pub crown_margin_mm: Option<f32>,
    /// Head pose from the face mesh (pose.rs), degrees: yaw positive when the
    /// face turns to the picture's right, pitch positive chin down.
    pub yaw_deg: Option<f32>,
    pub pitch_deg: Option<f32>,
}

impl Geometry {
    /// Pixel positions multiplied by `s` (millimetres unchanged).
    pub fn scaled(&self, s: f32) -> Geometry {
        Geometry {
            px_per_mm: self.px_per_mm * s,
            face_box: self.face_box.map(|r| r.scaled(s)),
            crown_y: self.crown_y.map(|v| v * s),
            chin_y: self.chin_y.map(|v| v * s),
            head_width_line: self.head_width_line.map(|(y, l, r)| (y * s, l * s, r * s)),
            head_centre_x: self.head_centre_x.map(|v| v * s),
            eye_line: self.eye_line.map(|(x, y)| (x * s, y * s)),
            ..self.clone()
        }
    }
}

/// Something the clerk checks by eye; never ticked automatically.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ManualItem {
    pub id: &'static str,
    pub text: &'static str,
}

/// What is not automated, in the order the clerk should look.
pub const MANUAL_CHECKLIST: &[ManualItem] = &[
    ManualItem {
        id: "eyes_open",
        text: "双眼自然睁开，目视前方",
    },
    ManualItem {
        id: "mouth_closed",
        text: "嘴巴自然闭合",
    },
    ManualItem {
        id: "expression",
        text: "表情自然，无夸张姿态",
    },
    ManualItem {
        id: "no_headwear",
        text: "未戴帽子、头巾、发饰，头发未遮挡面部和耳朵",
    },
    ManualItem {
        id: "no_heavy_makeup",
        text: "无浓妆，未修饰五官",
    },
    ManualItem {
        id: "no_uniform",
        text: "未穿制式服装，着深色衣服",
    },
    ManualItem {
        id: "no_accessories",
        text: "未戴墨镜、口罩、饰品",
    },
    ManualItem {
        id: "not_composite",
        text: "非合成照片，照片为本人",
    },
];

/// Full result for one photo.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoReport {
    pub verdict: PhotoVerdict,
    pub spec: SpecKind,
    pub width_px: u32,
    pub height_px: u32,
    pub face_count: usize,
    pub checks: Vec<Check>,
    pub geometry: Geometry,
    pub manual_checklist: Vec<ManualItem>,
}

impl PhotoReport {
    /// Builds the report; the overall verdict is the worst check verdict.
    pub fn new(
        spec: SpecKind,
        (width_px, height_px): (u32, u32),
        face_count: usize,
        checks: Vec<Check>,
        geometry: Geometry,
    ) -> Self {
        let verdict = checks
            .iter()
            .map(|c| c.verdict)
            .max()
            .unwrap_or(PhotoVerdict::Pass);
        PhotoReport {
            verdict,
            spec,
            width_px,
            height_px,
            face_count,
            checks,
            geometry,
            manual_checklist: MANUAL_CHECKLIST.to_vec(),
        }
    }

    /// The check with this id, if it ran.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}
