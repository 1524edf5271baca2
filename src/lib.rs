//! CounterDesk (车管所面签工作台): library crate so the binary, the tests and the
//! benches share one build. Layers depend only on the ones listed above them:
//! `domain` (pure rules) → `photo` (pixels → report) → `store` (the only SQL)
//! → `app` (use cases on a worker thread) → `ui` (egui screens) → `cli`.

pub mod app;
pub mod cli;
pub mod domain;
pub mod photo;
pub mod store;
pub mod ui;
