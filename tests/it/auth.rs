//! Accounts and sessions end to end against a temp database, with an injected clock.

use chrono::{Duration, TimeZone, Utc};
use counterdesk::app::clerks::accounts;
use counterdesk::app::clerks::accounts::AccountInput;
use counterdesk::app::clerks::session;
use counterdesk::app::clerks::session::LoginOutcome;
use counterdesk::app::clerks::session::LoginPurpose;
use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::clerks::settings;
use counterdesk::app::clerks::setup;
use counterdesk::app::runtime::error::AppError;
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::store::{AuditVerdict, Store};

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap()
}

fn input(user: &str, role: Role, pw: &str) -> AccountInput {
    AccountInput {
        username: user.into(),
        display_name: format!("测试{user}"),
        role,
        password: pw.into(),
    }
}

fn setup() -> (tempfile::TempDir, Store, SessionClerk) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("auth.sqlite3")).unwrap();
    let admin = setup::create_first_admin(
        &mut s,
        &input("admin", Role::Admin, "admin2026"),
        "测试车管所",
        t0(),
    )
    .unwrap();
    (dir, s, admin)
}

fn login(s: &mut Store, user: &str, pw: &str, at: chrono::DateTime<Utc>) -> LoginOutcome {
    session::login(s, user, pw, LoginPurpose::SignIn, None, at).unwrap()
}

fn actions(s: &mut Store) -> Vec<AuditAction> {
    let mut rows = s.read(|tx| tx.audit_tail(1000)).unwrap();
    rows.reverse();
    rows.into_iter().filter_map(|r| r.action).collect()
}

#[test]
fn first_admin_only_once() {
    let (_d, mut s, admin) = setup();
    assert_eq!(admin.role, Role::Admin);
    assert!(!setup::needs_setup(&mut s).unwrap());
    let err = setup::create_first_admin(
        &mut s,
        &input("admin2", Role::Admin, "admin2026"),
        "x",
        t0(),
    );
    assert!(matches!(err, Err(AppError::Rejected(_))));
}

#[test]
fn login_succeeds_and_is_audited() {
    let (_d, mut s, _) = setup();
    assert!(
        matches!(login(&mut s, "ADMIN ", "admin2026", t0()), LoginOutcome::Success(c) if c.username == "admin")
    );
    assert_eq!(
        actions(&mut s),
        vec![
            AuditAction::FirstAdminCreated,
            AuditAction::LoginSucceeded,
            AuditAction::LoginSucceeded
        ]
    );
}

