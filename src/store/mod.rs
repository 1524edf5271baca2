//! The only module that speaks SQL.

/// `counterdesk verify-audit`. (Foundation work in progress.)
pub fn verify_audit_cli(_db: Option<std::path::PathBuf>) -> anyhow::Result<u8> {
    anyhow::bail!("尚未实现")
}
