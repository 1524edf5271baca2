//! 照片检测: the check panel, its overlays and the screen.

pub mod check;
pub mod overlays;
pub mod screen;
