//! Clerks and lockout, drafts and settings: shared by every counter.

use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::clerks::lockout::LockoutState;
use counterdesk::domain::clerks::settings::Settings;
use counterdesk::store::DraftKey;
use counterdesk::store::{Location, NewClerk, StoreError};

use super::{Kind, clerk, minutes, on_both, t0};

#[test]
fn clerks_lockout_and_passwords() {
    on_both("clerks", |db| {
        let s = &mut db.store;
        assert_eq!(s.read(|tx| tx.clerk_count()).unwrap(), 0);
        let admin = clerk(s, "admin", Role::Admin);
        let zhao = clerk(s, "zhaomin", Role::Supervisor);
        assert_eq!(s.read(|tx| tx.clerk_count()).unwrap(), 2);
        assert_eq!(s.read(|tx| tx.active_admin_count()).unwrap(), 1);

        let rec = s
            .read(|tx| tx.clerk_by_username("zhaomin"))
            .unwrap()
            .unwrap();
        assert_eq!(rec.id, zhao);
        assert_eq!(rec.display_name, "zhaomin（测试）");
        assert_eq!(rec.role, Role::Supervisor);
        assert_eq!(rec.created_at, t0());
        assert!(!rec.disabled && !rec.must_change_password);
        assert_eq!(rec.lockout, LockoutState::default());
        assert_eq!(s.read(|tx| tx.clerk_by_id(zhao)).unwrap(), Some(rec));
        assert_eq!(s.read(|tx| tx.clerk_by_username("nobody")).unwrap(), None);
        let all: Vec<i64> = s
            .read(|tx| tx.list_clerks())
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(all, [admin, zhao]);

        // A twin user name is refused by the unique index, and nothing stays.
        let twin = s.write(|tx| {
            tx.insert_clerk(
                &NewClerk {
                    username: "zhaomin".into(),
                    display_name: "另一个".into(),
                    role: Role::Counter,
                    password_hash: "x".into(),
                    must_change_password: true,
                },
                t0(),
            )
        });
        assert!(twin.is_err(), "{twin:?}");
        assert_eq!(s.read(|tx| tx.clerk_count()).unwrap(), 2);

        let locked = LockoutState {
            failures: 5,
            locked_until: Some(t0() + minutes(15)),
        };
        s.write(|tx| tx.set_lockout(zhao, locked)).unwrap();
        let rec = s.read(|tx| tx.clerk_by_id(zhao)).unwrap().unwrap();
        assert_eq!(rec.lockout, locked);
        // A second counter sees the lockout at once.
        let mut other = db.connect();
        let seen = other.read(|tx| tx.clerk_by_id(zhao)).unwrap().unwrap();
        assert_eq!(seen.lockout, locked);

        // A reset clears the lockout.
        other
            .write(|tx| {
                tx.set_password(
                    zhao,
                    counterdesk::store::NewPassword {
                        hash: "$argon2id$new",
                        must_change: true,
                    },
                    t0() + minutes(1),
                )
            })
            .unwrap();
        let rec = db.store.read(|tx| tx.clerk_by_id(zhao)).unwrap().unwrap();
        assert_eq!(rec.password_hash, "$argon2id$new");
        assert!(rec.must_change_password);
        assert_eq!(rec.lockout, LockoutState::default());

        db.store.write(|tx| tx.set_disabled(admin, true)).unwrap();
        assert_eq!(db.store.read(|tx| tx.active_admin_count()).unwrap(), 0);
        assert!(
            db.store
                .read(|tx| tx.clerk_by_id(admin))
                .unwrap()
                .unwrap()
                .disabled
        );
    });
}

#[test]
fn drafts_are_per_clerk_and_settings_are_shared() {
    on_both("drafts", |db| {
        let a = clerk(&mut db.store, "wangli", Role::Counter);
        let b = clerk(&mut db.store, "lina", Role::Counter);
        let s = &mut db.store;
        assert_eq!(
            s.read(|tx| tx.draft(DraftKey::new(a, "registration")))
                .unwrap(),
            None
        );
        s.write(|tx| tx.save_draft(DraftKey::new(a, "registration"), "{\"name\":\"王\"}", t0()))
            .unwrap();
        s.write(|tx| {
            tx.save_draft(
                DraftKey::new(a, "registration"),
                "{\"name\":\"王丽\"}",
                t0(),
            )
        })
        .unwrap();
        s.write(|tx| tx.save_draft(DraftKey::new(b, "registration"), "{}", t0()))
            .unwrap();
        assert_eq!(
            s.read(|tx| tx.draft(DraftKey::new(a, "registration")))
                .unwrap()
                .as_deref(),
            Some("{\"name\":\"王丽\"}")
        );
        assert_eq!(
            s.read(|tx| tx.draft(DraftKey::new(b, "registration")))
                .unwrap()
                .as_deref(),
            Some("{}")
        );
        assert_eq!(
            s.read(|tx| tx.draft(DraftKey::new(b, "other"))).unwrap(),
            None
        );

        assert_eq!(s.read(|tx| tx.settings()).unwrap(), Settings::default());
        let changed = Settings {
            office_name: "某市车管所第二分所".into(),
            ..Settings::default()
        };
        s.write(|tx| tx.save_settings(&changed)).unwrap();
        let mut other = db.connect();
        assert_eq!(other.read(|tx| tx.settings()).unwrap(), changed);

        // The salt is made once and then the same for every counter.
        let salt = db.store.write(|tx| tx.audit_salt()).unwrap();
        assert!(!salt.is_empty());
        assert_eq!(other.write(|tx| tx.audit_salt()).unwrap(), salt);
        assert_eq!(db.store.write(|tx| tx.audit_salt()).unwrap(), salt);
    });
}

