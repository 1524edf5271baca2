//! Input before the frame is drawn: the app's and the current screen's
//! shortcuts are taken out of the input before any widget sees them, and
//! activity drives the idle lock and the as-you-type draft saves.

use eframe::egui;

use crate::app::clerks::session::LockReason;
use crate::domain::clerks::clerk::Role;
use crate::ui::shell::app::CounterDeskApp;
use crate::ui::shell::screen_id::ScreenId;

impl CounterDeskApp {
    /// Alt+N and Ctrl+L are taken out of the input before any widget sees
    /// them, with the digit the Alt key would otherwise type.
    pub(crate) fn take_shortcuts(
        &mut self,
        ctx: &egui::Context,
    ) -> Vec<crate::ui::shell::outbox::Command> {
        use crate::ui::shell::outbox::Command;
        if let crate::ui::shell::app::Phase::Offline(tools) = &mut self.phase {
            return tools.shortcuts(ctx);
        }
        let Some(s) = self.session() else {
            return Vec::new();
        };
        if s.lock.is_some() || s.password.is_some() || s.confirm.is_some() {
            return Vec::new();
        }
        let role: Role = s.clerk.role;
        let current = s.screen;
        let mut cmds = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_key(egui::Modifiers::COMMAND, egui::Key::L) {
                cmds.push(Command::Lock(LockReason::Manual));
            }
            let alt_held = i.modifiers.alt;
            let mut digit_taken = false;
            i.events.retain(|e| match e {
                egui::Event::Key {
                    key,
                    pressed,
                    modifiers,
                    ..
                } if modifiers.alt && !modifiers.ctrl => match digit(*key) {
                    Some(n) => {
                        if *pressed && let Some(screen) = ScreenId::by_shortcut(role, n) {
                            cmds.push(Command::Navigate(screen));
                        }
                        digit_taken = true;
                        false
                    }
                    None => true,
                },
                _ => true,
            });
            if digit_taken || alt_held {
                // The character Alt+digit types on some platforms.
                i.events.retain(
                    |e| !matches!(e, egui::Event::Text(t) if t.chars().all(|c| c.is_ascii_digit())),
                );
            }
        });
        // Then the current screen's own keys.
        let mut out = crate::ui::shell::outbox::Outbox::default();
        if let Some(s) = self.session_mut() {
            let screen = s.screen_mut(current);
            out.scoped(crate::ui::shell::outbox::Sender::Screen(current), |out| {
                ctx.input_mut(|i| screen.shortcuts(i, out));
            });
        }
        cmds.extend(out.commands);
        cmds
    }

    /// Every made screen's per-frame work (lease renewal, job polling).
    pub(crate) fn tick_screens(&mut self) {
        let now = self.clock.now();
        let settings = self.settings.clone();
        let db = self.db.clone();
        let mut out = crate::ui::shell::outbox::Outbox::default();
        if let Some(s) = self.session_mut() {
            let clerk = s.clerk.clone();
            let cx = crate::ui::shell::screen::ScreenCx::new(&clerk, &settings, &db, now, false);
            s.tick_all(&cx, &mut out);
        }
        self.queued.extend(out.commands);
    }

    /// Another window, process or this window's writer committed: the
    /// screens refresh (reads only, so also behind the lock screen).
    pub(crate) fn store_changed(&mut self) {
        let mut out = crate::ui::shell::outbox::Outbox::default();
        if let Some(s) = self.session_mut() {
            s.store_changed(&mut out);
            // Signed in at another counter meanwhile? (one counter at a time)
            out.scoped(crate::ui::shell::outbox::Sender::Shell, |out| {
                out.send(crate::app::runtime::worker::Request::Session(
                    crate::app::clerks::session::Req::Check,
                ))
            });
        }
        self.queued.extend(out.commands);
    }

    /// Any key, click, scroll or pointer movement counts as activity; typing
    /// also schedules a draft save.
    pub(crate) fn track_activity(&mut self, ctx: &egui::Context) {
        let now = self.clock.now();
        let (active, typed) = ctx.input(|i| {
            let active = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::PointerMoved(_)
                        | egui::Event::MouseWheel { .. }
                        | egui::Event::Paste(_)
                )
            });
            let typed = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { pressed: true, .. }
                        | egui::Event::Text(_)
                        | egui::Event::Paste(_)
                        | egui::Event::PointerButton { pressed: false, .. }
                )
            });
            (active, typed)
        });
        let mut due = false;
        let mut draft = None;
        if let Some(s) = self.session_mut()
            && s.lock.is_none()
        {
            if active {
                s.idle.touch(now);
            }
            if typed {
                s.touched(now);
            }
            due = s.idle.should_lock(now);
            draft = s.draft_due(now, false);
        }
        if let Some(body) = draft {
            self.save_draft(body);
        }
        if due {
            self.lock_now(LockReason::Idle);
        }
    }
}

/// Alt+1 … Alt+9.
fn digit(key: egui::Key) -> Option<usize> {
    use egui::Key::*;
    Some(match key {
        Num1 => 1,
        Num2 => 2,
        Num3 => 3,
        Num4 => 4,
        Num5 => 5,
        Num6 => 6,
        Num7 => 7,
        Num8 => 8,
        Num9 => 9,
        _ => return None,
    })
}
