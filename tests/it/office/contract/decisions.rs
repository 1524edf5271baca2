//! Decisions re-check the claim in the same statement (a stale ticket writes
//! nothing), queue their messages, and feed the dashboard's tallies, which
//! several counters' decisions add up in.

use std::sync::Barrier;

use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::{Outcome, Reason, Status};
use counterdesk::store::Lease;
use counterdesk::store::{Channel, NewDecision, NewMessage, QueueClock, Store};

use super::{Kind, clerk, fill, minutes, on_both, retry, t0};

fn decision(id: i64, clerk: i64, seq: i64, outcome: Outcome, reasons: &[Reason]) -> NewDecision {
    NewDecision {
        application_id: id,
        clerk,
        claim_seq: seq,
        outcome,
        reasons: reasons.to_vec(),
        free_text: if reasons.is_empty() {
            ""
        } else {
            "请重新拍摄"
        }
        .into(),
        notice: format!("申请 {id} 已审核"),
        photo_report: "自动检测全部合格".into(),
        photo_override: None,
        op_key: None,
    }
}

fn messages(id: i64) -> Vec<NewMessage> {
    vec![
        NewMessage {
            application_id: id,
            channel: Channel::Sms,
            recipient: "13812345678".into(),
            body: "您的申请已审核。".into(),
        },
        NewMessage {
            application_id: id,
            channel: Channel::App,
            recipient: "110101199001010001".into(),
            body: "您的申请已审核。".into(),
        },
    ]
}

/// Everything a decision may have written, to compare before and after.
fn written(s: &mut Store, id: i64) -> impl PartialEq + std::fmt::Debug + use<> {
    let clock = QueueClock::at(t0(), 0);
    s.read(|tx| {
        Ok((
            tx.decision_for(id)?,
            tx.outbox_for(id)?,
            tx.queue_counts(&clock)?,
            tx.claim_info(id)?,
            tx.dashboard(&clock, 7, 5)?,
        ))
    })
    .unwrap()
}

