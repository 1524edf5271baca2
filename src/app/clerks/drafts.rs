//! A clerk's unfinished work, saved as they type and restored at their next
//! sign-in. Always keyed by the acting clerk from the envelope, never by an id
//! the screen supplies, so no clerk can read or overwrite another's draft.
//! On the office server a clerk's drafts are also kept per workstation: a
//! sign-in at another counter neither restores nor overwrites this one's.

use crate::app::runtime::call::Call;

use crate::app::runtime::error::AppError;
use crate::store::{DraftKey, Location};

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

pub fn handle(call: Call<'_>, req: Req) -> Result<Resp, AppError> {
    let Call {
        store, now, actor, ..
    } = call;
    let office = matches!(store.location(), Location::Office(_));
    let stored = |key: &str| {
        if office {
            format!("{}/{key}", crate::app::runtime::os_account::host())
        } else {
            key.to_owned()
        }
    };
    Ok(match req {
        Req::Save { key, body } => {
            let key = stored(&key);
            store.write(|tx| tx.save_draft(DraftKey::new(actor.id, &key), &body, now))?;
            Resp::Saved
        }
        Req::Load { key } => {
            let stored_key = stored(&key);
            let body = store.read(|tx| tx.draft(DraftKey::new(actor.id, &stored_key)))?;
            Resp::Loaded { key, body }
        }
    })
}
