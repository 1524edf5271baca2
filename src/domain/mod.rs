//! Pure rules: no I/O, no egui. Every rule the counter enforces lives here once.
