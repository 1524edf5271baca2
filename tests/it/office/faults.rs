//! The server stopped (`pg_ctl stop -m immediate`, like a power cut of the
//! server) in the middle of a workstation's transaction.

use counterdesk::domain::clerks::audit::{AuditAction, AuditVerdict};
use counterdesk::store::NewAuditEvent;
use counterdesk::store::postgres::{
    Connector, OfficeError, Prompt, append_audit, audit_anchor, connection_lost,
};

use super::chain::verify_like_a_workstation;
use super::pg;

fn event(detail: &str) -> NewAuditEvent {
    NewAuditEvent {
        actor_id: Some(1),
        actor: "zhaomin".into(),
        action: AuditAction::LoginSucceeded,
        target: counterdesk::domain::clerks::audit_target::AuditTarget::Clerk(1),
        detail: detail.into(),
    }
}

#[test]
fn a_server_stopped_mid_transaction_leaves_nothing_half_written() {
    // Its own cluster, since this test stops it; commits are synchronous so
    // "committed" means it survives the stop.
    let Some(cluster) = pg::Cluster::start(true, true) else {
        return;
    };
    cluster.init_db("crash");
    let connector = Connector::new(cluster.app_target("crash"), Prompt::Never).unwrap();
    let mut app = connector.connect().unwrap();
    let mut tx = app.transaction().unwrap();
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ('committed', 'yes')",
        &[],
    )
    .unwrap();
    for i in 0..3 {
        append_audit(&mut tx, &event(&format!("committed {i}"))).unwrap();
    }
    tx.commit().unwrap();

    // A big write in flight: many rows, the audit head locked and moved.
    let mut tx = app.transaction().unwrap();
    tx.execute(
        "INSERT INTO settings (key, value) SELECT 'pending' || g, 'x' FROM generate_series(1, 1000) g",
        &[],
    )
    .unwrap();
    for i in 0..200 {
        append_audit(&mut tx, &event(&format!("in flight {i}"))).unwrap();
    }
    cluster.stop("immediate");
    let e = tx
        .execute(
            "INSERT INTO settings (key, value) VALUES ('late', 'x')",
            &[],
        )
        .unwrap_err();
    assert!(connection_lost(&e), "{e:?}");
    assert!(tx.commit().is_err());
    assert!(app.is_closed());
    drop(app);

    // While it is down: a clear sentence, no hang.
    let down = connector.connect().err().unwrap();
    assert!(matches!(down, OfficeError::Connect { .. }), "{down:?}");
    assert!(down.is_connection_lost());
    assert!(down.to_string().contains("无法连接办公室服务器"), "{down}");

    cluster.restart();
    let mut app = connector.connect().unwrap();
    let pending: i64 = app
        .query_one(
            "SELECT count(*) FROM settings WHERE key LIKE 'pending%' OR key = 'late'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(pending, 0);
    let committed: String = app
        .query_one("SELECT value FROM settings WHERE key = 'committed'", &[])
        .unwrap()
        .get(0);
    assert_eq!(committed, "yes");
    assert_eq!(audit_anchor(&mut app).unwrap().unwrap().seq, 3);
    assert_eq!(
        verify_like_a_workstation(&mut app),
        AuditVerdict::Intact { rows: 3 }
    );
    // The head lock died with the session: the next append continues at 4.
    assert_eq!(append_audit(&mut app, &event("after restart")).unwrap(), 4);
    assert_eq!(
        verify_like_a_workstation(&mut app),
        AuditVerdict::Intact { rows: 4 }
    );
}
