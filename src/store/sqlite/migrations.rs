//! Numbered schema migrations. `PRAGMA user_version` holds the number applied.
//! Never edit a released migration: add the next one.

use std::path::Path;

use rusqlite::Connection;

use super::error::{StoreError, StoreResult};

/// Migration N is `MIGRATIONS[N - 1]`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: clerks, settings, audit chain, per-clerk drafts.
    concat!(
        r#"
    CREATE TABLE clerks (
        id                   INTEGER PRIMARY KEY,
        username             TEXT NOT NULL UNIQUE,
        display_name         TEXT NOT NULL,
        role                 TEXT NOT NULL CHECK (role IN ('counter', 'supervisor', 'admin')),
        password_hash        TEXT NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        disabled             INTEGER NOT NULL DEFAULT 0,
        failed_attempts      INTEGER NOT NULL DEFAULT 0,
        locked_until         TEXT,
        created_at           TEXT NOT NULL,
        password_changed_at  TEXT NOT NULL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        actor_id  INTEGER,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    -- The chain's head, updated with every append, so that removing the last
    -- rows is detected too.
    CREATE TABLE audit_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
"#,
        final_rows_sqlite!("audit_log", "audit_log is append-only"),
        r#"    CREATE TABLE drafts (
        clerk_id   INTEGER NOT NULL REFERENCES clerks(id),
        key        TEXT NOT NULL,
        body       TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (clerk_id, key)
    );
    "#,
    ),
    // 2: the chain head is protected like the log: it can only move forward
    // to the hash of the row it names, and never be deleted. (Whoever can drop
    // triggers can still rewrite the file; `verify-audit --anchor` catches that.)
    r#"
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
        BEGIN SELECT RAISE(ABORT, 'audit_head is append-only'); END;
    CREATE TRIGGER audit_head_first_row BEFORE INSERT ON audit_head
        WHEN EXISTS (SELECT 1 FROM audit_head) OR NEW.seq <> 1
            OR NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = 1)
        BEGIN SELECT RAISE(ABORT, 'audit_head must start at the first row'); END;
    CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
        WHEN NEW.seq <> OLD.seq + 1 OR NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward with the chain'); END;
    "#,
    // 3: 面签注册 — registrations with their scans (content-addressed blobs)
    // and the per-day number counter. One database is one office.
    concat!(
        r#"
    CREATE TABLE registrations (
        id               INTEGER PRIMARY KEY,
        reg_no           TEXT NOT NULL UNIQUE,
        kind             TEXT NOT NULL CHECK (kind IN ('person', 'company')),
        status           TEXT NOT NULL
                         CHECK (status IN ('registered', 'pending_countersign', 'countersigned')),
        -- person: document type code; company: credit_code or org_code
        doc_type         TEXT NOT NULL,
        -- the duplicate key: a person's document number or a company's code
        doc_number       TEXT NOT NULL UNIQUE,
        -- a company's 9-character organisation code (also inside its credit code)
"#,
        registration_applicant_columns!(),
        r#"        -- comma-separated codes of the originals the clerk sighted
"#,
        registration_record_columns!(),
        r#"        -- four-eyes, enforced by the file as well as the app
        CHECK (countersigned_by IS NULL OR countersigned_by <> clerk_id),
        CHECK ((status = 'countersigned') = (countersigned_by IS NOT NULL))
    );
    CREATE INDEX registrations_name ON registrations (name);
    CREATE INDEX registrations_status ON registrations (status, id);
    CREATE INDEX registrations_org_code ON registrations (org_code) WHERE org_code IS NOT NULL;
    CREATE TABLE registration_counters (
        day  TEXT PRIMARY KEY,
        last INTEGER NOT NULL CHECK (last BETWEEN 1 AND 9999)
    );
    CREATE TABLE scan_blobs (
        sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size       INTEGER NOT NULL,
        data       BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE attachments (
        id              INTEGER PRIMARY KEY,
        registration_id INTEGER NOT NULL REFERENCES registrations(id),
        slot            TEXT NOT NULL,
        sha256          TEXT NOT NULL REFERENCES scan_blobs(sha256),
        file_name       TEXT NOT NULL,
        mime            TEXT NOT NULL,
        size            INTEGER NOT NULL,
        width           INTEGER,
        height          INTEGER,
        pages           INTEGER,
        thumbnail       BLOB,
        created_at      TEXT NOT NULL,
        UNIQUE (registration_id, slot)
    );
    "#,
    ),
    // 4: the review queue. Photos are content-addressed blobs; an application's
    // 审核中 state is a lease (claimed_by + lease_until + claim_seq), so an
    // expired claim needs no write to return to the queue. queue_counts is kept
    // by triggers, per (kind, status, due day), so the per-filter counts read a
    // few hundred rows instead of the table. Decisions are final (no UPDATE/DELETE).
    concat!(
        r#"
    CREATE TABLE blobs (
        id         INTEGER PRIMARY KEY,
        sha256     TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        mime       TEXT NOT NULL,
        size       INTEGER NOT NULL CHECK (size > 0 AND size <= 8388608),
        bytes      BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE applications (
        id                  INTEGER PRIMARY KEY,
        app_no              TEXT NOT NULL UNIQUE,
        kind                TEXT NOT NULL CHECK (kind IN ('new', 'photo', 'renewal', 'company')),
        status              TEXT NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'approved', 'returned')),
        doc_no              TEXT NOT NULL,
        name                TEXT NOT NULL,
        mobile              TEXT NOT NULL,
        licence_no          TEXT NOT NULL DEFAULT '',
        classes             TEXT NOT NULL DEFAULT '',
        licence_status      TEXT NOT NULL DEFAULT '',
        valid_from          TEXT,
        valid_until         TEXT,
        authority           TEXT NOT NULL DEFAULT '',
        photo_blob          INTEGER REFERENCES blobs(id),
        photo_source        TEXT CHECK (photo_source IN ('held', 'album', 'camera')),
        last_photo_change   TEXT,
        previous_photo_blob INTEGER REFERENCES blobs(id),
        issued_classes      TEXT,
        issued_valid_until  TEXT,
        issued_authority    TEXT,
        issued_photo_source TEXT CHECK (issued_photo_source IN ('held', 'album', 'camera')),
        photo_verdict       TEXT CHECK (photo_verdict IN ('pass', 'warn', 'fail')),
        photo_failed        TEXT NOT NULL DEFAULT '',
        photo_summary       TEXT NOT NULL DEFAULT '',
        submitted_at        TEXT NOT NULL,
        due_at              TEXT NOT NULL,
        due_day             TEXT NOT NULL,
        created_by          INTEGER REFERENCES clerks(id),
        claimed_by          INTEGER REFERENCES clerks(id),
        lease_until         TEXT,
        claim_seq           INTEGER NOT NULL DEFAULT 0,
        CHECK ((claimed_by IS NULL) = (lease_until IS NULL))
    );
    CREATE INDEX applications_queue ON applications (status, due_at, id);
    CREATE INDEX applications_queue_kind ON applications (status, kind, due_at, id);
    -- Claim-next reads the first free row here (covering its filters), so its
    -- cost does not grow with the number of claims ahead of it.
    CREATE INDEX applications_free ON applications (due_at, id, kind, created_by)
        WHERE status = 'pending' AND claimed_by IS NULL;
    -- Leases, running and expired: few rows (about one per reviewer).
    CREATE INDEX applications_leases ON applications (lease_until, claimed_by)
        WHERE claimed_by IS NOT NULL;
    CREATE INDEX applications_doc ON applications (doc_no);
    CREATE INDEX applications_name ON applications (name);

    CREATE TABLE queue_counts (
        kind    TEXT NOT NULL,
        status  TEXT NOT NULL,
        due_day TEXT NOT NULL,
        n       INTEGER NOT NULL,
        PRIMARY KEY (kind, status, due_day)
    ) WITHOUT ROWID;
    CREATE TRIGGER applications_count_insert AFTER INSERT ON applications BEGIN
        INSERT INTO queue_counts (kind, status, due_day, n)
            VALUES (NEW.kind, NEW.status, NEW.due_day, 1)
            ON CONFLICT (kind, status, due_day) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER applications_count_update AFTER UPDATE OF kind, status, due_day ON applications
        WHEN OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status OR OLD.due_day IS NOT NEW.due_day
    BEGIN
        UPDATE queue_counts SET n = n - 1
            WHERE kind = OLD.kind AND status = OLD.status AND due_day = OLD.due_day;
        INSERT INTO queue_counts (kind, status, due_day, n)
            VALUES (NEW.kind, NEW.status, NEW.due_day, 1)
            ON CONFLICT (kind, status, due_day) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER applications_count_delete AFTER DELETE ON applications BEGIN
        UPDATE queue_counts SET n = n - 1
            WHERE kind = OLD.kind AND status = OLD.status AND due_day = OLD.due_day;
    END;

    CREATE TABLE decisions (
        id             INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
        outcome        TEXT NOT NULL CHECK (outcome IN ('approved', 'returned')),
        reasons        TEXT NOT NULL,
        free_text      TEXT NOT NULL,
        notice         TEXT NOT NULL,
        photo_report   TEXT NOT NULL,
        decided_by     INTEGER NOT NULL REFERENCES clerks(id),
        decided_at     TEXT NOT NULL,
        claim_seq      INTEGER NOT NULL
    );
"#,
        final_rows_sqlite!("decisions", "decisions are final"),
        r#"
    CREATE TABLE outbox (
        id             INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES applications(id),
        channel        TEXT NOT NULL CHECK (channel IN ('sms', 'app')),
        recipient      TEXT NOT NULL,
        body           TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        sent_at        TEXT,
        attempts       INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_application ON outbox (application_id);
    CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
    "#,
    ),
    // 5: 单位注册复核 — a company registration enters the review queue as an
    // application in the same transaction (applications.registration_id), and a
    // supervisor may return it: registrations gains the status 'returned', and
    // a returned company's code no longer blocks a new registration.
    // SQLite cannot change a CHECK in place, so the table is rebuilt (the
    // documented 12-step way: migrate() runs scripts with foreign keys off and
    // runs foreign_key_check before committing).
    concat!(
        r#"
    CREATE TABLE registrations_new (
        id               INTEGER PRIMARY KEY,
        reg_no           TEXT NOT NULL UNIQUE,
        kind             TEXT NOT NULL CHECK (kind IN ('person', 'company')),
        status           TEXT NOT NULL
                         CHECK (status IN ('registered', 'pending_countersign', 'countersigned', 'returned')),
        doc_type         TEXT NOT NULL,
        -- unique among live registrations (index below): a returned company
        -- may register again once its agent has fixed the deficiencies
        doc_number       TEXT NOT NULL,
"#,
        registration_applicant_columns!(),
        registration_record_columns!(),
        r#"        CHECK (countersigned_by IS NULL OR countersigned_by <> clerk_id),
        CHECK ((status = 'countersigned') = (countersigned_by IS NOT NULL))
    );
    INSERT INTO registrations_new SELECT * FROM registrations;
    DROP TABLE registrations;
    ALTER TABLE registrations_new RENAME TO registrations;
    CREATE INDEX registrations_name ON registrations (name);
    CREATE INDEX registrations_status ON registrations (status, id);
    CREATE INDEX registrations_org_code ON registrations (org_code) WHERE org_code IS NOT NULL;
    CREATE INDEX registrations_doc ON registrations (doc_number);
    CREATE UNIQUE INDEX registrations_doc_live ON registrations (doc_number)
        WHERE status <> 'returned';

    ALTER TABLE applications ADD COLUMN registration_id INTEGER REFERENCES registrations(id);
    CREATE UNIQUE INDEX applications_registration ON applications (registration_id)
        WHERE registration_id IS NOT NULL;
    "#,
    ),
    // 6: data exchange and 工作台. Exports move a high-water mark per stream
    // (decisions, audit and outbox rows are append-only, so ids only grow);
    // registrations change after they were exported (countersigned, new
    // mobile), so a change log gives them a growing sequence too. The
    // dashboard's charts read per-day aggregates kept by a trigger in the
    // decision's own transaction, never the decisions table.
    r#"
    CREATE TABLE export_marks (
        stream  TEXT PRIMARY KEY,
        last_id INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE exports (
        id              INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,
        folder          TEXT NOT NULL,
        clerk_id        INTEGER REFERENCES clerks(id),
        decisions       INTEGER NOT NULL,
        registrations   INTEGER NOT NULL,
        audit           INTEGER NOT NULL,
        notices         INTEGER NOT NULL,
        manifest_sha256 TEXT NOT NULL
    );
    CREATE TABLE imports (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        lines       INTEGER NOT NULL,
        imported    INTEGER NOT NULL,
        skipped     INTEGER NOT NULL,
        clerk_id    INTEGER REFERENCES clerks(id)
    );
    CREATE TABLE registration_changes (
        seq             INTEGER PRIMARY KEY,
        registration_id INTEGER NOT NULL
    );
    INSERT INTO registration_changes (registration_id) SELECT id FROM registrations ORDER BY id;
    CREATE TRIGGER registrations_changed_insert AFTER INSERT ON registrations BEGIN
        INSERT INTO registration_changes (registration_id) VALUES (NEW.id);
    END;
    CREATE TRIGGER registrations_changed_update AFTER UPDATE ON registrations BEGIN
        INSERT INTO registration_changes (registration_id) VALUES (NEW.id);
    END;

    CREATE TABLE decision_days (
        day     TEXT NOT NULL,
        outcome TEXT NOT NULL,
        n       INTEGER NOT NULL,
        PRIMARY KEY (day, outcome)
    ) WITHOUT ROWID;
    CREATE TABLE decision_reasons (
        day    TEXT NOT NULL,
        reason TEXT NOT NULL,
        n      INTEGER NOT NULL,
        PRIMARY KEY (day, reason)
    ) WITHOUT ROWID;
    INSERT INTO decision_days (day, outcome, n)
        SELECT date(decided_at, '+8 hours'), outcome, COUNT(*) FROM decisions GROUP BY 1, 2;
    INSERT INTO decision_reasons (day, reason, n)
        SELECT date(d.decided_at, '+8 hours'), j.value, COUNT(*)
        FROM decisions d, json_each('["' || replace(d.reasons, ',', '","') || '"]') j
        WHERE d.reasons <> '' AND j.value <> '' GROUP BY 1, 2;
    -- Reason codes are ASCII words, so splitting the comma list through JSON is safe.
    CREATE TRIGGER decisions_count AFTER INSERT ON decisions BEGIN
        INSERT INTO decision_days (day, outcome, n)
            VALUES (date(NEW.decided_at, '+8 hours'), NEW.outcome, 1)
            ON CONFLICT (day, outcome) DO UPDATE SET n = n + 1;
        INSERT INTO decision_reasons (day, reason, n)
            SELECT date(NEW.decided_at, '+8 hours'), value, 1
            FROM json_each('["' || replace(NEW.reasons, ',', '","') || '"]')
            WHERE NEW.reasons <> '' AND value <> ''
            ON CONFLICT (day, reason) DO UPDATE SET n = n + 1;
    END;
    -- 我今日审核: one clerk's decisions in a time range.
    CREATE INDEX decisions_by_clerk ON decisions (decided_by, decided_at);
    "#,
    // 7: an approval despite a failed automated photo check keeps the
    // reviewer's reason with the decision (NULL: no override was needed).
    r#"
    ALTER TABLE decisions ADD COLUMN photo_override TEXT;
    "#,
    // 8: exactly-once exports, anchors taken, backups made. Every exportable
    // row is queued in `export_pending` by a trigger in its own transaction
    // (ids or ranges would miss rows that commit out of order on a server).
    // An export claims the queued rows under its id and target folder before
    // writing anything, and deletes them once its folder is in place, so a
    // crash at any step is finished or redone with the same id and rows.
    concat!(
        r#"
    ALTER TABLE exports ADD COLUMN export_id TEXT;
    ALTER TABLE exports ADD COLUMN out_dir TEXT;
    ALTER TABLE exports ADD COLUMN state TEXT NOT NULL DEFAULT 'done'
        CHECK (state IN ('writing', 'done'));
    CREATE UNIQUE INDEX exports_export_id ON exports (export_id) WHERE export_id IS NOT NULL;
    CREATE INDEX exports_unfinished ON exports (state) WHERE state <> 'done';

    CREATE TABLE export_pending (
        stream     TEXT NOT NULL,
        row_id     INTEGER NOT NULL,
        export_run INTEGER REFERENCES exports(id),
        PRIMARY KEY (stream, row_id)
    ) WITHOUT ROWID;
"#,
        queue_unexported!("decisions", "id", "decisions"),
        queue_unexported!("registrations", "seq", "registration_changes"),
        queue_unexported!("audit", "seq", "audit_log"),
        queue_unexported!("notices", "id", "outbox"),
        r#"    CREATE TRIGGER decisions_export AFTER INSERT ON decisions BEGIN
        INSERT INTO export_pending (stream, row_id) VALUES ('decisions', NEW.id);
    END;
    CREATE TRIGGER registration_changes_export AFTER INSERT ON registration_changes BEGIN
        INSERT INTO export_pending (stream, row_id) VALUES ('registrations', NEW.seq);
    END;
    CREATE TRIGGER audit_log_export AFTER INSERT ON audit_log BEGIN
        INSERT INTO export_pending (stream, row_id) VALUES ('audit', NEW.seq);
    END;
    CREATE TRIGGER outbox_export AFTER INSERT ON outbox BEGIN
        INSERT INTO export_pending (stream, row_id) VALUES ('notices', NEW.id);
    END;

    -- Chain heads that left the PC (anchor file, export, printed receipt).
    CREATE TABLE anchors (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        seq    INTEGER NOT NULL,
        hash   TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('file', 'export', 'receipt')),
        detail TEXT NOT NULL
    );
    CREATE TABLE backups (
        id     INTEGER PRIMARY KEY,
        at     TEXT NOT NULL,
        file   TEXT NOT NULL,
        bytes  INTEGER NOT NULL,
        auto   INTEGER NOT NULL
    );
    "#,
    ),
    // 9: a partial folder an interrupted export may have left where the
    // export that redid it could not reach (a USB stick unplugged). The redo
    // writes elsewhere, so the run's own record no longer names it: kept
    // here until an export finds and removes it (check-db names it), and
    // then marked removed (nothing is deleted from the log).
    r#"
    CREATE TABLE export_leftovers (
        id         INTEGER PRIMARY KEY,
        export_run INTEGER NOT NULL REFERENCES exports(id),
        path       TEXT NOT NULL UNIQUE,
        at         TEXT NOT NULL,
        removed_at TEXT
    );
    "#,
    // 10: nothing on SQLite. The office server spreads its hot counters over
    // per-connection slots and counts bulk imports once (see the PostgreSQL
    // text of step 10); the single writer needs neither here.
    r#"
    -- no change
    "#,
    // 11: client-generated keys (docs/office.md, "Unknown commits"). A
    // decision or import whose COMMIT outcome was unknown (the office
    // server's connection dropped) is retried under the same key, and the
    // retry finds its own row instead of writing twice. NULL for rows made
    // before; the partial unique indexes ignore them.
    r#"
    ALTER TABLE decisions ADD COLUMN op_key TEXT;
    CREATE UNIQUE INDEX decisions_op_key ON decisions (op_key) WHERE op_key IS NOT NULL;
    ALTER TABLE imports ADD COLUMN op_key TEXT;
    ALTER TABLE imports ADD COLUMN photos INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX imports_op_key ON imports (op_key) WHERE op_key IS NOT NULL;
    "#,
    // 12: the workstation a row came from, as on the office server (where a
    // column default fills it from the connection). A file is one
    // workstation: NULL here, and `migrate` names the source when it moves
    // a file's rows to the server.
    r#"
    ALTER TABLE audit_log ADD COLUMN workstation TEXT;
    ALTER TABLE registrations ADD COLUMN workstation TEXT;
    ALTER TABLE decisions ADD COLUMN workstation TEXT;
    CREATE TABLE sessions (
        clerk_id    INTEGER PRIMARY KEY REFERENCES clerks(id),
        token       TEXT NOT NULL,
        workstation TEXT NOT NULL,
        since       TEXT NOT NULL
    );
    "#,
    // 13: nothing on SQLite. The office server records the workstations
    // moved into it (`counterdesk migrate`) and keeps their audit chains as
    // chapters (see the PostgreSQL text of step 13); a workstation's file
    // is only ever the source of a migration, never its target.
    r#"
    -- no change
    "#,
    // 14: which workstation key signed (or is signing) each export, so an
    // office server's interrupted runs are settled only by the workstation
    // that began them (its folder is on that PC). NULL: before this step.
    r#"
    ALTER TABLE exports ADD COLUMN signer TEXT;
    "#,
    // 15: nothing on SQLite. On the office server claims and renewals stop
    // sending NOTIFY (see the PostgreSQL text of step 15); a file's "store
    // changed" signal is `PRAGMA data_version`, which no trigger feeds.
    r#"
    -- no change
    "#,
    // 16: nothing on SQLite. The office server links audit rows into the
    // chain as the transaction commits (a deferred trigger), so its head
    // row is locked only inside COMMIT; a file's single writer already
    // serialises the whole transaction.
    r#"
    -- no change
    "#,
];

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration above the file's version, each in its own transaction.
pub fn migrate(conn: &mut Connection, path: &Path) -> StoreResult<()> {
    let sql = |e| super::error::from_sqlite(path, e);
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    if current > LATEST_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: current,
            supported: LATEST_VERSION,
        });
    }
    if current == LATEST_VERSION {
        return Ok(());
    }
    // A table rebuild (migration 5) needs foreign keys off; the pragma is a
    // no-op inside a transaction, so it is switched here and restored after,
    // and each migration proves with foreign_key_check that it broke nothing.
    let fk: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", false)
        .map_err(sql)?;
    let applied = apply_from(conn, path, current);
    conn.pragma_update(None, "foreign_keys", fk).map_err(sql)?;
    applied
}

fn apply_from(conn: &mut Connection, path: &Path, current: i64) -> StoreResult<()> {
    let sql = |e| super::error::from_sqlite(path, e);
    for (i, script) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction().map_err(sql)?;
        tx.execute_batch(script).map_err(sql)?;
        let broken: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(sql)?;
        if broken > 0 {
            return Err(sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!(
                    "migration {version} left {broken} dangling references"
                )),
            )));
        }
        tx.pragma_update(None, "user_version", version)
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}
