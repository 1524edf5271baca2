//! Pure rules: no I/O, no egui. Every rule the counter enforces lives here once.

pub mod audit;
pub mod clerk;
pub mod idle;
pub mod lockout;
pub mod password;
pub mod settings;