#[test]
fn lockout_after_five_failures_for_fifteen_minutes() {
    let (_d, mut s, _) = setup();
    // The sign-in form never tells whether the name exists, so it shows the
    // fixed hint instead of a countdown.
    for _ in 0..5 {
        match login(&mut s, "admin", "wrong-pass1", t0()) {
            LoginOutcome::Refused(m) => {
                assert_eq!(m, "用户名或密码错误。连续失败 5 次将锁定 15 分钟。")
            }
            other => panic!("{other:?}"),
        }
    }
    // The right password is refused while locked, with the time it unlocks.
    match login(&mut s, "admin", "admin2026", t0() + Duration::minutes(10)) {
        LoginOutcome::Refused(m) => assert!(m.contains("09:45") && m.contains("约 5 分钟"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        login(&mut s, "admin", "admin2026", t0() + Duration::minutes(15)),
        LoginOutcome::Success(_)
    ));
    let acts = actions(&mut s);
    assert_eq!(
        acts.iter()
            .filter(|a| **a == AuditAction::AccountLockedOut)
            .count(),
        1
    );
    assert_eq!(
        acts.iter()
            .filter(|a| **a == AuditAction::LoginFailed)
            .count(),
        6
    );
    assert_eq!(
        s.read(|tx| tx.verify_audit()).unwrap(),
        AuditVerdict::Intact {
            rows: acts.len() as i64
        }
    );
}

#[test]
fn unknown_user_gets_a_generic_message() {
    let (_d, mut s, _) = setup();
    assert_eq!(
        login(&mut s, "nobody", "x1234567", t0()),
        LoginOutcome::Refused("用户名或密码错误。连续失败 5 次将锁定 15 分钟。".into())
    );
    assert_eq!(actions(&mut s).last(), Some(&AuditAction::LoginFailed));
}

#[test]
fn admin_manages_accounts_and_the_rules_hold() {
    let (_d, mut s, admin) = setup();
    let id = accounts::create_account(
        &mut s,
        &admin,
        &input("wangli", Role::Counter, "temp2026a"),
        t0(),
    )
    .unwrap();
    // A created account must change its password first.
    let LoginOutcome::Success(clerk) = login(&mut s, "wangli", "temp2026a", t0()) else {
        panic!("login")
    };
    assert!(clerk.must_change_password);
    // Counter clerks cannot manage accounts.
    assert!(accounts::list_clerks(&mut s, &clerk, t0()).is_err());
    assert!(
        accounts::create_account(&mut s, &clerk, &input("x", Role::Admin, "abcd12345"), t0())
            .is_err()
    );
    // Duplicate user names are refused with a clear message.
    let dup = accounts::create_account(
        &mut s,
        &admin,
        &input("WangLi", Role::Counter, "temp2026a"),
        t0(),
    );
    assert!(matches!(dup, Err(AppError::Rejected(m)) if m.contains("已被使用")));
    // Changing one's own password needs the old one.
    assert!(session::change_own_password(&mut s, &clerk, "bad", "mine2026x", t0()).is_err());
    let clerk =
        session::change_own_password(&mut s, &clerk, "temp2026a", "mine2026x", t0()).unwrap();
    assert!(!clerk.must_change_password);
    // Disable: login refused even with the right password.
    accounts::set_disabled(&mut s, &admin, id, true, t0()).unwrap();
    assert!(
        matches!(login(&mut s, "wangli", "mine2026x", t0()), LoginOutcome::Refused(m) if m.contains("停用"))
    );
    accounts::set_disabled(&mut s, &admin, id, false, t0()).unwrap();
    // Reset clears a lockout and forces a change.
    for _ in 0..5 {
        login(&mut s, "wangli", "nope12345", t0());
    }
    assert!(matches!(
        login(&mut s, "wangli", "mine2026x", t0()),
        LoginOutcome::Refused(_)
    ));
    accounts::reset_password(&mut s, &admin, id, "reset2026b", t0()).unwrap();
    assert!(
        matches!(login(&mut s, "wangli", "reset2026b", t0()), LoginOutcome::Success(c) if c.must_change_password)
    );
}

#[test]
fn the_last_admin_cannot_be_disabled() {
    let (_d, mut s, admin) = setup();
    assert!(accounts::set_disabled(&mut s, &admin, admin.id, true, t0()).is_err());
    let id2 = accounts::create_account(
        &mut s,
        &admin,
        &input("admin2", Role::Admin, "admin2026b"),
        t0(),
    )
    .unwrap();
    let LoginOutcome::Success(admin2) = login(&mut s, "admin2", "admin2026b", t0()) else {
        panic!()
    };
    accounts::set_disabled(&mut s, &admin2, admin.id, true, t0()).unwrap();
    // admin2 is now the only enabled admin; nobody may disable it.
    assert!(accounts::set_disabled(&mut s, &admin2, id2, true, t0()).is_err());
}

#[test]
fn settings_are_validated_and_change_the_lockout() {
    let (_d, mut s, admin) = setup();
    let mut st = setup::settings(&mut s).unwrap();
    st.idle_minutes = 0;
    assert!(settings::save_settings(&mut s, &admin, st.clone(), t0()).is_err());
    st.idle_minutes = 10;
    st.lockout.max_failures = 3;
    settings::save_settings(&mut s, &admin, st, t0()).unwrap();
    assert!(
        matches!(login(&mut s, "admin", "bad123456", t0()), LoginOutcome::Refused(m) if m.contains("连续失败 3 次"))
    );
    login(&mut s, "admin", "bad123456", t0());
    login(&mut s, "admin", "bad123456", t0());
    // Locked after 3: the right password now learns it.
    assert!(
        matches!(login(&mut s, "admin", "admin2026", t0()), LoginOutcome::Refused(m) if m.contains("已锁定"))
    );
}

#[test]
fn session_end_and_idle_lock_are_audited() {
    let (_d, mut s, admin) = setup();
    session::record_idle_lock(&mut s, &admin, t0()).unwrap();
    assert!(matches!(
        session::login(
            &mut s,
            "admin",
            "admin2026",
            LoginPurpose::Unlock,
            None,
            t0()
        )
        .unwrap(),
        LoginOutcome::Success(_)
    ));
    session::end_session(&mut s, &admin, Some("wangli"), t0()).unwrap();
    session::end_session(&mut s, &admin, None, t0()).unwrap();
    let acts = actions(&mut s);
    assert_eq!(
        &acts[acts.len() - 4..],
        &[
            AuditAction::IdleLocked,
            AuditAction::Unlocked,
            AuditAction::SessionReplaced,
            AuditAction::Logout
        ]
    );
}

/// CI once signed a clerk out right after an unlock: the "still mine?"
/// check sent when the lock committed ran after the unlock had replaced
/// the session token. An unlock of the window's own session keeps it.
#[test]
fn an_unlock_keeps_the_windows_session_so_a_check_in_flight_still_passes() {
    let (_d, mut s, admin) = setup();
    let LoginOutcome::Success(signed) = login(&mut s, "admin", "admin2026", t0()) else {
        panic!("sign-in refused");
    };
    session::record_idle_lock(&mut s, &signed, t0()).unwrap();
    let window = signed.session.clone().map(|t| (signed.id, t));
    let unlocked = match session::login(
        &mut s,
        "admin",
        "admin2026",
        LoginPurpose::Unlock,
        window.as_ref().map(|(id, t)| (*id, t.as_str())),
        t0(),
    )
    .unwrap()
    {
        LoginOutcome::Success(c) => c,
        LoginOutcome::Refused(m) => panic!("{m}"),
    };
    assert_eq!(unlocked.session, signed.session);
    // The check carries the pre-unlock clerk, as one sent before the reply.
    assert!(matches!(
        session::handle(&mut s, t0(), Some(&signed), session::Req::Check),
        Ok(session::Resp::Done)
    ));
    // Another window's session, though, is taken over by an unlock here.
    let other = (signed.id, "0123456789abcdef0123456789abcdef");
    let LoginOutcome::Success(taken) = session::login(
        &mut s,
        "admin",
        "admin2026",
        LoginPurpose::Unlock,
        Some(other),
        t0(),
    )
    .unwrap() else {
        panic!("unlock refused");
    };
    assert_ne!(taken.session, signed.session);
    assert!(matches!(
        session::handle(&mut s, t0(), Some(&signed), session::Req::Check),
        Err(AppError::SignedInElsewhere { .. })
    ));
    let _ = admin;
}
