//! How each screen is made (the egui_demo_app rule: the registry imports
//! the screens, and no screen imports the registry).

use crate::ui::shell::screen::Screen;

use crate::ui::clerks::accounts;
use crate::ui::clerks::audit_log;
use crate::ui::documents::document_check;
use crate::ui::exchange;
use crate::ui::exchange::dashboard;
use crate::ui::photo::screen as photo_screen;
use crate::ui::registration::company as company_registration;
use crate::ui::registration::list as registrations;
use crate::ui::registration::person as person_registration;
use crate::ui::review::queue as review_queue;
use crate::ui::shell::screen::ScreenEnv;
use crate::ui::shell::screen_id::ScreenId;

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
