//! Which scans a registration may carry, and the limits every scan obeys.

use serde::{Deserialize, Serialize};

use super::status::RegistrationKind;

/// A scan above this is refused before it is decoded.
pub const MAX_SCAN_BYTES: u64 = 10 * 1024 * 1024;
/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_PX: u32 = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanSlot {
    IdFront,
    IdBack,
    BusinessLicence,
    Authorization,
    AgentIdFront,
    AgentIdBack,
}

impl ScanSlot {
    pub const ALL: [ScanSlot; 6] = [
        ScanSlot::IdFront,
        ScanSlot::IdBack,
        ScanSlot::BusinessLicence,
        ScanSlot::Authorization,
        ScanSlot::AgentIdFront,
        ScanSlot::AgentIdBack,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ScanSlot::IdFront => "id_front",
            ScanSlot::IdBack => "id_back",
            ScanSlot::BusinessLicence => "business_licence",
            ScanSlot::Authorization => "authorization",
            ScanSlot::AgentIdFront => "agent_id_front",
            ScanSlot::AgentIdBack => "agent_id_back",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ScanSlot::IdFront => "身份证明正面",
            ScanSlot::IdBack => "身份证明背面",
            ScanSlot::BusinessLicence => "营业执照（或组织机构代码证书）",
            ScanSlot::Authorization => "委托书",
            ScanSlot::AgentIdFront => "代理人身份证明正面",
            ScanSlot::AgentIdBack => "代理人身份证明背面",
        }
    }

    pub fn slots_for(kind: RegistrationKind) -> &'static [ScanSlot] {
        match kind {
            RegistrationKind::Person => &[ScanSlot::IdFront, ScanSlot::IdBack],
            RegistrationKind::Company => &[
                ScanSlot::BusinessLicence,
                ScanSlot::Authorization,
                ScanSlot::AgentIdFront,
                ScanSlot::AgentIdBack,
            ],
        }
    }
}

/// Which originals the clerk ticked as sighted (stored as codes, printed on the receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Original {
    IdentityDocument,
    BusinessLicence,
    Authorization,
    AgentIdentity,
}

impl Original {
    pub const ALL: [Original; 4] = [
        Original::IdentityDocument,
        Original::BusinessLicence,
        Original::Authorization,
        Original::AgentIdentity,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Original::IdentityDocument => "identity_document",
            Original::BusinessLicence => "business_licence",
            Original::Authorization => "authorization",
            Original::AgentIdentity => "agent_identity",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The originals a registration of `kind` requires the clerk to sight.
    pub fn required_for(kind: RegistrationKind) -> &'static [Original] {
        match kind {
            RegistrationKind::Person => &[Original::IdentityDocument],
            RegistrationKind::Company => &[
                Original::BusinessLicence,
                Original::Authorization,
                Original::AgentIdentity,
            ],
        }
    }

    /// The stored codes of [`Original::required_for`].
    pub fn required_codes(kind: RegistrationKind) -> Vec<String> {
        Self::required_for(kind)
            .iter()
            .map(|o| o.code().to_owned())
            .collect()
    }

    /// The labels of stored codes, in their order; an unknown code is left out.
    pub fn labels_of(codes: &[String]) -> Vec<&'static str> {
        codes
            .iter()
            .filter_map(|c| Original::from_code(c))
            .map(Original::label)
            .collect()
    }

    pub fn label(self) -> &'static str {
        match self {
            Original::IdentityDocument => "身份证明原件（人证一致）",
            Original::BusinessLicence => "营业执照（或组织机构代码证书）原件",
            Original::Authorization => "委托书原件",
            Original::AgentIdentity => "代理人身份证明原件",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_originals_and_their_labels() {
        assert_eq!(
            Original::required_codes(RegistrationKind::Person),
            ["identity_document"]
        );
        let company = Original::required_codes(RegistrationKind::Company);
        assert_eq!(
            company,
            ["business_licence", "authorization", "agent_identity"]
        );
        let mut codes = company;
        codes.insert(1, "no_such_original".to_owned());
        assert_eq!(
            Original::labels_of(&codes),
            [
                "营业执照（或组织机构代码证书）原件",
                "委托书原件",
                "代理人身份证明原件"
            ]
        );
    }
}
