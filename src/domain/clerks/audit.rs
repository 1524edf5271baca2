//! Audit events and the hash chain that makes the log tamper-evident.
//! Each row's hash is SHA-256 over the previous row's hash and the row's own
//! canonical content, so editing, deleting or reordering any row breaks the chain.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain's anchor: the "previous hash" of row 1.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything the counter audits. Codes are stable (stored); labels are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    FirstAdminCreated,
    LoginSucceeded,
    LoginFailed,
    AccountLockedOut,
    Logout,
    SessionReplaced,
    SessionTakenOver,
    IdleLocked,
    ManualLocked,
    Unlocked,
    AccountCreated,
    AccountDisabled,
    AccountEnabled,
    PasswordReset,
    PasswordChanged,
    SettingsChanged,
    AdminRecovered,
    RegistrationCreated,
    RegistrationCountersigned,
    RegistrationMobileChanged,
    RegistrationNumberRevealed,
    RegistrationReceiptIssued,
    ReviewClaimed,
    ReviewReleased,
    ReviewReleasedForOther,
    ReviewApproved,
    ReviewReturned,
    RegistrationReturned,
    BatchImported,
    BatchRejected,
    DataExported,
    DemoDataAdded,
    DatabaseBackedUp,
    /// A workstation's SQLite file copied into the office server (`migrate`).
    WorkstationMigrated,
}

impl AuditAction {
    pub const ALL: [AuditAction; 34] = [
        AuditAction::FirstAdminCreated,
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::AccountLockedOut,
        AuditAction::Logout,
        AuditAction::SessionReplaced,
        AuditAction::SessionTakenOver,
        AuditAction::IdleLocked,
        AuditAction::ManualLocked,
        AuditAction::Unlocked,
        AuditAction::AccountCreated,
        AuditAction::AccountDisabled,
        AuditAction::AccountEnabled,
        AuditAction::PasswordReset,
        AuditAction::PasswordChanged,
        AuditAction::SettingsChanged,
        AuditAction::AdminRecovered,
        AuditAction::RegistrationCreated,
        AuditAction::RegistrationCountersigned,
        AuditAction::RegistrationMobileChanged,
        AuditAction::RegistrationNumberRevealed,
        AuditAction::RegistrationReceiptIssued,
        AuditAction::ReviewClaimed,
        AuditAction::ReviewReleased,
        AuditAction::ReviewReleasedForOther,
        AuditAction::ReviewApproved,
        AuditAction::ReviewReturned,
        AuditAction::RegistrationReturned,
        AuditAction::BatchImported,
        AuditAction::BatchRejected,
        AuditAction::DataExported,
        AuditAction::DemoDataAdded,
        AuditAction::DatabaseBackedUp,
        AuditAction::WorkstationMigrated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::FirstAdminCreated => "first_admin_created",
            AuditAction::LoginSucceeded => "login_succeeded",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::AccountLockedOut => "account_locked_out",
            AuditAction::Logout => "logout",
            AuditAction::SessionReplaced => "session_replaced",
            AuditAction::SessionTakenOver => "session_taken_over",
            AuditAction::IdleLocked => "idle_locked",
            AuditAction::ManualLocked => "manual_locked",
            AuditAction::Unlocked => "unlocked",
            AuditAction::AccountCreated => "account_created",
            AuditAction::AccountDisabled => "account_disabled",
            AuditAction::AccountEnabled => "account_enabled",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::AdminRecovered => "admin_recovered",
            AuditAction::RegistrationCreated => "registration_created",
            AuditAction::RegistrationCountersigned => "registration_countersigned",
            AuditAction::RegistrationMobileChanged => "registration_mobile_changed",
            AuditAction::RegistrationNumberRevealed => "registration_number_revealed",
            AuditAction::RegistrationReceiptIssued => "registration_receipt_issued",
            AuditAction::ReviewClaimed => "review_claimed",
            AuditAction::ReviewReleased => "review_released",
            AuditAction::ReviewReleasedForOther => "review_released_for_other",
            AuditAction::ReviewApproved => "review_approved",
            AuditAction::ReviewReturned => "review_returned",
            AuditAction::RegistrationReturned => "registration_returned",
            AuditAction::BatchImported => "batch_imported",
            AuditAction::BatchRejected => "batch_rejected",
            AuditAction::DataExported => "data_exported",
            AuditAction::DemoDataAdded => "demo_data_added",
            AuditAction::DatabaseBackedUp => "database_backed_up",
            AuditAction::WorkstationMigrated => "workstation_migrated",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::FirstAdminCreated => "创建首个管理员",
            AuditAction::LoginSucceeded => "登录成功",
            AuditAction::LoginFailed => "登录失败",
            AuditAction::AccountLockedOut => "账号锁定",
            AuditAction::Logout => "退出登录",
            AuditAction::SessionReplaced => "被其他账号登录替换",
            AuditAction::SessionTakenOver => "在另一工作站登录（接管）",
            AuditAction::IdleLocked => "闲置锁屏",
            AuditAction::ManualLocked => "手动锁屏",
            AuditAction::Unlocked => "解除锁屏",
            AuditAction::AccountCreated => "创建账号",
            AuditAction::AccountDisabled => "停用账号",
            AuditAction::AccountEnabled => "启用账号",
            AuditAction::PasswordReset => "重置密码",
            AuditAction::PasswordChanged => "修改密码",
            AuditAction::SettingsChanged => "修改设置",
            AuditAction::AdminRecovered => "命令行恢复管理员",
            AuditAction::RegistrationCreated => "面签注册",
            AuditAction::RegistrationCountersigned => "复核单位面签",
            AuditAction::RegistrationMobileChanged => "修改面签手机号码",
            AuditAction::RegistrationNumberRevealed => "查看完整证件号码",
            AuditAction::RegistrationReceiptIssued => "打印面签回执",
            AuditAction::ReviewClaimed => "领取审核",
            AuditAction::ReviewReleased => "放回审核队列",
            AuditAction::ReviewReleasedForOther => "解除他人领取",
            AuditAction::ReviewApproved => "审核通过",
            AuditAction::ReviewReturned => "审核退回",
            AuditAction::RegistrationReturned => "退回单位面签",
            AuditAction::BatchImported => "导入申请批次",
            AuditAction::BatchRejected => "申请批次未导入",
            AuditAction::DataExported => "导出数据",
            AuditAction::DemoDataAdded => "生成演示数据",
            AuditAction::DatabaseBackedUp => "备份数据库",
            AuditAction::WorkstationMigrated => "工作台迁入办公室服务器",
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    Intact { rows: i64 },
    Broken { seq: i64, reason: String },
}

/// One row's content, as hashed. `action` is kept as its code so that rows
/// written by a newer version with unknown actions still verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContent<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
}

