//! Field ids and per-field messages, so a screen shows each reason next to its
//! field and focuses the first one.

use serde::Serialize;

/// Every input on the two registration forms, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldId {
    DocType,
    DocNumber,
    Name,
    Mobile,
    Reason,
    ReasonText,
    IdentityConfirmed,
    CompanyName,
    CreditCode,
    AgentName,
    AgentDocType,
    AgentDocNumber,
    AgentMobile,
    SightedLicence,
    SightedAuthorization,
    SightedAgentId,
    Scans,
}

impl FieldId {
    /// Stable id (accessibility ids, JSON).
    pub fn id(self) -> &'static str {
        match self {
            FieldId::DocType => "doc_type",
            FieldId::DocNumber => "doc_number",
            FieldId::Name => "name",
            FieldId::Mobile => "mobile",
            FieldId::Reason => "reason",
            FieldId::ReasonText => "reason_text",
            FieldId::IdentityConfirmed => "identity_confirmed",
            FieldId::CompanyName => "company_name",
            FieldId::CreditCode => "credit_code",
            FieldId::AgentName => "agent_name",
            FieldId::AgentDocType => "agent_doc_type",
            FieldId::AgentDocNumber => "agent_doc_number",
            FieldId::AgentMobile => "agent_mobile",
            FieldId::SightedLicence => "sighted_licence",
            FieldId::SightedAuthorization => "sighted_authorization",
            FieldId::SightedAgentId => "sighted_agent_id",
            FieldId::Scans => "scans",
        }
    }

    /// The field's label on screen.
    pub fn label(self) -> &'static str {
        match self {
            FieldId::DocType => "证件类型",
            FieldId::DocNumber => "证件号码",
            FieldId::Name => "姓名",
            FieldId::Mobile => "手机号码",
            FieldId::Reason => "办理原因",
            FieldId::ReasonText => "其他原因说明",
            FieldId::IdentityConfirmed => "已核验身份证明原件，人证一致",
            FieldId::CompanyName => "单位名称",
            FieldId::CreditCode => "统一社会信用代码或组织机构代码",
            FieldId::AgentName => "代理人姓名",
            FieldId::AgentDocType => "代理人证件类型",
            FieldId::AgentDocNumber => "代理人证件号码",
            FieldId::AgentMobile => "代理人手机号码",
            FieldId::SightedLicence => "已核验营业执照（或组织机构代码证书）原件",
            FieldId::SightedAuthorization => "已核验委托书原件",
            FieldId::SightedAgentId => "已核验代理人身份证明原件",
            FieldId::Scans => "扫描件",
        }
    }
}

/// Errors by field, in screen order (at most one message per field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(Vec<(FieldId, String)>);

impl FieldErrors {
    /// Records `msg` for `field` unless the field already has a message.
    pub fn add(&mut self, field: FieldId, msg: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, msg.into()));
            self.0.sort_by_key(|(f, _)| *f);
        }
    }

    pub fn get(&self, field: FieldId) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Where the cursor goes after a refused submit.
    pub fn first_invalid_field(&self) -> Option<FieldId> {
        self.0.first().map(|(f, _)| *f)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FieldId, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }

    /// One line for a dialog or a log: "证件号码：…；姓名：…".
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(f, m)| format!("{}：{}", f.label(), m))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_screen_order_and_first_message() {
        let mut e = FieldErrors::default();
        e.add(FieldId::Mobile, "手机号码有误。");
        e.add(FieldId::DocNumber, "号码有误。");
        e.add(FieldId::DocNumber, "第二条不记。");
        assert_eq!(e.first_invalid_field(), Some(FieldId::DocNumber));
        assert_eq!(e.get(FieldId::DocNumber), Some("号码有误。"));
        assert_eq!(e.len(), 2);
    }
}
