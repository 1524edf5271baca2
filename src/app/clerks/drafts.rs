//! A clerk's unfinished work, saved as they type and restored at their next
//! sign-in. Always keyed by the acting clerk from the envelope, never by an id
//! the screen supplies, so no clerk can read or overwrite another's draft.

use crate::app::runtime::call::Call;

use crate::app::runtime::error::AppError;

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
