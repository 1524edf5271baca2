//! Claims and leases: due order, four-eyes, kinds, tickets that go stale,
//! and twenty reviewers pressing F2 at once.

use std::collections::BTreeSet;
use std::sync::Barrier;

use counterdesk::domain::clerks::clerk::Role;
use counterdesk::domain::review::{AppKind, Status};
use counterdesk::store::Lease;

use super::{application, clerk, fill, minutes, on_both, retry, t0};

#[test]
fn claim_next_takes_the_earliest_free_one_skipping_own_entries() {
    on_both("claimnext", |db| {
        let me = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let ids = fill(&mut db.store, 8);
        // The earliest is my own entry (four-eyes): skipped.
        let mut own = application(0, AppKind::New, "自己录入");
        own.created_by = Some(me);
        let own_id = db.store.write(|tx| tx.insert_application(&own)).unwrap();
        let now = t0();
        let until = now + minutes(15);
        let s = &mut db.store;
        let first = s
            .write(|tx| tx.claim_next(me, Lease::new(now, until), None))
            .unwrap()
            .unwrap();
        assert_eq!(first.id, ids[0]);
        assert_eq!(first.seq, 1);
        assert_eq!(first.until, until);
        let info = s.read(|tx| tx.claim_info(first.id)).unwrap().unwrap();
        assert_eq!(info.state.holder, Some(me));
        assert_eq!(info.state.lease_until, Some(until));
        assert_eq!(info.state.claim_seq, 1);
        assert_eq!(info.holder_name.as_deref(), Some("zhaomin（测试）"));
        let own_info = s.read(|tx| tx.claim_info(own_id)).unwrap().unwrap();
        assert_eq!(own_info.created_by, Some(me));
        // By kind: fill makes every fourth a photo change.
        let photo = s
            .write(|tx| tx.claim_next(me, Lease::new(now, until), Some(AppKind::PhotoChange)))
            .unwrap()
            .unwrap();
        assert_eq!(photo.id, ids[3]);
        assert_eq!(
            s.write(|tx| tx.claim_next(
                me,
                Lease::new(now, until),
                Some(AppKind::CompanyRegistration)
            ))
            .unwrap(),
            None
        );
        let next = s
            .write(|tx| tx.claim_next(me, Lease::new(now, until), None))
            .unwrap()
            .unwrap();
        assert_eq!(next.id, ids[1]);
        // Take the rest; nothing is left but my own entry.
        let mut taken = BTreeSet::from([first.id, photo.id, next.id]);
        while let Some(c) = s
            .write(|tx| tx.claim_next(me, Lease::new(now, until), None))
            .unwrap()
        {
            assert!(taken.insert(c.id), "claimed twice: {}", c.id);
        }
        assert_eq!(taken, ids.iter().copied().collect());
        assert_eq!(s.read(|tx| tx.claim_info(9999)).unwrap(), None);
    });
}

#[test]
fn leases_renew_release_expire_and_old_tickets_go_stale() {
    on_both("leases", |db| {
        let zhao = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let qian = clerk(&mut db.store, "qianli", Role::Supervisor);
        let ids = fill(&mut db.store, 3);
        let s = &mut db.store;
        let now = t0();
        let c = s
            .write(|tx| tx.claim(ids[0], zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        // Held: nobody else can claim it, by id or as the next one.
        assert_eq!(
            s.write(|tx| tx.claim(ids[0], qian, Lease::new(now, now + minutes(15))))
                .unwrap(),
            None
        );
        let other = s
            .write(|tx| tx.claim_next(qian, Lease::new(now, now + minutes(15)), None))
            .unwrap()
            .unwrap();
        assert_eq!(other.id, ids[1]);
        assert!(s.write(|tx| tx.release_claim(other.id, None)).unwrap());
        assert!(
            s.write(|tx| tx.renew_claim(ids[0], (zhao, c.seq), now + minutes(30)))
                .unwrap()
        );
        assert!(
            !s.write(|tx| tx.renew_claim(ids[0], (qian, c.seq), now + minutes(30)))
                .unwrap()
        );
        assert!(
            !s.write(|tx| tx.renew_claim(ids[0], (zhao, c.seq + 1), now + minutes(30)))
                .unwrap()
        );
        // Expired (judged on the `now` passed in): another reviewer takes it
        // over with a new ticket, and the old one is stale everywhere.
        let later = now + minutes(31);
        let over = s
            .write(|tx| tx.claim(ids[0], qian, Lease::new(later, later + minutes(15))))
            .unwrap()
            .unwrap();
        assert_eq!(over.seq, c.seq + 1);
        assert!(
            !s.write(|tx| tx.renew_claim(ids[0], (zhao, c.seq), later + minutes(60)))
                .unwrap()
        );
        assert!(
            !s.write(|tx| tx.release_claim(ids[0], Some((zhao, c.seq))))
                .unwrap()
        );
        assert!(
            s.write(|tx| tx.release_claim(ids[0], Some((qian, over.seq))))
                .unwrap()
        );
        assert!(
            !s.write(|tx| tx.release_claim(ids[0], None)).unwrap(),
            "nothing held"
        );
        let info = s.read(|tx| tx.claim_info(ids[0])).unwrap().unwrap();
        assert_eq!((info.state.holder, info.state.lease_until), (None, None));
        assert_eq!(info.state.status, Status::Pending);

        // An expired lease is also what claim_next hands out.
        let a = s
            .write(|tx| tx.claim(ids[1], zhao, Lease::new(now, now + minutes(1))))
            .unwrap()
            .unwrap();
        let b = s
            .write(|tx| tx.claim(ids[2], zhao, Lease::new(now, now + minutes(15))))
            .unwrap()
            .unwrap();
        assert_eq!(
            s.write(|tx| tx.claim(ids[0], zhao, Lease::new(now, now + minutes(15))))
                .unwrap()
                .map(|c| c.id),
            Some(ids[0])
        );
        let again = s
            .write(|tx| tx.claim_next(qian, Lease::new(now + minutes(2), now + minutes(17)), None))
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.seq), (ids[1], a.seq + 1));
        // A supervisor's release takes any claim; at logout a clerk's running
        // claims all go back.
        assert!(s.write(|tx| tx.release_claim(ids[1], None)).unwrap());
        let mut back = s
            .write(|tx| tx.release_claims_of(zhao, now + minutes(2)))
            .unwrap();
        back.sort();
        assert_eq!(back, [ids[0], ids[2]]);
        assert!(
            !s.write(|tx| tx.renew_claim(ids[2], (zhao, b.seq), now + minutes(20)))
                .unwrap()
        );
        assert!(
            s.write(|tx| tx.release_claims_of(zhao, now))
                .unwrap()
                .is_empty()
        );
    });
}

