//! The integration tests that need no window: one test binary (issue 21), so
//! the application links once instead of once per file. A module per family.

mod auth;
mod cli_audit;
mod cli_docs;
mod cli_photo;
mod cli_registrations;
mod company_review;
mod domain_vectors;
mod exchange;
mod hardening;
mod licence;
/// The office server backend (PostgreSQL), on throwaway clusters.
mod office;
mod photo_calibration;
mod photo_fixtures;
mod photo_hostile;
mod photo_orientation;
mod queue_store;
mod registration_store;
mod store;
mod working_days;
