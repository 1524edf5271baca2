//! office-init's roles and privileges, and the workstation's version check.

use counterdesk::store::postgres::{
    APP_GRANTS, APP_ROLE, LATEST_VERSION, OWNER_ROLE, OfficeError, check_schema_version,
    office_init,
};
use postgres::error::SqlState;

use super::{code, pg};

#[test]
fn the_workstation_role_cannot_change_audit_rows_or_the_schema() {
    let Some(db) = pg::test_db("privileges") else {
        return;
    };
    let mut admin = db.admin();
    let mut app = db.app();
    // Something to aim at, appended the only allowed way.
    app.query_one(
        "SELECT audit_append(1, 'admin', 'login_succeeded', 'clerk:1', '')",
        &[],
    )
    .unwrap();
    let refused = [
        "UPDATE audit_log SET detail = 'edited'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) \
         VALUES (2, 't', 'a', 'b', 'c', '', 'x', 'y')",
        "UPDATE audit_head SET seq = 0",
        "DELETE FROM audit_head",
        "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, 'x')",
        // Staged rows go in only through audit_stage(), and stay its own.
        "INSERT INTO audit_pending (actor, action, target, detail) VALUES ('a', 'b', 'c', '')",
        "SELECT * FROM audit_pending",
        "DELETE FROM audit_pending",
        "UPDATE queue_counts SET n = 0",
        "DELETE FROM decisions",
        "DELETE FROM clerks",
        "CREATE TABLE counterdesk.x (a bigint)",
        "CREATE TABLE public.x (a bigint)",
        "CREATE TEMP TABLE x (a bigint)",
        "CREATE SCHEMA x",
        "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "ALTER TABLE clerks ADD COLUMN x bigint",
        "DROP TABLE audit_log",
        "DROP TRIGGER audit_log_no_update ON audit_log",
        "CREATE INDEX x ON clerks (display_name)",
        "SET ROLE counterdesk_owner",
        "SELECT audit_field('x')",
    ];
    for sql in refused {
        let e = app.batch_execute(sql).unwrap_err();
        let c = code(&e);
        // "Must be owner" and "permission denied" are both 42501; so is a
        // helper function the role may not EXECUTE.
        assert_eq!(c, SqlState::INSUFFICIENT_PRIVILEGE, "{sql}: {e:?}");
    }
    // Nothing moved: still one row, and the head on it.
    let (rows, head): (i64, i64) = admin
        .query_one(
            "SELECT (SELECT count(*) FROM counterdesk.audit_log), \
             (SELECT seq FROM counterdesk.audit_head)",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!((rows, head), (1, 1));
}

#[test]
fn the_workstation_role_holds_exactly_the_listed_privileges() {
    let Some(db) = pg::test_db("grants") else {
        return;
    };
    let mut admin = db.admin();
    let tables: Vec<String> = admin
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'counterdesk' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut listed: Vec<String> = APP_GRANTS.iter().map(|(t, _)| t.to_string()).collect();
    listed.sort();
    assert_eq!(tables, listed);
    for (table, granted) in APP_GRANTS {
        for privilege in [
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "TRUNCATE",
            "REFERENCES",
            "TRIGGER",
        ] {
            let has: bool = admin
                .query_one(
                    "SELECT has_table_privilege($1, $2, $3)",
                    &[&APP_ROLE, &format!("counterdesk.{table}"), &privilege],
                )
                .unwrap()
                .get(0);
            assert_eq!(has, granted.contains(privilege), "{table} {privilege}");
        }
    }
    let callable: Vec<String> = admin
        .query(
            "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = 'counterdesk' AND has_function_privilege($1, p.oid, 'EXECUTE') \
             ORDER BY 1",
            &[&APP_ROLE],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(callable, ["audit_append", "audit_stage", "bulk_insert_end"]);
    // Identity columns need no sequence privilege: the workstation inserts.
    db.app()
        .query_one(
            "INSERT INTO clerks (username, display_name, role, password_hash, created_at, \
             password_changed_at) VALUES ('wangli', '王丽', 'counter', 'x', 't', 't') RETURNING id",
            &[],
        )
        .unwrap();
}

#[test]
fn office_init_creates_the_roles_once_per_cluster_and_a_second_database_reuses_them() {
    // A cluster of its own: the shared one already has the roles.
    let Some(cluster) = pg::Cluster::start(true, false) else {
        return;
    };
    let first = cluster.init_db("hall_a");
    assert_eq!(first.created_roles, [OWNER_ROLE, APP_ROLE]);
    assert_eq!(first.migrated.to, LATEST_VERSION);
    let second = cluster.init_db("hall_b");
    assert!(second.created_roles.is_empty());
    assert_eq!(second.migrated.from, 0);
    assert_eq!(second.migrated.to, LATEST_VERSION);
    // Twice on the same database is fine.
    let again = office_init(
        &mut cluster.admin("hall_a"),
        &cluster.admin_target("hall_a"),
    )
    .unwrap();
    assert!(again.created_roles.is_empty());
    assert_eq!(again.migrated.from, LATEST_VERSION);

    let mut admin = cluster.admin("postgres");
    let roles: Vec<(String, bool, bool, bool)> = admin
        .query(
            "SELECT rolname::text, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles \
             WHERE rolname LIKE 'counterdesk%' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        roles,
        [
            (APP_ROLE.to_owned(), true, false, false),
            (OWNER_ROLE.to_owned(), false, false, false),
        ]
    );
    let owner: String = cluster
        .admin("hall_b")
        .query_one(
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'counterdesk'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(owner, OWNER_ROLE);
    // The workstation logs in to both halls' databases with one password.
    for db in ["hall_a", "hall_b"] {
        let mut app = cluster.app(db);
        assert_eq!(
            check_schema_version(&mut app, &cluster.app_target(db)).unwrap(),
            LATEST_VERSION
        );
    }
}

#[test]
fn office_init_needs_a_superuser() {
    let Some(db) = pg::test_db("notsuper") else {
        return;
    };
    let e = office_init(&mut db.app(), &db.app_target()).unwrap_err();
    assert!(matches!(e, OfficeError::NotSuperuser { .. }), "{e:?}");
    assert!(e.to_string().contains("超级用户"), "{e}");
}

#[test]
fn a_workstation_refuses_a_server_at_another_version_and_names_office_init() {
    let Some(db) = pg::test_db("version") else {
        return;
    };
    let target = db.app_target();
    assert_eq!(
        check_schema_version(&mut db.app(), &target).unwrap(),
        LATEST_VERSION
    );
    let mut admin = db.admin();
    // An older server (as if this build added a step).
    admin
        .execute(
            "DELETE FROM counterdesk.schema_migrations WHERE version = $1",
            &[&LATEST_VERSION],
        )
        .unwrap();
    let e = check_schema_version(&mut db.app(), &target).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, OfficeError::SchemaMismatch { .. }), "{e:?}");
    assert!(
        text.contains("office-init") && text.contains("升级服务器"),
        "{text}"
    );
    // A newer server: the workstation must be upgraded, and this build's
    // office-init refuses to touch it.
    admin
        .batch_execute(&format!(
            "INSERT INTO counterdesk.schema_migrations (version) VALUES ({LATEST_VERSION}), ({})",
            LATEST_VERSION + 1
        ))
        .unwrap();
    let text = check_schema_version(&mut db.app(), &target)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("office-init") && text.contains("升级到同一版本"),
        "{text}"
    );
    let e = office_init(&mut admin, &db.admin_target()).unwrap_err();
    assert!(matches!(e, OfficeError::SchemaMismatch { .. }), "{e:?}");

    let Some(empty) = pg::empty_db("never_init") else {
        return;
    };
    let e = check_schema_version(&mut empty.admin(), &empty.admin_target()).unwrap_err();
    assert!(matches!(e, OfficeError::NotInitialised { .. }), "{e:?}");
    assert!(e.to_string().contains("counterdesk office-init"), "{e}");
}
