//! Pieces of schema text that more than one migration step writes, as
//! macros (`concat!` takes only literals): each piece is written once, and
//! `migration_pins` checks that every released step's text is unchanged.

/// A table whose rows are final (PostgreSQL): the function that refuses
/// every change, and the triggers that call it on UPDATE, DELETE and
/// TRUNCATE, so the owner is stopped too.
macro_rules! final_rows {
    ($table:literal, $function:literal, $refusal:literal) => {
        concat!(
            "    CREATE FUNCTION ",
            $function,
            "() RETURNS trigger LANGUAGE plpgsql AS $$\n",
            "    BEGIN\n",
            "        RAISE EXCEPTION '",
            $refusal,
            "';\n",
            "    END $$;\n",
            "    CREATE TRIGGER ",
            $table,
            "_no_update BEFORE UPDATE OR DELETE ON ",
            $table,
            "\n        FOR EACH ROW EXECUTE FUNCTION ",
            $function,
            "();\n",
            "    CREATE TRIGGER ",
            $table,
            "_no_truncate BEFORE TRUNCATE ON ",
            $table,
            "\n        FOR EACH STATEMENT EXECUTE FUNCTION ",
            $function,
            "();\n",
        )
    };
}

/// Step 8 on both backends: queues for export every row of `stream` that
/// the stream's old high-water mark has not passed (`key` is the row's
/// id column in `table`).
macro_rules! queue_unexported {
    ($stream:literal, $key:literal, $table:literal) => {
        concat!(
            "    INSERT INTO export_pending (stream, row_id)\n        SELECT '",
            $stream,
            "', ",
            $key,
            " FROM ",
            $table,
            "\n        WHERE ",
            $key,
            " > COALESCE((SELECT last_id FROM export_marks WHERE stream = '",
            $stream,
            "'), 0);\n",
        )
    };
}

/// SQLite `registrations`, from `org_code` to `breakdown`: the applicant's
/// columns, as step 3 made them and step 5's rebuild keeps them.
macro_rules! registration_applicant_columns {
    () => {
        concat!(
            "        org_code         TEXT,\n",
            "        name             TEXT NOT NULL,\n",
            "        mobile           TEXT NOT NULL,\n",
            "        reason           TEXT,\n",
            "        reason_text      TEXT,\n",
            "        agent_name       TEXT,\n",
            "        agent_doc_type   TEXT,\n",
            "        agent_doc_number TEXT,\n",
            "        breakdown        TEXT,\n",
        )
    };
}

/// SQLite `registrations`, from `sighted` to `idempotency_key`: what the
/// counter recorded and who, as step 3 made them and step 5 keeps them.
macro_rules! registration_record_columns {
    () => {
        concat!(
            "        sighted          TEXT NOT NULL,\n",
            "        office           TEXT NOT NULL,\n",
            "        clerk_id         INTEGER NOT NULL REFERENCES clerks(id),\n",
            "        created_at       TEXT NOT NULL,\n",
            "        updated_at       TEXT NOT NULL,\n",
            "        countersigned_by INTEGER REFERENCES clerks(id),\n",
            "        countersigned_at TEXT,\n",
            "        idempotency_key  TEXT NOT NULL UNIQUE,\n",
        )
    };
}

/// The statement trigger (PostgreSQL) that tells the other counters
/// `table` changed: `notify_changed()` NOTIFYs, delivered on commit.
macro_rules! notify_on {
    ($trigger:literal, $events:literal, $table:literal) => {
        concat!(
            "    CREATE TRIGGER ",
            $trigger,
            " AFTER ",
            $events,
            " ON ",
            $table,
            "\n        FOR EACH STATEMENT EXECUTE FUNCTION notify_changed();\n",
        )
    };
}

/// `notify_on!` for every kind of change, TRUNCATE included.
macro_rules! notify_every_change {
    ($trigger:literal, $table:literal) => {
        notify_on!($trigger, "INSERT OR UPDATE OR DELETE OR TRUNCATE", $table)
    };
}

/// A table whose rows are final (SQLite): triggers that abort every UPDATE
/// and DELETE with `refusal`.
macro_rules! final_rows_sqlite {
    ($table:literal, $refusal:literal) => {
        concat!(
            "    CREATE TRIGGER ",
            $table,
            "_no_update BEFORE UPDATE ON ",
            $table,
            "\n        BEGIN SELECT RAISE(ABORT, '",
            $refusal,
            "'); END;\n",
            "    CREATE TRIGGER ",
            $table,
            "_no_delete BEFORE DELETE ON ",
            $table,
            "\n        BEGIN SELECT RAISE(ABORT, '",
            $refusal,
            "'); END;\n",
        )
    };
}
