//! Every screen's id and its line in [`REGISTRY`]: its title, who may open
//! it, whether it is built and what it is for. The navigation, its Alt
//! shortcuts, the dashboard's list and the "not built yet" page read it.
//! How each screen is made lives in `registry.rs`, which imports the
//! screens; no screen imports that.

use serde::{Deserialize, Serialize};

use crate::domain::clerks::clerk::Role;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord,
)]
pub enum ScreenId {
    #[default]
    Dashboard,
    ReviewQueue,
    PersonRegistration,
    CompanyRegistration,
    DocumentCheck,
    PhotoCheck,
    Registrations,
    AuditLog,
    Accounts,
    Exchange,
}

pub struct ScreenInfo {
    pub id: ScreenId,
    pub title: &'static str,
    pub allowed: fn(Role) -> bool,
    pub built: bool,
    /// One sentence for the dashboard and the "not built yet" page.
    pub purpose: &'static str,
}

fn anyone(_: Role) -> bool {
    true
}

/// Every screen, in navigation order.
pub const REGISTRY: &[ScreenInfo] = &[
    ScreenInfo {
        id: ScreenId::Dashboard,
        title: "工作台",
        allowed: anyone,
        built: true,
        purpose: "今日待办、近 14 天审核统计、超期申请和未导出提醒。",
    },
    ScreenInfo {
        id: ScreenId::ReviewQueue,
        title: "审核队列",
        allowed: anyone,
        built: true,
        purpose: "处理电子驾驶证申领、换照片、期满换证后更新等申请：认领、通过或按标准理由退回，1 个工作日内办结。",
    },
    ScreenInfo {
        id: ScreenId::PersonRegistration,
        title: "个人面签",
        allowed: Role::can_register,
        built: true,
        purpose: "个人用户面签注册：核对身份证明原件，录入姓名、证件号码和手机号，打印受理回执。",
    },
    ScreenInfo {
        id: ScreenId::CompanyRegistration,
        title: "单位面签",
        allowed: Role::can_register,
        built: true,
        purpose: "单位用户面签注册：核对营业执照（统一社会信用代码）或组织机构代码证、委托书和代理人身份证明，复核后生效。",
    },
    ScreenInfo {
        id: ScreenId::DocumentCheck,
        title: "证件核验",
        allowed: anyone,
        built: true,
        purpose: "核验身份证件号码、统一社会信用代码、组织机构代码和电话号码。",
    },
    ScreenInfo {
        id: ScreenId::PhotoCheck,
        title: "照片检测",
        allowed: anyone,
        built: true,
        purpose: "按电子驾驶证照片规格检测照片，并在照片上标出测量结果。",
    },
    ScreenInfo {
        id: ScreenId::Registrations,
        title: "面签记录",
        allowed: Role::can_register,
        built: true,
        purpose: "查找面签记录：查看、打印回执、修改手机号码，复核单位面签。",
    },
    ScreenInfo {
        id: ScreenId::AuditLog,
        title: "审计日志",
        allowed: Role::can_view_audit,
        built: true,
        purpose: "查看审计记录并校验哈希链。",
    },
    ScreenInfo {
        id: ScreenId::Accounts,
        title: "账号管理",
        allowed: Role::can_manage_accounts,
        built: true,
        purpose: "管理工作人员账号和系统设置。",
    },
    ScreenInfo {
        id: ScreenId::Exchange,
        title: "数据交换",
        allowed: Role::can_exchange,
        built: true,
        purpose: "导入 12123 申请批次，导出审核决定、面签记录、审计记录和通知（签名清单）。",
    },
];

impl ScreenId {
    pub fn info(self) -> &'static ScreenInfo {
        REGISTRY
            .iter()
            .find(|i| i.id == self)
            .unwrap_or(&REGISTRY[0])
    }

    pub fn title(self) -> &'static str {
        self.info().title
    }

    pub fn allowed_for(self, role: Role) -> bool {
        (self.info().allowed)(role)
    }

    /// The screens a role sees, in order, numbered 1… for Alt+N without gaps.
    pub fn for_role(role: Role) -> impl Iterator<Item = ScreenId> {
        REGISTRY
            .iter()
            .filter(move |i| (i.allowed)(role))
            .map(|i| i.id)
    }

    /// Alt+N for this role (1-based), if the role may open the screen.
    pub fn shortcut_for(self, role: Role) -> Option<usize> {
        Self::for_role(role).position(|s| s == self).map(|i| i + 1)
    }

    /// The screen behind Alt+`n` for this role.
    pub fn by_shortcut(role: Role, n: usize) -> Option<ScreenId> {
        Self::for_role(role).nth(n.checked_sub(1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_navigation() {
        let counter: Vec<_> = ScreenId::for_role(Role::Counter).collect();
        assert!(counter.contains(&ScreenId::PersonRegistration));
        assert!(!counter.contains(&ScreenId::Accounts));
        assert!(!counter.contains(&ScreenId::AuditLog));
        let admin: Vec<_> = ScreenId::for_role(Role::Admin).collect();
        assert!(admin.contains(&ScreenId::Accounts));
        assert!(!admin.contains(&ScreenId::PersonRegistration));
        let sup: Vec<_> = ScreenId::for_role(Role::Supervisor).collect();
        assert!(sup.contains(&ScreenId::AuditLog));
        assert!(!sup.contains(&ScreenId::Accounts));
    }

    #[test]
    fn shortcuts_do_not_skip_for_a_role() {
        for role in Role::ALL {
            let n = ScreenId::for_role(role).count();
            for k in 1..=n {
                let s = ScreenId::by_shortcut(role, k).unwrap();
                assert_eq!(s.shortcut_for(role), Some(k));
            }
            assert_eq!(ScreenId::by_shortcut(role, n + 1), None);
        }
        // An administrator's 审计日志 is Alt+5, not Alt+7.
        assert_eq!(ScreenId::AuditLog.shortcut_for(Role::Admin), Some(5));
    }

    #[test]
    fn every_screen_is_registered_once() {
        let mut ids: Vec<_> = REGISTRY.iter().map(|i| i.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), REGISTRY.len());
    }
}
