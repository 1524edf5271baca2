//! Pixels in, `PhotoReport` out. No UI code.
