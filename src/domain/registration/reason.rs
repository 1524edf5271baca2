//! Why an individual registers at the counter instead of in the app.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    FaceCheckFailed,
    MobileMismatch,
    NoSmartphone,
    Other,
}

impl ReasonKind {
    pub const ALL: [ReasonKind; 4] = [
        ReasonKind::FaceCheckFailed,
        ReasonKind::MobileMismatch,
        ReasonKind::NoSmartphone,
        ReasonKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReasonKind::FaceCheckFailed => "face_check_failed",
            ReasonKind::MobileMismatch => "mobile_mismatch",
            ReasonKind::NoSmartphone => "no_smartphone",
            ReasonKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReasonKind::FaceCheckFailed => "人脸识别多次未通过",
            ReasonKind::MobileMismatch => "预留手机号不一致",
            ReasonKind::NoSmartphone => "无智能手机",
            ReasonKind::Other => "其他",
        }
    }
}

/// A validated reason: "其他" always carries its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    FaceCheckFailed,
    MobileMismatch,
    NoSmartphone,
    Other(String),
}

pub const MAX_REASON_TEXT: usize = 200;

impl Reason {
    /// `text` is used (and required) only for [`ReasonKind::Other`].
    pub fn new(kind: ReasonKind, text: &str) -> Result<Reason, String> {
        Ok(match kind {
            ReasonKind::FaceCheckFailed => Reason::FaceCheckFailed,
            ReasonKind::MobileMismatch => Reason::MobileMismatch,
            ReasonKind::NoSmartphone => Reason::NoSmartphone,
            ReasonKind::Other => {
                let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if t.is_empty() {
                    return Err("选择“其他”时请写明办理原因。".to_owned());
                }
                if t.chars().count() > MAX_REASON_TEXT {
                    return Err(format!("原因说明最多 {MAX_REASON_TEXT} 个字。"));
                }
                Reason::Other(t)
            }
        })
    }

    pub fn kind(&self) -> ReasonKind {
        match self {
            Reason::FaceCheckFailed => ReasonKind::FaceCheckFailed,
            Reason::MobileMismatch => ReasonKind::MobileMismatch,
            Reason::NoSmartphone => ReasonKind::NoSmartphone,
            Reason::Other(_) => ReasonKind::Other,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Reason::Other(t) => Some(t),
            _ => None,
        }
    }

    /// "其他：……" or the label.
    pub fn display(&self) -> String {
        match self {
            Reason::Other(t) => format!("其他：{t}"),
            r => r.kind().label().to_owned(),
        }
    }

    /// Rebuilds from stored columns.
    pub fn from_parts(code: &str, text: Option<&str>) -> Option<Reason> {
        Reason::new(ReasonKind::from_code(code)?, text.unwrap_or_default()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_needs_text() {
        assert!(Reason::new(ReasonKind::Other, "  ").is_err());
        assert_eq!(
            Reason::new(ReasonKind::Other, " 手机 丢失 ").unwrap(),
            Reason::Other("手机 丢失".into())
        );
        assert_eq!(
            Reason::new(ReasonKind::NoSmartphone, "ignored").unwrap(),
            Reason::NoSmartphone
        );
        let r = Reason::from_parts("other", Some("x")).unwrap();
        assert_eq!(r.display(), "其他：x");
    }
}
