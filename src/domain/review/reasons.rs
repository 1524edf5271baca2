//! Standard rejection reasons. Fixable ones let the applicant correct and
//! resubmit; refusals mean this application cannot succeed as it stands.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// 可补正: fix and resubmit.
    Fixable,
    /// 不予办理
    Refusal,
}

impl ReasonKind {
    pub fn label(self) -> &'static str {
        match self {
            ReasonKind::Fixable => "可补正",
            ReasonKind::Refusal => "不予办理",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    PhotoBackground,
    PhotoGlare,
    PhotoBlur,
    PhotoHeadSize,
    PhotoBeautified,
    PhotoLighting,
    PhotoColour,
    PhotoFormat,
    PhotoFace,
    PhotoNotRecent,
    ScanUnreadable,
    MobileMismatch,
    InfoMismatch,
    LicenceStatus,
    DocumentInvalid,
    NotSamePerson,
    PhotoChangeTooSoon,
    MustReapply,
}

impl Reason {
    pub const ALL: [Reason; 18] = [
        Reason::PhotoBackground,
        Reason::PhotoGlare,
        Reason::PhotoBlur,
        Reason::PhotoHeadSize,
        Reason::PhotoBeautified,
        Reason::PhotoLighting,
        Reason::PhotoColour,
        Reason::PhotoFormat,
        Reason::PhotoFace,
        Reason::PhotoNotRecent,
        Reason::ScanUnreadable,
        Reason::MobileMismatch,
        Reason::InfoMismatch,
        Reason::LicenceStatus,
        Reason::DocumentInvalid,
        Reason::NotSamePerson,
        Reason::PhotoChangeTooSoon,
        Reason::MustReapply,
    ];

    /// Stable code stored with the decision.
    pub fn code(self) -> &'static str {
        match self {
            Reason::PhotoBackground => "photo_background",
            Reason::PhotoGlare => "photo_glare",
            Reason::PhotoBlur => "photo_blur",
            Reason::PhotoHeadSize => "photo_head_size",
            Reason::PhotoBeautified => "photo_beautified",
            Reason::PhotoLighting => "photo_lighting",
            Reason::PhotoColour => "photo_colour",
            Reason::PhotoFormat => "photo_format",
            Reason::PhotoFace => "photo_face",
            Reason::PhotoNotRecent => "photo_not_recent",
            Reason::ScanUnreadable => "scan_unreadable",
            Reason::MobileMismatch => "mobile_mismatch",
            Reason::InfoMismatch => "info_mismatch",
            Reason::LicenceStatus => "licence_status",
            Reason::DocumentInvalid => "document_invalid",
            Reason::NotSamePerson => "not_same_person",
            Reason::PhotoChangeTooSoon => "photo_change_too_soon",
            Reason::MustReapply => "must_reapply",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn kind(self) -> ReasonKind {
        match self {
            Reason::LicenceStatus
            | Reason::DocumentInvalid
            | Reason::NotSamePerson
            | Reason::PhotoChangeTooSoon
            | Reason::MustReapply => ReasonKind::Refusal,
            _ => ReasonKind::Fixable,
        }
    }

    /// Short label for the reviewer's checklist.
    pub fn label(self) -> &'static str {
        match self {
            Reason::PhotoBackground => "背景",
            Reason::PhotoGlare => "反光",
            Reason::PhotoBlur => "模糊",
            Reason::PhotoHeadSize => "头部尺寸",
            Reason::PhotoBeautified => "过度美颜",
            Reason::PhotoLighting => "曝光或光线",
            Reason::PhotoColour => "非彩色照片",
            Reason::PhotoFormat => "照片尺寸或格式",
            Reason::PhotoFace => "面部不清或多人",
            Reason::PhotoNotRecent => "非近期照片",
            Reason::ScanUnreadable => "扫描件不清",
            Reason::MobileMismatch => "手机号不一致",
            Reason::InfoMismatch => "信息不一致",
            Reason::LicenceStatus => "驾驶证状态不允许",
            Reason::DocumentInvalid => "证件无效",
            Reason::NotSamePerson => "非本人",
            Reason::PhotoChangeTooSoon => "换照片未满6个月",
            Reason::MustReapply => "需重新申领",
        }
    }