#[test]
fn the_location_says_which_database() {
    on_both("location", |db| {
        let shown = db.store.location().to_string();
        match db.kind {
            Kind::Sqlite => {
                assert!(matches!(db.store.location(), Location::File(_)));
                assert!(shown.starts_with("本机数据库 "), "{shown}");
                assert_eq!(Some(db.store.path()), db.file());
                assert_eq!(db.store.file(), db.file());
                assert_eq!(db.store.server_time().unwrap(), None);
            }
            Kind::Postgres => {
                assert!(shown.starts_with("办公室服务器 127.0.0.1:"), "{shown}");
                assert!(!shown.contains("counterdesk_app"), "{shown}");
                assert_eq!(db.store.file(), None);
                let now = db.store.server_time().unwrap().unwrap();
                assert!((now - chrono::Utc::now()).num_seconds().abs() < 60);
                // A backup is the server's business.
                let e = db.store.backup_to(std::path::Path::new("/nonexistent/x"));
                assert!(matches!(e, Err(StoreError::NotOnServer { .. })), "{e:?}");
            }
        }
    });
}

#[test]
fn a_clerk_is_signed_in_at_one_counter_at_a_time() {
    use counterdesk::app::clerks::session::{self, LoginOutcome, LoginPurpose, Req as SessionReq};
    use counterdesk::app::review::{self, Req};
    use counterdesk::app::runtime::call::Call;
    use counterdesk::app::runtime::error::AppError;
    use counterdesk::domain::clerks::audit::AuditAction;
    use counterdesk::store::SignedIn;

    on_both("sessions", |db| {
        let s = &mut db.store;
        counterdesk::app::demo::seed(s, t0()).unwrap();
        super::fill(s, 3);
        // The store: a sign-in replaces, a sign-out only ends its own.
        let zhao = s
            .read(|tx| tx.clerk_by_username("zhaomin"))
            .unwrap()
            .unwrap()
            .id;
        let at = |token: &str, ws: &str| SignedIn {
            token: token.into(),
            workstation: ws.into(),
            since: t0(),
        };
        assert_eq!(
            s.write(|tx| tx.begin_session(zhao, &at("a", "WS-01")))
                .unwrap(),
            None
        );
        assert_eq!(
            s.write(|tx| tx.begin_session(zhao, &at("b", "WS-02")))
                .unwrap(),
            Some(at("a", "WS-01"))
        );
        s.write(|tx| tx.end_session(zhao, "a")).unwrap();
        assert_eq!(
            s.read(|tx| tx.session_of(zhao)).unwrap(),
            Some(at("b", "WS-02"))
        );
        s.write(|tx| tx.end_session(zhao, "b")).unwrap();
        assert_eq!(s.read(|tx| tx.session_of(zhao)).unwrap(), None);

        // Through the app: a second sign-in takes over; the first window's
        // next write is refused with where the clerk now is.
        let first =
            match session::login(s, "zhaomin", "review2026", LoginPurpose::SignIn, None, t0()) {
                Ok(LoginOutcome::Success(c)) => c,
                other => panic!("{other:?}"),
            };
        assert!(first.session.is_some());
        let second =
            match session::login(s, "zhaomin", "review2026", LoginPurpose::SignIn, None, t0()) {
                Ok(LoginOutcome::Success(c)) => c,
                other => panic!("{other:?}"),
            };
        assert_ne!(first.session, second.session);
        let claim = |s: &mut counterdesk::store::Store, who| {
            review::handle(Call::new(s, t0(), who), Req::ClaimNext { kind: None })
        };
        match claim(s, &first) {
            // The same PC here: "another window on this PC".
            Err(AppError::SignedInElsewhere { workstation: None }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            session::handle(s, t0(), Some(&first), SessionReq::Check),
            Err(AppError::SignedInElsewhere { .. })
        ));
        assert!(claim(s, &second).is_ok());
        // The taken-over window signing out leaves the new session alone.
        session::end_session(s, &first, None, t0()).unwrap();
        assert!(session::handle(s, t0(), Some(&second), SessionReq::Check).is_ok());
        let taken = s
            .read(|tx| tx.audit_tail(50))
            .unwrap()
            .iter()
            .filter(|r| r.action == Some(AuditAction::SessionTakenOver))
            .count();
        assert_eq!(taken, 1, "the takeover is audited");
    });
}
