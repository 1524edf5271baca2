//! Who is signed in, as every use case receives it: its own file so the
//! shared helpers (audit, role checks) and the session use cases need not
//! import each other.

use crate::domain::clerks::clerk::Role;
use crate::store::ClerkRecord;

/// The signed-in clerk as the UI sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClerk {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
    /// This sign-in's session token (one counter at a time per clerk);
    /// `None` where no sign-in made one (first-run setup, tests).
    pub session: Option<String>,
}

impl From<&ClerkRecord> for SessionClerk {
    fn from(c: &ClerkRecord) -> Self {
        Self {
            id: c.id,
            username: c.username.clone(),
            display_name: c.display_name.clone(),
            role: c.role,
            must_change_password: c.must_change_password,
            session: None,
        }
    }
}
