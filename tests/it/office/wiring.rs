//! Office mode through the use cases and the worker: a write whose COMMIT
//! outcome was unknown is retried under its client-generated key and lands
//! once; the worker rides out a server that drops its connections; a commit
//! at one counter wakes another through LISTEN/NOTIFY; leases run on the
//! server's clock; every row names the workstation it came from.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use counterdesk::app::clerks::session_clerk::SessionClerk;
use counterdesk::app::review::{self, Decision, Req, Resp};
use counterdesk::app::runtime::call::{Call, OpKey};
use counterdesk::app::runtime::clock::SystemClock;
use counterdesk::app::runtime::worker::{self, DbTarget, Event, Request, WorkerHandle};
use counterdesk::domain::clerks::audit::AuditAction;
use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::Reason;
use counterdesk::store::Store;
use counterdesk::store::postgres::{Connector, Prompt, Target};

use super::contract::{clerk, fill, on_both, t0};
use super::pg;

fn supervisor(store: &mut Store, user: &str) -> SessionClerk {
    SessionClerk {
        id: clerk(store, user, Role::Supervisor),
        username: user.into(),
        display_name: format!("{user}（测试）"),
        role: Role::Supervisor,
        must_change_password: false,
        session: None,
    }
}

fn decisions_audited(store: &mut Store) -> usize {
    store
        .read(|tx| tx.audit_tail(100))
        .unwrap()
        .iter()
        .filter(|r| r.action == Some(AuditAction::ReviewReturned))
        .count()
}

#[test]
fn a_decision_retried_under_its_key_after_an_unknown_commit_lands_once() {
    on_both("retry_decide", |db| {
        let zhao = supervisor(&mut db.store, "zhaomin");
        fill(&mut db.store, 3);
        let now = t0();
        let item = match review::handle(
            Call::new(&mut db.store, now, &zhao),
            Req::ClaimNext { kind: None },
        )
        .unwrap()
        {
            Resp::Claimed(Some(item)) => item,
            other => panic!("{other:?}"),
        };
        let ticket = item.ticket.unwrap();
        let key = OpKey::new();
        let decide = |store: &mut Store, key: &OpKey| {
            review::handle(
                Call::new(store, now, &zhao).with_op(key),
                Req::Decide {
                    ticket,
                    verdict: Decision::Reject {
                        reasons: vec![Reason::PhotoBlur],
                        free_text: String::new(),
                    },
                    then_next: false,
                },
            )
        };
        let first = decide(&mut db.store, &key).unwrap();
        // The reply was lost with the connection; the worker sends the same
        // request again under the same key: it answers as the first did.
        let again = decide(&mut db.store, &key).unwrap();
        for r in [&first, &again] {
            assert!(
                matches!(r, Resp::Decided { id, .. } if *id == ticket.id),
                "{r:?}"
            );
        }
        let rec = db
            .store
            .read(|tx| tx.decision_for(ticket.id))
            .unwrap()
            .unwrap();
        assert_eq!(rec.data.op_key.as_deref(), Some(key.as_str()));
        assert_eq!(
            decisions_audited(&mut db.store),
            1,
            "decided and audited once"
        );
        // A new request (another key) on the decided ticket is refused.
        assert!(decide(&mut db.store, &OpKey::new()).is_err());
        assert_eq!(decisions_audited(&mut db.store), 1);
    });
}

/// Waits for the reply to `id`; replies to others wait in `kept`.
fn reply(
    handle: &mut WorkerHandle,
    kept: &mut std::collections::HashMap<u64, worker::Reply>,
    id: u64,
) -> worker::Reply {
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        if let Some(r) = kept.remove(&id) {
            return r;
        }
        match handle.try_recv() {
            Some(Event::Reply(r)) => {
                kept.insert(r.id, r);
            }
            Some(Event::Stopped) => panic!("the worker stopped"),
            Some(_) => {}
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    panic!("no reply to {id} within 60 s");
}

fn terminate_workstations(db: &pg::TestDb) -> u64 {
    let mut admin = db.admin();
    let n = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND usename = 'counterdesk_app'",
            &[],
        )
        .unwrap()
        .len();
    n as u64
}

