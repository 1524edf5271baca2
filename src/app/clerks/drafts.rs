//! A clerk's unfinished work, saved as they type and restored at their next
//! sign-in. Always keyed by the acting clerk from the envelope, never by an id
//! the screen supplies, so no clerk can read or overwrite another's draft.

use chrono::{DateTime, Utc};

use crate::app::clerks::session_clerk::SessionClerk;
use crate::app::runtime::error::AppError;
use crate::store::Store;

#[derive(Debug, Clone)]
pub enum Req {
    Save { key: String, body: String },
    Load { key: String },
}

#[derive(Debug, Clone)]
pub enum Resp {
    Saved,
    Loaded { key: String, body: Option<String> },
}

pub fn handle(
    store: &mut Store,
    now: DateTime<Utc>,
    actor: &SessionClerk,
    req: Req,
) -> Result<Resp, AppError> {
    Ok(match req {
        Req::Save { key, body } => {
            store.write(|tx| tx.save_draft(actor.id, &key, &body, now))?;
            Resp::Saved
        }
        Req::Load { key } => {
            let body = store.read(|tx| tx.draft(actor.id, &key))?;
            Resp::Loaded { key, body }
        }
    })
}
