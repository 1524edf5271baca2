//! A signed-in clerk's session: their screens (made from the registry on
//! first visit, so each keeps its input and scroll position), the lock and
//! password dialogs, and their workspace — the current screen plus each
//! screen's unfinished input — saved as they type and restored at their
//! next sign-in. Nothing here is ever shown to another clerk.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::domain::clerks::idle::IdleTimer;
use crate::domain::clerks::settings::Settings;
use crate::ui::gate::lock::LockForm;
use crate::ui::gate::password::PasswordForm;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::screen::Screen;
use crate::ui::shell::screen::ScreenCx;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::REGISTRY;
use crate::ui::shell::screen_id::ScreenId;

/// Draft key under which a clerk's workspace is stored.
pub const WORKSPACE_DRAFT: &str = "workspace";
/// Saved this long after the last change (a pause in typing).
pub const DRAFT_DELAY: Duration = Duration::seconds(2);
/// How long a toast stays on screen.
pub const TOAST_FOR: Duration = Duration::seconds(8);

/// What is stored as the clerk's draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub screen: ScreenId,
    /// Each screen's unfinished input, by screen.
    #[serde(default)]
    pub drafts: BTreeMap<ScreenId, serde_json::Value>,
    /// Written by versions before per-screen drafts.
    #[serde(default, skip_serializing)]
    id_check_text: String,
}

impl Workspace {
    pub fn parse(body: &str) -> Option<Workspace> {
        let mut ws: Workspace = serde_json::from_str(body).ok()?;
        if !ws.id_check_text.is_empty() {
            let old = std::mem::take(&mut ws.id_check_text);
            ws.drafts
                .entry(ScreenId::DocumentCheck)
                .or_insert_with(|| serde_json::json!({ "text": old }));
        }
        Some(ws)
    }
}

/// A yes/no question that must be answered before something is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Logout { unsaved: Vec<&'static str> },
}

pub struct Session {
    pub clerk: SessionClerk,
    /// Distinguishes this session's replies from an earlier one's.
    pub generation: u64,
    pub screen: ScreenId,
    screens: BTreeMap<ScreenId, Box<dyn Screen>>,
    env: ScreenEnv,
    pub idle: IdleTimer,
    /// Set while the screen is locked.
    pub lock: Option<LockForm>,
    pub password: Option<PasswordForm>,
    pub confirm: Option<Confirm>,
    pub toast: Option<(Message, DateTime<Utc>)>,
    /// The widget that had the keyboard focus last frame (to scroll a newly
    /// focused one into view).
    pub last_focus: Option<eframe::egui::Id>,
    /// A broken audit chain, announced until the session ends.
    pub alert: Option<String>,
    /// When input last changed and has not been saved yet.
    changed_at: Option<DateTime<Utc>>,
    last_saved: String,
}

impl Session {
    pub fn new(
        clerk: SessionClerk,
        generation: u64,
        settings: &Settings,
        now: DateTime<Utc>,
        env: ScreenEnv,
    ) -> Self {
        Self {
            password: clerk.must_change_password.then(PasswordForm::forced),
            clerk,
            generation,
            screen: ScreenId::Dashboard,
            screens: BTreeMap::new(),
            env,
            idle: IdleTimer::new(settings.idle_minutes, now),
            lock: None,
            confirm: None,
            toast: None,
            last_focus: None,
            alert: None,
            changed_at: None,
            last_saved: String::new(),
        }
    }

    /// The screen's state, made on first use.
    pub fn screen_mut(&mut self, id: ScreenId) -> &mut Box<dyn Screen> {
        let env = &self.env;
        self.screens
            .entry(id)
            .or_insert_with(|| crate::ui::shell::registry::make(id, env))
    }

    /// A screen already made (tests read their state through this).
    pub fn screen(&self, id: ScreenId) -> Option<&dyn Screen> {
        self.screens.get(&id).map(|b| &**b)
    }

