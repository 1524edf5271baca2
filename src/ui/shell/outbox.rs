//! What screens and forms ask the app to do, applied after the frame is
//! drawn. Every request remembers who sent it, so its reply goes back there.

use crate::app::clerks::session::LockReason;
use crate::app::runtime::worker::Request;
use crate::ui::kit::widgets::Message;
use crate::ui::shell::screen_id::ScreenId;

/// Who sent a request: a phase form, a dialog, the shell or a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    Setup,
    Login,
    Lock,
    Password,
    /// The session itself: drafts, lock and logout records, the chain check at sign-in.
    Shell,
    Screen(ScreenId),
}

#[derive(Debug, Clone)]
pub enum Command {
    Send {
        from: Sender,
        req: Request,
    },
    Navigate(ScreenId),
    /// Go to a screen and open one of its records there (the dashboard's
    /// overdue list opens an application in 审核队列).
    OpenRecord {
        screen: ScreenId,
        id: i64,
        label: String,
    },
    Lock(LockReason),
    /// Asks first when a screen holds unfinished input.
    Logout,
    LogoutConfirmed,
    CancelConfirm,
    OpenPasswordDialog,
    ClosePasswordDialog,
    Toast(Message),
    /// An administrator saved new settings (idle lock, office name).
    SettingsChanged(crate::domain::clerks::settings::Settings),
    /// The database cannot be opened: use 证件核验 and 照片检测 without it.
    WorkOffline,
    /// Try opening the database again (from the offline tools).
    Reconnect,
    Quit,
}

pub struct Outbox {
    pub commands: Vec<Command>,
    from: Sender,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox {
            commands: Vec::new(),
            from: Sender::Shell,
        }
    }
}

impl Outbox {
    /// Sends `req` on behalf of whoever is drawing now (see [`Outbox::scoped`]).
    pub fn send(&mut self, req: Request) {
        self.commands.push(Command::Send {
            from: self.from,
            req,
        });
    }

    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    pub fn toast(&mut self, m: Message) {
        self.commands.push(Command::Toast(m));
    }

    /// Runs `f` with `from` as the sender of its requests.
    pub fn scoped<R>(&mut self, from: Sender, f: impl FnOnce(&mut Outbox) -> R) -> R {
        let prev = std::mem::replace(&mut self.from, from);
        let r = f(self);
        self.from = prev;
        r
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }
}
