//! Office settings an administrator may change, with their allowed ranges.

use serde::{Deserialize, Serialize};

use super::lockout::LockoutPolicy;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Shown in the status bar, e.g. "某市公安局交通警察支队车辆管理所".
    pub office_name: String,
    /// Minutes without input before the screen locks.
    pub idle_minutes: u32,
    pub lockout: LockoutPolicy,
    /// Warn on 工作台 when decisions wait longer than this to be exported.
    #[serde(default = "default_export_warn_days")]
    pub export_warn_days: u32,
    /// Remind administrators when no audit anchor left the PC for this many
    /// working days.
    #[serde(default = "default_anchor_days")]
    pub anchor_remind_days: u32,
    /// The folder daily backups go to (empty: none chosen yet).
    #[serde(default)]
    pub backup_dir: String,
    /// Back up once a day by itself (needs `backup_dir`).
    #[serde(default)]
    pub backup_daily: bool,
    /// Automatic backups kept in `backup_dir`; older ones are deleted.
    #[serde(default = "default_backup_keep")]
    pub backup_keep: u32,
}

fn default_anchor_days() -> u32 {
    1
}

fn default_backup_keep() -> u32 {
    7
}

pub const ANCHOR_DAYS: std::ops::RangeInclusive<u32> = 1..=10;
pub const BACKUP_KEEP: std::ops::RangeInclusive<u32> = 1..=90;

fn default_export_warn_days() -> u32 {
    crate::domain::exchange::limits::EXPORT_WARN_DAYS
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            office_name: "车辆管理所".to_owned(),
            idle_minutes: 5,
            lockout: LockoutPolicy::default(),
            export_warn_days: default_export_warn_days(),
            anchor_remind_days: default_anchor_days(),
            backup_dir: String::new(),
            backup_daily: false,
            backup_keep: default_backup_keep(),
        }
    }
}

/// Allowed ranges: wide enough for any office, narrow enough that a typo
/// cannot switch a safeguard off.
pub const IDLE_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;
pub const MAX_FAILURES: std::ops::RangeInclusive<u32> = 3..=10;
pub const LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;

impl Settings {
    /// Checks ranges and trims the office name; returns the first problem in Chinese.
    pub fn validated(mut self) -> Result<Self, String> {
        self.office_name = self.office_name.trim().to_owned();
        if self.office_name.is_empty() || self.office_name.chars().count() > 40 {
            return Err("单位名称需为 1–40 个字".to_owned());
        }
        if !IDLE_MINUTES.contains(&self.idle_minutes) {
            return Err(format!(
                "闲置锁屏时间需在 {}–{} 分钟之间",
                IDLE_MINUTES.start(),
                IDLE_MINUTES.end()
            ));
        }
        if !MAX_FAILURES.contains(&self.lockout.max_failures) {
            return Err(format!(
                "连续失败次数需在 {}–{} 次之间",
                MAX_FAILURES.start(),
                MAX_FAILURES.end()
            ));
        }
        if !LOCK_MINUTES.contains(&self.lockout.lock_minutes) {
            return Err(format!(
                "锁定时长需在 {}–{} 分钟之间",
                LOCK_MINUTES.start(),
                LOCK_MINUTES.end()
            ));
        }
        let warn = crate::domain::exchange::limits::EXPORT_WARN_RANGE;
        if !warn.contains(&self.export_warn_days) {
            return Err(format!(
                "未导出提醒天数需在 {}–{} 天之间",
                warn.start(),
                warn.end()
            ));
        }
        if !ANCHOR_DAYS.contains(&self.anchor_remind_days) {
            return Err(format!(
                "锚点提醒需在 {}–{} 个工作日之间",
                ANCHOR_DAYS.start(),
                ANCHOR_DAYS.end()
            ));
        }
        if !BACKUP_KEEP.contains(&self.backup_keep) {
            return Err(format!(
                "备份保留份数需在 {}–{} 份之间",
                BACKUP_KEEP.start(),
                BACKUP_KEEP.end()
            ));
        }
        self.backup_dir = self.backup_dir.trim().to_owned();
        if self.backup_daily && self.backup_dir.is_empty() {
            return Err("开启每日自动备份前，请先填写备份文件夹".to_owned());
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(Settings::default().validated().is_ok());
    }

    #[test]
    fn ranges_are_enforced() {
        let mut s = Settings {
            idle_minutes: 0,
            ..Settings::default()
        };
        assert!(s.clone().validated().is_err());
        s.idle_minutes = 5;
        s.lockout.max_failures = 100;
        assert!(s.clone().validated().is_err());
        s.lockout.max_failures = 5;
        s.office_name = "  ".into();
        assert!(s.validated().is_err());
    }
}