/// Twenty reviewers, each on its own connection, claim at once until the
/// queue is empty: every application goes to exactly one of them.
#[test]
fn twenty_reviewers_at_once_never_get_the_same_application() {
    on_both("claim20", |db| {
        const REVIEWERS: usize = 20;
        const APPS: u64 = 120;
        let reviewers: Vec<i64> = (0..REVIEWERS)
            .map(|i| clerk(&mut db.store, &format!("load{i:02}"), Role::Supervisor))
            .collect();
        let ids = fill(&mut db.store, APPS);
        let opener = db.opener();
        let start = Barrier::new(REVIEWERS);
        let now = t0();
        let got: Vec<(i64, i64)> = std::thread::scope(|sc| {
            let handles: Vec<_> = reviewers
                .iter()
                .map(|&who| {
                    let (opener, start) = (&opener, &start);
                    sc.spawn(move || {
                        let mut store = opener.open();
                        start.wait();
                        let mut mine = Vec::new();
                        while let Some(c) = retry(|| {
                            store.write(|tx| {
                                tx.claim_next(who, Lease::new(now, now + minutes(15)), None)
                            })
                        }) {
                            mine.push((c.id, who));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let claimed: BTreeSet<i64> = got.iter().map(|(id, _)| *id).collect();
        assert_eq!(claimed.len(), got.len(), "an application was claimed twice");
        assert_eq!(claimed, ids.iter().copied().collect());
        // And the database agrees: each one held once, by whoever got it.
        for (id, who) in got {
            let info = db.store.read(|tx| tx.claim_info(id)).unwrap().unwrap();
            assert_eq!((info.state.holder, info.state.claim_seq), (Some(who), 1));
        }
    });
}

const CHILD_DB: &str = "COUNTERDESK_CLAIM_CHILD_DB";
const CHILD_CLERK: &str = "COUNTERDESK_CLAIM_CHILD_CLERK";

/// The second process of the race below: claims until the queue is empty
/// and prints each id. Does nothing in a normal test run.
#[test]
fn claim_race_child() {
    let (Ok(db), Ok(clerk)) = (std::env::var(CHILD_DB), std::env::var(CHILD_CLERK)) else {
        return;
    };
    let opener = if db.starts_with("postgres://") {
        super::Opener::Server(db)
    } else {
        super::Opener::File(db.into())
    };
    let mut store = opener.open();
    let clerk: i64 = clerk.parse().unwrap();
    let now = t0();
    while let Some(c) =
        retry(|| store.write(|tx| tx.claim_next(clerk, Lease::new(now, now + minutes(15)), None)))
    {
        println!("CLAIMED {}", c.id);
    }
}

#[test]
fn two_processes_claiming_at_once_never_claim_one_application_twice() {
    on_both("claimrace", |db| {
        let a = clerk(&mut db.store, "zhaomin", Role::Supervisor);
        let b = clerk(&mut db.store, "qianli", Role::Supervisor);
        let ids: BTreeSet<i64> = fill(&mut db.store, 120).into_iter().collect();
        let target = match db.opener() {
            super::Opener::File(p) => p.display().to_string(),
            super::Opener::Server(url) => url,
        };
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = [a, b]
            .iter()
            .map(|clerk| {
                std::process::Command::new(&exe)
                    .args([
                        "office::contract::claims::claim_race_child",
                        "--exact",
                        "--nocapture",
                        "--test-threads=1",
                    ])
                    .env(CHILD_DB, &target)
                    .env(CHILD_CLERK, clerk.to_string())
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut seen: Vec<BTreeSet<i64>> = Vec::new();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            let mine: Vec<i64> = text
                .lines()
                // libtest's "test … ... " may precede the first line.
                .filter_map(|l| l.split_once("CLAIMED ").map(|(_, n)| n))
                .map(|n| n.trim().parse().unwrap())
                .collect();
            let set: BTreeSet<i64> = mine.iter().copied().collect();
            assert_eq!(set.len(), mine.len(), "one process claimed an id twice");
            seen.push(set);
        }
        assert!(
            seen[0].is_disjoint(&seen[1]),
            "double claims: {:?}",
            seen[0].intersection(&seen[1]).collect::<Vec<_>>()
        );
        let all: BTreeSet<i64> = seen[0].union(&seen[1]).copied().collect();
        assert_eq!(all, ids, "every application claimed exactly once");
    });
}