    /// The screen as its concrete type (tests).
    pub fn screen_as<T: 'static>(&self, id: ScreenId) -> Option<&T> {
        self.screen(id)?.as_any().downcast_ref::<T>()
    }

    /// Runs every made screen's per-frame work.
    pub fn tick_all(&mut self, cx: &ScreenCx<'_>, out: &mut crate::ui::shell::outbox::Outbox) {
        for (id, screen) in &mut self.screens {
            out.scoped(crate::ui::shell::outbox::Sender::Screen(*id), |out| {
                screen.tick(cx, out)
            });
        }
    }

    /// The next moment something timed is due: the idle lock, a draft save,
    /// the end of a toast, or a screen's own timer (claim renewal).
    pub fn wake_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.lock.is_some() {
            return None;
        }
        let mut at = vec![now + self.idle.remaining(now)];
        at.extend(self.changed_at.map(|t| t + DRAFT_DELAY));
        at.extend(self.toast.as_ref().map(|(_, t)| *t + TOAST_FOR));
        at.extend(self.screens.values().filter_map(|s| s.wake_at()));
        // A time already past is being handled (or cannot be): never spin on it.
        at.into_iter().filter(|t| *t > now).min()
    }

    /// Tells every made screen that the database changed.
    pub fn store_changed(&mut self, out: &mut crate::ui::shell::outbox::Outbox) {
        let current = self.screen;
        for (id, screen) in &mut self.screens {
            out.scoped(crate::ui::shell::outbox::Sender::Screen(*id), |out| {
                screen.on_store_changed(*id == current, out)
            });
        }
    }

    /// Tells every made screen that the session locked.
    pub fn lock_all(&mut self) {
        for screen in self.screens.values_mut() {
            screen.on_lock();
        }
    }

    /// Tells every made screen that the same clerk unlocked.
    pub fn unlock_all(&mut self, out: &mut crate::ui::shell::outbox::Outbox) {
        for (id, screen) in &mut self.screens {
            out.scoped(crate::ui::shell::outbox::Sender::Screen(*id), |out| {
                screen.on_unlock(out)
            });
        }
    }

    pub fn any_busy(&self) -> bool {
        self.screens.values().any(|s| s.is_busy())
    }

    /// Titles of screens holding unfinished input.
    pub fn unsaved(&self) -> Vec<&'static str> {
        self.screens
            .iter()
            .filter(|(_, s)| s.is_dirty())
            .map(|(id, _)| id.title())
            .collect()
    }

    pub fn workspace(&self) -> Workspace {
        Workspace {
            screen: self.screen,
            drafts: self
                .screens
                .iter()
                .filter_map(|(id, s)| Some((*id, s.draft()?)))
                .collect(),
            id_check_text: String::new(),
        }
    }

    /// Restores a saved workspace: its screen (if still allowed) and every
    /// screen's input.
    pub fn restore(&mut self, ws: Workspace, cx: &ScreenCx<'_>) -> Option<ScreenId> {
        for (id, draft) in ws.drafts {
            if id.allowed_for(self.clerk.role) {
                self.screen_mut(id).restore(draft);
            }
        }
        self.last_saved = serde_json::to_string(&self.workspace()).unwrap_or_default();
        let _ = cx;
        ws.screen.allowed_for(self.clerk.role).then_some(ws.screen)
    }

    /// Input happened: save after a pause.
    pub fn touched(&mut self, now: DateTime<Utc>) {
        self.changed_at = Some(now);
    }

    /// The workspace to save now, if it changed and typing paused (or
    /// `force`, at lock and logout).
    pub fn draft_due(&mut self, now: DateTime<Utc>, force: bool) -> Option<String> {
        let due = force || self.changed_at.is_some_and(|t| now - t >= DRAFT_DELAY);
        if !due {
            return None;
        }
        self.changed_at = None;
        let body = serde_json::to_string(&self.workspace()).ok()?;
        if body == self.last_saved {
            return None;
        }
        self.last_saved = body.clone();
        Some(body)
    }

    /// Registry entries this clerk sees, in order.
    pub fn nav(
        &self,
    ) -> impl Iterator<Item = &'static crate::ui::shell::screen_id::ScreenInfo> + '_ {
        REGISTRY.iter().filter(|i| (i.allowed)(self.clerk.role))
    }
}
