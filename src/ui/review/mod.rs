//! 审核队列: the queue, one application under review, its facts and the
//! photo-override dialog.

pub mod facts;
pub mod item;
pub mod override_dialog;
pub mod queue;
