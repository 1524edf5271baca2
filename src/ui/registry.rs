//! How each screen is made (the egui_demo_app rule: the registry imports
//! the screens, and no screen imports the registry).

use super::screen::{Screen, ScreenEnv};
use super::screen_id::ScreenId;
use super::{
    accounts, audit_log, company_registration, dashboard, document_check, exchange,
    person_registration, photo_screen, registrations, review_queue,
};

/// A new screen of this kind.
pub fn make(id: ScreenId, env: &ScreenEnv) -> Box<dyn Screen> {
    match id {
        ScreenId::Dashboard => Box::new(dashboard::Dashboard::default()),
        ScreenId::ReviewQueue => Box::new(review_queue::ReviewQueue::new(env.today)),
        ScreenId::PersonRegistration => Box::new(person_registration::PersonRegistration::new(env)),
        ScreenId::CompanyRegistration => {
            Box::new(company_registration::CompanyRegistration::new(env))
        }
        ScreenId::DocumentCheck => Box::new(document_check::DocumentCheck::default()),
        ScreenId::PhotoCheck => Box::new(photo_screen::PhotoScreen::new(env)),
        ScreenId::Registrations => Box::new(registrations::Registrations::new(env)),
        ScreenId::AuditLog => Box::new(audit_log::AuditLog::default()),
        ScreenId::Accounts => Box::new(accounts::Accounts::default()),
        ScreenId::Exchange => Box::new(exchange::Exchange::new(env)),
    }
}
