//! Login timing for an unknown user name vs an existing one with a wrong
//! password: both must cost the same (a dummy argon2 verify for unknown
//! names), so timing does not reveal which accounts exist.
//!
//!     cargo bench --bench login

use chrono::{TimeZone, Utc};
use counterdesk::app::clerks::accounts::AccountInput;
use counterdesk::app::clerks::session;
use counterdesk::app::clerks::session::LoginPurpose;
use counterdesk::app::clerks::settings;
use counterdesk::app::clerks::setup;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::store::Store;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("login.sqlite3")).expect("open");
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 20, 1, 30, 0)
        .single()
        .expect("time");
    setup::create_first_admin(
        &mut store,
        &AccountInput {
            username: "admin".into(),
            display_name: "管理员".into(),
            role: Role::Admin,
            password: "admin2026".into(),
        },
        "测试车管所",
        t0,
    )
    .expect("admin");
    // A large lockout so repeated failures keep doing the full work.
    let mut settings = setup::settings(&mut store).expect("settings");
    settings.lockout.max_failures = 10;
    let admin = match session::login(
        &mut store,
        "admin",
        "admin2026",
        LoginPurpose::SignIn,
        None,
        t0,
    ) {
        Ok(session::LoginOutcome::Success(a)) => a,
        other => panic!("{other:?}"),
    };
    settings::save_settings(&mut store, &admin, settings, t0).expect("settings");
    let mut g = c.benchmark_group("login");
    g.sample_size(50).sampling_mode(SamplingMode::Flat);
    let mut n = 0i64;
    g.bench_function("unknown_name", |b| {
        b.iter(|| {
            session::login(
                &mut store,
                "nosuchclerk",
                "wrongpass1",
                LoginPurpose::SignIn,
                None,
                t0,
            )
        })
    });
    g.bench_function("existing_name_wrong_password", |b| {
        b.iter(|| {
            // Spread attempts over time so the account never locks.
            n += 1;
            let at = t0 + chrono::Duration::hours(n);
            let r = session::login(
                &mut store,
                "admin",
                "wrongpass1",
                LoginPurpose::SignIn,
                None,
                at,
            );
            // Reset the failure count with a success every few attempts.
            if n % 5 == 0 {
                let _ = session::login(
                    &mut store,
                    "admin",
                    "admin2026",
                    LoginPurpose::SignIn,
                    None,
                    at,
                );
            }
            r
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
