//! Photos in use cases: the photo check screen's job, and the intake
//! verdict an application carries (shared by import and the demo queue).

pub mod intake;
pub mod view;