#[test]
fn a_decision_closes_the_claim_and_queues_its_messages_and_a_stale_one_writes_nothing() {
    on_both("decide", |db| {
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let qian = clerk(&mut db.store, "qianli", Role::Supervisor);
        let ids = fill(&mut db.store, 4);
        let s = &mut db.store;
        let now = t0();
        let c = s
            .write(|tx| tx.claim(ids[0], zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        let reasons = [Reason::PhotoBlur, Reason::PhotoGlare];
        let d = decision(ids[0], zhao, c.seq, Outcome::Reject, &reasons);
        let id = s
            .write(|tx| tx.decide(&d, &messages(ids[0]), now + minutes(3)))
            .unwrap()
            .expect("a current ticket decides");
        let rec = s.read(|tx| tx.decision_for(ids[0])).unwrap().unwrap();
        assert_eq!(rec.id, id);
        // Stored as handed in: outcome, reasons, texts, decider, ticket.
        assert_eq!(rec.data, d);
        assert_eq!(rec.decided_by_name.as_deref(), Some("zhaomin（测试）"));
        assert_eq!(rec.decided_at, now + minutes(3));
        let info = s.read(|tx| tx.claim_info(ids[0])).unwrap().unwrap();
        assert_eq!(info.state.status, Status::Returned);
        assert_eq!((info.state.holder, info.state.lease_until), (None, None));
        let sent = s.read(|tx| tx.outbox_for(ids[0])).unwrap();
        assert_eq!(
            sent.iter().map(|m| m.channel.as_str()).collect::<Vec<_>>(),
            ["sms", "app"]
        );
        assert_eq!(sent[0].created_at, now + minutes(3));
        // Decided once: the same ticket again decides nothing.
        assert_eq!(s.write(|tx| tx.decide(&d, &[], now)).unwrap(), None);

        // A lease taken over after expiry: the first holder's decision is
        // refused and leaves no trace.
        let old = s
            .write(|tx| tx.claim(ids[1], zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        let later = now + minutes(16);
        s.write(|tx| tx.claim(ids[1], qian, Lease::new(later, later + minutes(15))))
            .unwrap()
            .unwrap();
        let before = written(s, ids[1]);
        let stale = decision(ids[1], zhao, old.seq, Outcome::Approve, &[]);
        assert_eq!(
            s.write(|tx| tx.decide(&stale, &messages(ids[1]), later))
                .unwrap(),
            None
        );
        assert_eq!(written(s, ids[1]), before);
        // Someone else's claim is no ticket either.
        let foreign = decision(ids[1], zhao, old.seq + 1, Outcome::Approve, &[]);
        assert_eq!(s.write(|tx| tx.decide(&foreign, &[], later)).unwrap(), None);

        // The outbox: unsent ones oldest first, with a limit.
        let c = s
            .write(|tx| tx.claim(ids[2], zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        s.write(|tx| {
            tx.decide(
                &decision(ids[2], zhao, c.seq, Outcome::Approve, &[]),
                &messages(ids[2]),
                now + minutes(4),
            )
        })
        .unwrap()
        .unwrap();
        let unsent = s.read(|tx| tx.outbox_unsent(3)).unwrap();
        assert_eq!(
            unsent.iter().map(|m| m.application_id).collect::<Vec<_>>(),
            [ids[0], ids[0], ids[2]]
        );
        assert!(unsent.windows(2).all(|w| w[0].id < w[1].id));
        let extra = s
            .write(|tx| {
                tx.enqueue_message(
                    &NewMessage {
                        application_id: ids[3],
                        channel: Channel::Sms,
                        recipient: "13900000000".into(),
                        body: "补发".into(),
                    },
                    now,
                )
            })
            .unwrap();
        assert_eq!(s.read(|tx| tx.outbox_for(ids[3])).unwrap()[0].id, extra);
        assert_eq!(s.read(|tx| tx.outbox_unsent(10)).unwrap().len(), 5);
    });
}

/// The same ticket decided from two windows at once: exactly one decision.
#[test]
fn two_windows_deciding_the_same_ticket_at_once_write_one_decision() {
    on_both("decide2", |db| {
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let app = fill(&mut db.store, 1)[0];
        let now = t0();
        let c = db
            .store
            .write(|tx| tx.claim(app, zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        let opener = db.opener();
        let start = Barrier::new(2);
        let results: Vec<Option<i64>> = std::thread::scope(|sc| {
            let hs: Vec<_> = [Outcome::Approve, Outcome::Reject]
                .into_iter()
                .map(|outcome| {
                    let (opener, start) = (&opener, &start);
                    sc.spawn(move || {
                        let mut store = opener.open();
                        let d = decision(app, zhao, c.seq, outcome, &[Reason::PhotoBlur]);
                        start.wait();
                        retry(|| store.write(|tx| tx.decide(&d, &messages(app), now)))
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().flatten().count(), 1, "{results:?}");
        assert_eq!(db.store.read(|tx| tx.outbox_for(app)).unwrap().len(), 2);
    });
}

/// Tallies from several counters (on the server: several connection slots)
/// add up on 工作台.
#[test]
fn the_dashboard_sums_every_counters_decisions() {
    on_both("dashboard", |db| {
        let reviewers: Vec<i64> = (0..3)
            .map(|i| clerk(&mut db.store, &format!("rev{i}"), Role::Supervisor))
            .collect();
        let ids = fill(&mut db.store, 12);
        let now = t0();
        let yesterday = now - chrono::Duration::days(1);
        let opener = db.opener();
        // Reviewer i decides applications i, i + 3, i + 6, i + 9 on its own
        // connection; the first of each yesterday, with reasons.
        std::thread::scope(|sc| {
            for (i, &who) in reviewers.iter().enumerate() {
                let (opener, ids) = (&opener, &ids);
                sc.spawn(move || {
                    let mut store = opener.open();
                    for (k, id) in ids.iter().skip(i).step_by(3).enumerate() {
                        let at = if k == 0 { yesterday } else { now };
                        let c = retry(|| {
                            store.write(|tx| tx.claim(*id, who, Lease::new(at, at + minutes(15))))
                        })
                        .unwrap();
                        let (outcome, reasons): (_, &[Reason]) = if k % 2 == 0 {
                            (Outcome::Reject, &[Reason::PhotoBlur, Reason::InfoMismatch])
                        } else {
                            (Outcome::Approve, &[])
                        };
                        let d = decision(*id, who, c.seq, outcome, reasons);
                        retry(|| store.write(|tx| tx.decide(&d, &[], at))).unwrap();
                    }
                });
            }
        });
        let clock = QueueClock::at(now, reviewers[0]);
        let dash = db.store.read(|tx| tx.dashboard(&clock, 3, 5)).unwrap();
        assert_eq!(dash.my_decisions_today, 3);
        assert_eq!(dash.days.len(), 3);
        assert_eq!(dash.days[2].day, clock.today);
        let y = dash.days[1];
        let t = dash.days[2];
        assert_eq!((y.approved, y.returned), (0, 3), "{:?}", dash.days);
        assert_eq!((t.approved, t.returned), (6, 3), "{:?}", dash.days);
        assert_eq!(dash.days[0].approved + dash.days[0].returned, 0);
        assert_eq!(
            dash.reasons,
            [
                ("info_mismatch".to_owned(), 6),
                ("photo_blur".to_owned(), 6)
            ]
        );
        assert_eq!(dash.counts.total.approved, 6);
        assert_eq!(dash.counts.total.returned, 6);
        assert_eq!(dash.counts.total.open, 0);
        assert_eq!(dash.unexported, 12);
        assert_eq!(dash.oldest_unexported.map(|t| t <= now), Some(true));
        assert_eq!(dash.last_export, None);
        if db.kind == Kind::Postgres {
            // On the server each connection adds to its own slot (backend
            // pid mod 16); only the sum means anything.
            let (sum, bad): (i64, i64) = db
                .server_admin()
                .unwrap()
                .query_one(
                    "SELECT sum(n)::bigint, count(*) FILTER (WHERE slot NOT BETWEEN 0 AND 15) \
                     FROM counterdesk.decision_days",
                    &[],
                )
                .map(|r| (r.get(0), r.get(1)))
                .unwrap();
            assert_eq!((sum, bad), (12, 0));
        }
    });
}

#[test]
fn a_decisions_client_key_is_kept_unique_and_found_again() {
    on_both("decision_op_key", |db| {
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let ids = fill(&mut db.store, 2);
        let s = &mut db.store;
        let now = t0();
        let mut keyed = |id: i64, key: &str| {
            let c = s
                .write(|tx| tx.claim(id, zhao, Lease::new(now, now + minutes(15))))
                .unwrap()
                .unwrap();
            let d = NewDecision {
                op_key: Some(key.into()),
                ..decision(id, zhao, c.seq, Outcome::Approve, &[])
            };
            s.write(|tx| tx.decide(&d, &messages(id), now))
        };
        keyed(ids[0], "0123456789abcdef0123456789abcdef")
            .unwrap()
            .unwrap();
        // The same key on another decision is refused by the unique index,
        // and that decision's transaction leaves nothing behind.
        assert!(keyed(ids[1], "0123456789abcdef0123456789abcdef").is_err());
        assert_eq!(s.read(|tx| tx.decision_for(ids[1])).unwrap(), None);
        let rec = s.read(|tx| tx.decision_for(ids[0])).unwrap().unwrap();
        assert_eq!(
            rec.data.op_key.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
    });
}