impl AuditContent<'_> {
    /// Length-prefixed fields: no separator a field could contain can make two
    /// different rows encode alike.
    pub fn canonical(&self) -> Vec<u8> {
        let actor_id = self.actor_id.map(|id| id.to_string()).unwrap_or_default();
        let seq = self.seq.to_string();
        let fields: [&str; 7] = [
            &seq,
            self.at,
            &actor_id,
            self.actor,
            self.action,
            self.target,
            self.detail,
        ];
        let mut out = Vec::with_capacity(128);
        for f in fields {
            out.extend_from_slice(f.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(f.as_bytes());
            out.push(b';');
        }
        out
    }

    /// `hex(SHA-256(prev_hash ‖ canonical))`.
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        h.update(prev_hash.as_bytes());
        h.update(self.canonical());
        to_hex(&h.finalize())
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, detail: &str) -> AuditContent<'_> {
        AuditContent {
            seq,
            at: "2026-11-20T01:00:00.000Z",
            actor_id: Some(1),
            actor: "admin",
            action: "login_succeeded",
            target: "clerk:1",
            detail,
        }
    }

    #[test]
    fn hash_depends_on_every_field_and_the_previous_hash() {
        let base = row(1, "x").chain_hash(GENESIS_HASH);
        assert_eq!(base.len(), 64);
        assert_ne!(base, row(2, "x").chain_hash(GENESIS_HASH));
        assert_ne!(base, row(1, "y").chain_hash(GENESIS_HASH));
        assert_ne!(base, row(1, "x").chain_hash(&base));
        let mut other = row(1, "x");
        other.actor_id = None;
        assert_ne!(base, other.chain_hash(GENESIS_HASH));
    }

    #[test]
    fn canonical_form_is_unambiguous() {
        let mut a = row(1, "b;c");
        a.target = "a";
        let mut b = row(1, "c");
        b.target = "a;b";
        assert_ne!(a.canonical(), b.canonical());
    }

    #[test]
    fn action_codes_round_trip() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
        }
    }
}