    /// The sentence the applicant reads in the one-time notice: what is wrong
    /// and what to do.
    pub fn requirement(self) -> &'static str {
        match self {
            Reason::PhotoBackground => "照片背景不符合要求：应为纯白色背景，无阴影、无边框、无杂物",
            Reason::PhotoGlare => "照片有反光：请摘下眼镜或调整灯光，确保面部和眼睛无反光",
            Reason::PhotoBlur => "照片模糊：请使用对焦清晰、未经压缩的照片",
            Reason::PhotoHeadSize => {
                "头部尺寸或位置不符合要求：头部应居中，头顶至下颌长度为 19–22 毫米（照片高 32 毫米），头部宽度 14–16 毫米"
            }
            Reason::PhotoBeautified => {
                "照片经过美颜或修饰：请使用未经美颜、滤镜或修图处理的本人近照"
            }
            Reason::PhotoLighting => {
                "照片曝光或光线不符合要求：面部应光线均匀，不过亮、不过暗、无明显阴影"
            }
            Reason::PhotoColour => "照片不是彩色照片：请使用彩色的本人近照",
            Reason::PhotoFormat => "照片尺寸或格式不符合要求：请上传符合规格的 JPEG 照片",
            Reason::PhotoFace => "照片中面部不清晰或不止一人：须为本人单人正面免冠照片",
            Reason::PhotoNotRecent => "照片不是近期照片：请使用近 6 个月内拍摄的本人照片",
            Reason::ScanUnreadable => {
                "证件扫描件不清晰或不完整：请重新上传清晰、完整、无遮挡的证件照片"
            }
            Reason::MobileMismatch => {
                "手机号码与驾驶证登记的手机号码不一致：请先办理手机号码变更，再重新申请"
            }
            Reason::InfoMismatch => "填写的信息与驾驶证档案不一致：请按驾驶证上的信息如实填写",
            Reason::LicenceStatus => "驾驶证状态异常：需先处理完异常情况后才能申领",
            Reason::DocumentInvalid => "身份证明无效：请持有效身份证明重新申请",
            Reason::NotSamePerson => "照片或身份信息与驾驶证持证人不符：须由持证人本人申请",
            Reason::PhotoChangeTooSoon => {
                "距上次使用相册或拍照更换照片未满 6 个月，暂不能更换照片：请满 6 个月后再申请"
            }
            Reason::MustReapply => {
                "驾驶证已换证或变更了准驾车型、有效期、发证机关，原电子驾驶证已失效：请重新申领电子驾驶证"
            }
        }
    }

    /// Whether the reason can apply to an application of `kind`: a company
    /// registration has no photo and no licence, only its documents.
    pub fn applies_to(self, kind: super::AppKind) -> bool {
        match kind {
            super::AppKind::CompanyRegistration => matches!(
                self,
                Reason::ScanUnreadable | Reason::InfoMismatch | Reason::DocumentInvalid
            ),
            _ => true,
        }
    }

    /// The fixable reason that a failing automated photo check points to.
    pub fn for_photo_check(check_id: &str) -> Option<Reason> {
        Some(match check_id {
            "background_white" | "background_uniform" => Reason::PhotoBackground,
            "glare" => Reason::PhotoGlare,
            "sharpness" => Reason::PhotoBlur,
            "head_length" | "head_width" | "crown_margin" | "centred" => Reason::PhotoHeadSize,
            "skin_texture" | "exif_software" => Reason::PhotoBeautified,
            "exposure" | "lighting" | "skin_colour" => Reason::PhotoLighting,
            "colour" => Reason::PhotoColour,
            "format" | "size" => Reason::PhotoFormat,
            "face_count" => Reason::PhotoFace,
            "taken_date" => Reason::PhotoNotRecent,
            _ => return None,
        })
    }
}

/// Standard reasons for approving although the automated photo check failed
/// (see [`super::photo_override`]); the reviewer may also type their own.
pub const PHOTO_OVERRIDE_REASONS: [&str; 3] = [
    "已现场重新采集照片",
    "系统误判，已人工核对",
    "照片经人工比对符合规格",
];

/// Reasons a rejection may carry: at least one, no duplicates (kept in the
/// standard order so every notice reads the same way).
pub fn normalise(reasons: &[Reason]) -> Result<Vec<Reason>, &'static str> {
    if reasons.is_empty() {
        return Err("退回时至少选择一项原因");
    }
    let mut out = reasons.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_company_review_offers_only_document_reasons() {
        use super::super::AppKind;
        let company: Vec<Reason> = Reason::ALL
            .into_iter()
            .filter(|r| r.applies_to(AppKind::CompanyRegistration))
            .collect();
        assert_eq!(
            company,
            [
                Reason::ScanUnreadable,
                Reason::InfoMismatch,
                Reason::DocumentInvalid
            ]
        );
        assert!(Reason::ALL.iter().all(|r| r.applies_to(AppKind::New)));
    }

    use super::*;

    #[test]
    fn codes_round_trip_and_kinds_split() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
            assert!(!r.label().is_empty() && !r.requirement().is_empty());
        }
        assert_eq!(Reason::PhotoGlare.kind(), ReasonKind::Fixable);
        assert_eq!(Reason::MobileMismatch.kind(), ReasonKind::Fixable);
        assert_eq!(Reason::LicenceStatus.kind(), ReasonKind::Refusal);
        assert_eq!(Reason::NotSamePerson.kind(), ReasonKind::Refusal);
        assert_eq!(Reason::DocumentInvalid.kind(), ReasonKind::Refusal);
        assert!(
            Reason::LicenceStatus
                .requirement()
                .contains("需先处理完异常情况后才能申领")
        );
    }

    #[test]
    fn photo_checks_map_to_reasons() {
        assert_eq!(Reason::for_photo_check("glare"), Some(Reason::PhotoGlare));
        assert_eq!(
            Reason::for_photo_check("background_white"),
            Some(Reason::PhotoBackground)
        );
        assert_eq!(Reason::for_photo_check("eyes_open"), None);
    }

    #[test]
    fn rejection_needs_a_reason_and_drops_duplicates() {
        assert!(normalise(&[]).is_err());
        assert_eq!(
            normalise(&[
                Reason::PhotoGlare,
                Reason::PhotoBackground,
                Reason::PhotoGlare
            ]),
            Ok(vec![Reason::PhotoBackground, Reason::PhotoGlare])
        );
    }
}