#[test]
fn the_worker_rides_out_a_server_that_drops_its_connections() {
    let Some(db) = pg::test_db("worker_reconnect") else {
        return;
    };
    let target = Target::parse(&db.app_url()).unwrap();
    let zhao = {
        let mut store = Store::open_office(target.clone(), Prompt::Never).unwrap();
        fill(&mut store, 5);
        supervisor(&mut store, "zhaomin")
    };
    let wakes = Arc::new(AtomicUsize::new(0));
    let w = wakes.clone();
    let connector = Arc::new(Connector::new(target, Prompt::Never).unwrap());
    let mut handle = worker::spawn(
        DbTarget::Office(connector),
        Arc::new(SystemClock),
        Arc::new(move || {
            w.fetch_add(1, Ordering::Relaxed);
        }),
    );
    // Opened on the server.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        match handle.try_recv() {
            Some(Event::Opened { location, .. }) => {
                assert!(
                    location.to_string().starts_with("办公室服务器 "),
                    "{location}"
                );
                break;
            }
            Some(Event::OpenFailed { message, .. }) => panic!("{message}"),
            Some(_) => {}
            None if Instant::now() > until => panic!("not opened"),
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let mut kept = std::collections::HashMap::new();
    let counts = handle
        .send(Some(zhao.clone()), Request::Review(Req::Counts))
        .unwrap();
    assert!(reply(&mut handle, &mut kept, counts).result.is_ok());
    // The writer, the reader and the listener all lose their connections
    // (as on a server restart); the next requests wait, reconnect, and are
    // answered.
    assert!(terminate_workstations(&db) >= 2);
    let claim = handle
        .send(
            Some(zhao.clone()),
            Request::Review(Req::ClaimNext { kind: None }),
        )
        .unwrap();
    let page = handle
        .send(Some(zhao.clone()), Request::Review(Req::Counts))
        .unwrap();
    match reply(&mut handle, &mut kept, claim).result {
        Ok(worker::Response::Review(Resp::Claimed(Some(item)))) => {
            assert!(item.ticket.is_some())
        }
        other => panic!("{other:?}"),
    }
    assert!(reply(&mut handle, &mut kept, page).result.is_ok());
    // The calm line goes away again once everything is back.
    let until = Instant::now() + Duration::from_secs(30);
    while handle.connection_lost() {
        assert!(Instant::now() < until, "still shown as lost");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_commit_at_one_counter_wakes_another_through_listen_notify() {
    let Some(db) = pg::test_db("live_counters") else {
        return;
    };
    let target = Target::parse(&db.app_url()).unwrap();
    let mut a = Store::open_office(target.clone(), Prompt::Never).unwrap();
    let b = Store::open_office(target, Prompt::Never).unwrap();
    let mut watch = b.change_watch().unwrap();
    assert!(
        !watch.changed(Duration::from_millis(50)).unwrap(),
        "starting point"
    );
    assert!(
        !watch.changed(Duration::from_millis(50)).unwrap(),
        "nothing yet"
    );
    let waited = |watch: &mut counterdesk::store::ChangeWatch| {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if watch.changed(Duration::from_millis(250)).unwrap() {
                return started.elapsed();
            }
        }
        panic!("no change signal within 10 s");
    };
    fill(&mut a, 2);
    let latency = waited(&mut watch);
    eprintln!("notify latency {} ms", latency.as_millis());
    assert!(
        !watch.changed(Duration::from_millis(50)).unwrap(),
        "a burst counts once"
    );
    // The listener's connection dropped (server restart): the watch says
    // so, reconnects on the next call and reports a change, since notices
    // may have been missed meanwhile.
    terminate_workstations(&db);
    let mut lost = false;
    for _ in 0..40 {
        if let Err(e) = watch.changed(Duration::from_millis(250)) {
            assert!(e.is_connection_lost(), "{e}");
            lost = true;
            break;
        }
    }
    assert!(lost, "the dropped listener was noticed");
    let mut back = false;
    for _ in 0..40 {
        if let Ok(true) = watch.changed(Duration::from_millis(250)) {
            back = true;
            break;
        }
    }
    assert!(back, "reconnected, with a change reported");
    a.reconnect().unwrap();
    clerk(&mut a, "qianli", Role::Counter);
    waited(&mut watch);
}

#[test]
fn in_office_mode_leases_run_on_the_servers_clock_and_a_skewed_pc_is_told() {
    let Some(db) = pg::test_db("worker_skew") else {
        return;
    };
    let target = Target::parse(&db.app_url()).unwrap();
    let zhao = {
        let mut store = Store::open_office(target.clone(), Prompt::Never).unwrap();
        fill(&mut store, 2);
        supervisor(&mut store, "zhaomin")
    };
    // This PC's clock is ten minutes slow.
    let slow = counterdesk::app::runtime::clock::ManualClock::new(
        chrono::Utc::now() - chrono::Duration::minutes(10),
    );
    let connector = Arc::new(Connector::new(target, Prompt::Never).unwrap());
    let mut handle = worker::spawn(DbTarget::Office(connector), Arc::new(slow), Arc::new(|| {}));
    let mut kept = std::collections::HashMap::new();
    let claim = handle
        .send(Some(zhao), Request::Review(Req::ClaimNext { kind: None }))
        .unwrap();
    let until = match reply(&mut handle, &mut kept, claim).result {
        Ok(worker::Response::Review(Resp::Claimed(Some(item)))) => item.ticket.unwrap().until,
        other => panic!("{other:?}"),
    };
    let skew = handle.clock_skew_seconds();
    assert!((590..=610).contains(&skew), "skew {skew}");
    // The lease ends a lease's length after the server's now, not the PC's.
    let lease_left = until - chrono::Utc::now();
    assert!(
        lease_left > chrono::Duration::minutes(5),
        "lease judged on the slow PC clock: {lease_left}"
    );
}

#[test]
fn every_registration_decision_and_audit_row_names_its_workstation() {
    let Some(db) = pg::test_db("workstation") else {
        return;
    };
    let mut target = Target::parse(&db.app_url()).unwrap();
    // A host name that would break a startup option is made harmless.
    target.workstation = "CHUANG KOU-03' -c x=1".into();
    let mut store = Store::open_office(target, Prompt::Never).unwrap();
    let zhao = supervisor(&mut store, "zhaomin");
    fill(&mut store, 2);
    let item = match review::handle(
        Call::new(&mut store, t0(), &zhao),
        Req::ClaimNext { kind: None },
    )
    .unwrap()
    {
        Resp::Claimed(Some(item)) => item,
        other => panic!("{other:?}"),
    };
    review::handle(
        Call::new(&mut store, t0(), &zhao),
        Req::Decide {
            ticket: item.ticket.unwrap(),
            verdict: Decision::Reject {
                reasons: vec![Reason::PhotoBlur],
                free_text: String::new(),
            },
            then_next: false,
        },
    )
    .unwrap();
    let mut admin = db.admin();
    let one = |admin: &mut postgres::Client, sql: &str| -> Option<String> {
        admin.query_one(sql, &[]).unwrap().get(0)
    };
    let expected = Some("CHUANG_KOU-03__-c_x_1".to_owned());
    assert_eq!(
        one(&mut admin, "SELECT workstation FROM counterdesk.decisions"),
        expected
    );
    assert_eq!(
        one(
            &mut admin,
            "SELECT workstation FROM counterdesk.audit_log ORDER BY seq DESC LIMIT 1"
        ),
        expected
    );
    // The chain still verifies with the new column beside it.
    assert!(matches!(
        store.read(|tx| tx.verify_audit()).unwrap(),
        counterdesk::domain::clerks::audit::AuditVerdict::Intact { .. }
    ));
}

#[test]
fn one_export_at_a_time_per_office() {
    use counterdesk::store::HallLock;
    let Some(db) = pg::test_db("hall_lock") else {
        return;
    };
    let target = Target::parse(&db.app_url()).unwrap();
    let mut a = Store::open_office(target.clone(), Prompt::Never).unwrap();
    let mut b = Store::open_office(target, Prompt::Never).unwrap();
    assert!(a.try_hall_lock(HallLock::Export).unwrap());
    assert!(
        !b.try_hall_lock(HallLock::Export).unwrap(),
        "held by the other counter"
    );
    // An export at the second counter meanwhile is refused, saying why.
    let out = tempfile::tempdir().unwrap();
    let refused = counterdesk::app::exchange::export::export(&mut b, t0(), None, out.path());
    match refused {
        Err(e) => assert!(e.to_string().contains("另一工作站正在导出"), "{e}"),
        Ok(s) => panic!("exported while another counter held the lock: {s:?}"),
    }
    a.release_hall_lock(HallLock::Export).unwrap();
    assert!(b.try_hall_lock(HallLock::Export).unwrap());
    b.release_hall_lock(HallLock::Export).unwrap();
    // A workstation that dies mid-export lets the lock go with its session.
    assert!(a.try_hall_lock(HallLock::Export).unwrap());
    drop(a);
    let mut released = false;
    for _ in 0..100 {
        if b.try_hall_lock(HallLock::Export).unwrap() {
            released = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(released);
}

/// The server stopped like a power cut while a decision was on its way, then
/// started again: the worker reconnects and retries under the same key, so
/// the decision is committed exactly once (never twice, never lost), and
/// the audit chain verifies.
#[test]
fn a_decision_in_flight_when_the_server_stops_lands_once() {
    let Some(cluster) = pg::Cluster::start(true, true) else {
        return;
    };
    cluster.init_db("decide_crash");
    let target = cluster.app_target("decide_crash");
    let zhao = {
        let mut store = Store::open_office(target.clone(), Prompt::Never).unwrap();
        fill(&mut store, 3);
        supervisor(&mut store, "zhaomin")
    };
    let connector = Arc::new(Connector::new(target.clone(), Prompt::Never).unwrap());
    let mut handle = worker::spawn(
        DbTarget::Office(connector),
        Arc::new(SystemClock),
        Arc::new(|| {}),
    );
    let mut kept = std::collections::HashMap::new();
    let claim = handle
        .send(
            Some(zhao.clone()),
            Request::Review(Req::ClaimNext { kind: None }),
        )
        .unwrap();
    let ticket = match reply(&mut handle, &mut kept, claim).result {
        Ok(worker::Response::Review(Resp::Claimed(Some(item)))) => item.ticket.unwrap(),
        other => panic!("{other:?}"),
    };
    // The claim is a lease, not waited on to disk (a crash may lose it, and
    // the decision is then refused as stale); this test is about the
    // decision in flight, so the claim is made durable first.
    cluster
        .admin("decide_crash")
        .batch_execute("CHECKPOINT")
        .unwrap();
    let decide = handle
        .send(
            Some(zhao.clone()),
            Request::Review(Req::Decide {
                ticket,
                verdict: Decision::Reject {
                    reasons: vec![Reason::PhotoBlur],
                    free_text: String::new(),
                },
                then_next: false,
            }),
        )
        .unwrap();
    cluster.stop("immediate");
    std::thread::sleep(Duration::from_millis(500));
    cluster.restart();
    match reply(&mut handle, &mut kept, decide).result {
        Ok(worker::Response::Review(Resp::Decided { id, .. })) => assert_eq!(id, ticket.id),
        other => panic!("{other:?}"),
    }
    let mut store = Store::open_office(target, Prompt::Never).unwrap();
    let decisions: i64 = cluster
        .admin("decide_crash")
        .query_one(
            "SELECT count(*) FROM counterdesk.decisions WHERE application_id = $1",
            &[&ticket.id],
        )
        .unwrap()
        .get(0);
    assert_eq!(decisions, 1);
    assert_eq!(decisions_audited(&mut store), 1);
    assert!(matches!(
        store.read(|tx| tx.verify_audit()).unwrap(),
        counterdesk::domain::clerks::audit::AuditVerdict::Intact { .. }
    ));
}
