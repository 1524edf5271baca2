//! A screen is one file behind the tiny [`Screen`] trait, plus one line in
//! [`REGISTRY`]: its title, who may open it, whether it is built, and how to
//! make it. The navigation, its Alt shortcuts, the dashboard's list and the
//! "not built yet" page all come from the registry.

use std::any::Any;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use eframe::egui;
use serde::{Deserialize, Serialize};

use super::exchange;
use super::outbox::{Command, Outbox};
use super::widgets::Message;
use super::{
    accounts, audit_log, company_registration, dashboard, document_check, person_registration,
    photo_screen, registrations, review_queue,
};
use crate::app::error::AppError;
use crate::app::session::SessionClerk;
use crate::app::worker::Response;
use crate::domain::clerk::Role;
use crate::domain::settings::Settings;

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

/// Read-only facts a screen may show.
pub struct ScreenCx<'a> {
    pub clerk: &'a SessionClerk,
    pub settings: &'a Settings,
    pub db_path: &'a Path,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub busy: bool,
}

/// What a new screen is made with.
pub struct ScreenEnv {
    pub picker: super::app::PickerFactory,
    pub today: NaiveDate,
}

pub trait Screen {
    fn show(&mut self, ui: &mut egui::Ui, cx: &ScreenCx<'_>, out: &mut Outbox);
    /// Keys this screen owns (e.g. the review keys), taken out of the input
    /// before any widget sees them. Called only while no dialog is open.
    fn shortcuts(&mut self, _input: &mut egui::InputState, _out: &mut Outbox) {}
    /// Called every frame before drawing, even when not shown (lease
    /// renewal, polling background jobs).
    fn tick(&mut self, _cx: &ScreenCx<'_>, _out: &mut Outbox) {}
    /// When `tick` next has timed work to do (e.g. renew a claim), so an
    /// idle window sleeps until then instead of repainting on a timer.
    fn wake_at(&self) -> Option<DateTime<Utc>> {
        None
    }
    /// The screen locked (or the clerk is signing out): the worker gives back
    /// the clerk's claims, so forget any ticket held.
    fn on_lock(&mut self) {}
    /// The same clerk unlocked: take back what the lock gave up, if still free.
    fn on_unlock(&mut self, _out: &mut Outbox) {}
    /// The clerk arrived at the screen (refresh lists, focus the first field).
    fn on_open(&mut self, _cx: &ScreenCx<'_>, _out: &mut Outbox) {}
    /// Another screen asked to open one of this screen's records
    /// ([`Command::OpenRecord`]); `label` is the number the clerk knows it by.
    fn open_record(&mut self, _id: i64, _label: &str, _out: &mut Outbox) {}
    /// Something was committed to the database (another window or process,
    /// or this window's own writer): refresh what is on screen, keeping the
    /// selection and scroll position. `shown`: this is the current screen;
    /// others may note it and refresh when the clerk comes back.
    fn on_store_changed(&mut self, _shown: bool, _out: &mut Outbox) {}
    /// A reply to a request this screen sent.
    fn on_reply(&mut self, _reply: Response, _out: &mut Outbox) {}
    /// A request this screen sent failed: shown on the screen by default.
    fn on_failed(&mut self, err: AppError, out: &mut Outbox) {
        out.push(Command::Toast(Message::error(err.to_string())));
    }
    /// Unfinished input to save as the clerk's draft (`None`: nothing).
    fn draft(&self) -> Option<serde_json::Value> {
        None
    }
    fn restore(&mut self, _draft: serde_json::Value) {}
    /// Input that leaving would make the clerk re-type (asks before logout).
    fn is_dirty(&self) -> bool {
        false
    }
    /// Background work still running (tests wait on it).
    fn is_busy(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any;
}

pub struct ScreenInfo {
    pub id: ScreenId,
    pub title: &'static str,
    pub allowed: fn(Role) -> bool,
    pub built: bool,
    /// One sentence for the dashboard and the "not built yet" page.
    pub purpose: &'static str,
    pub make: fn(&ScreenEnv) -> Box<dyn Screen>,
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
        make: |_| Box::new(dashboard::Dashboard::default()),
    },
    ScreenInfo {
        id: ScreenId::ReviewQueue,
        title: "审核队列",
        allowed: anyone,
        built: true,
        purpose: "处理电子驾驶证申领、换照片、期满换证后更新等申请：认领、通过或按标准理由退回，1 个工作日内办结。",
        make: |env| Box::new(review_queue::ReviewQueue::new(env.today)),
    },
    ScreenInfo {
        id: ScreenId::PersonRegistration,
        title: "个人面签",
        allowed: Role::can_register,
        built: true,
        purpose: "个人用户面签注册：核对身份证明原件，录入姓名、证件号码和手机号，打印受理回执。",
        make: |env| Box::new(person_registration::PersonRegistration::new(env)),
    },
    ScreenInfo {
        id: ScreenId::CompanyRegistration,
        title: "单位面签",
        allowed: Role::can_register,
        built: true,
        purpose: "单位用户面签注册：核对营业执照（统一社会信用代码）或组织机构代码证、委托书和代理人身份证明，复核后生效。",
        make: |env| Box::new(company_registration::CompanyRegistration::new(env)),
    },
    ScreenInfo {
        id: ScreenId::DocumentCheck,
        title: "证件核验",
        allowed: anyone,
        built: true,
        purpose: "核验身份证件号码、统一社会信用代码、组织机构代码和电话号码。",
        make: |_| Box::new(document_check::DocumentCheck::default()),
    },
    ScreenInfo {
        id: ScreenId::PhotoCheck,
        title: "照片检测",
        allowed: anyone,
        built: true,
        purpose: "按电子驾驶证照片规格检测照片，并在照片上标出测量结果。",
        make: |env| Box::new(photo_screen::PhotoScreen::new(env)),
    },
    ScreenInfo {
        id: ScreenId::Registrations,
        title: "面签记录",
        allowed: Role::can_register,
        built: true,
        purpose: "查找面签记录：查看、打印回执、修改手机号码，复核单位面签。",
        make: |env| Box::new(registrations::Registrations::new(env)),
    },
    ScreenInfo {
        id: ScreenId::AuditLog,
        title: "审计日志",
        allowed: Role::can_view_audit,
        built: true,
        purpose: "查看审计记录并校验哈希链。",
        make: |_| Box::new(audit_log::AuditLog::default()),
    },
    ScreenInfo {
        id: ScreenId::Accounts,
        title: "账号管理",
        allowed: Role::can_manage_accounts,
        built: true,
        purpose: "管理工作人员账号和系统设置。",
        make: |_| Box::new(accounts::Accounts::default()),
    },
    ScreenInfo {
        id: ScreenId::Exchange,
        title: "数据交换",
        allowed: Role::can_exchange,
        built: true,
        purpose: "导入 12123 申请批次，导出审核决定、面签记录、审计记录和通知（签名清单）。",
        make: |env| Box::new(exchange::Exchange::new(env)),
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
