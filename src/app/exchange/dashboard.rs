//! 工作台's data: queue counts, the clerk's own numbers, the last days'
//! decisions and reasons, the oldest overdue applications and whether
//! decisions wait too long to be exported. One read on the reader connection.

use crate::app::runtime::call::Call;
use chrono::{DateTime, Duration, Utc};

use crate::app::review::may_view;
use crate::app::runtime::error::AppError;
use crate::domain::clerks::anchor;
use crate::domain::exchange::limits;
use crate::store::{DashboardData, QueueClock};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Load,
}

impl Req {
    pub fn is_read_only(&self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub data: DashboardData,
    /// The office's setting, for the warning's wording.
    pub warn_days: u32,
    /// Un-exported decisions older than `warn_days`.
    pub export_overdue: bool,
    /// Administrators only: no backup in the last day, no audit anchor
    /// taken for `anchor_days` working days.
    pub backup_overdue: bool,
    pub anchor_overdue: bool,
    pub anchor_days: u32,
    pub loaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Loaded(Box<Dashboard>),
}

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let (now, actor) = (call.now, call.actor);
    match req {
        Req::Load => {
            let clock = QueueClock::at(now, actor.id);
            let (mut data, settings, last_backup, last_anchor) = call.store.read(|tx| {
                Ok((
                    tx.dashboard(&clock, limits::CHART_DAYS, limits::OVERDUE_LIST)?,
                    tx.settings()?,
                    tx.last_backup_at()?,
                    tx.last_anchor_at()?,
                ))
            })?;
            let admin = actor.role == crate::domain::clerks::clerk::Role::Admin;
            if !may_view(actor.role) {
                // Administrators do not open applications: no list to open.
                data.oldest_overdue.clear();
            }
            let warn_days = settings.export_warn_days;
            let export_overdue = data
                .oldest_unexported
                .is_some_and(|t| now - t > Duration::days(i64::from(warn_days)));
            Ok(Resp::Loaded(Box::new(Dashboard {
                data,
                warn_days,
                export_overdue,
                backup_overdue: admin && anchor::backup_overdue(last_backup, now),
                anchor_overdue: admin
                    && anchor::anchor_overdue(last_anchor, now, settings.anchor_remind_days),
                anchor_days: settings.anchor_remind_days,
                loaded_at: now,
            })))
        }
    }
}
