//! The subcommands on the office server, at the binary level: `office-init`
//! twice, every `--db` command with a `postgres://` URL (and through
//! `COUNTERDESK_DB`) printing what it prints for a file, the refusals (a bad
//! URL, a password in the URL, a local backup of the server, `migrate` on
//! the server, `reset-admin` as the workstation role).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use counterdesk::store::LATEST_VERSION;

use super::pg;

const NOW: &str = "2026-11-23T02:00:00Z";

/// The binary with a private data directory (the office signing key goes
/// there) and a pinned "now"; no `COUNTERDESK_DB` from the caller.
fn bin(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_counterdesk"));
    c.env("XDG_DATA_HOME", home.join("data"))
        .env("HOME", home)
        .env("COUNTERDESK_NOW", NOW)
        .env_remove("COUNTERDESK_DB")
        .env_remove("PGPASSFILE");
    c
}

fn run(mut c: Command) -> Output {
    c.stdin(Stdio::null()).output().unwrap()
}

fn run_with_stdin(mut c: Command, input: &str) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        text(&o),
        err(&o)
    );
    text(&o)
}

fn admin_url(db: &pg::TestDb) -> String {
    format!(
        "postgres://postgres@127.0.0.1:{}/{}",
        db.cluster.port, db.name
    )
}

#[test]
fn office_init_twice_is_idempotent_and_names_the_workstation_url() {
    let Some(db) = pg::empty_db("cli_init") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let url = admin_url(&db);
    let first = ok(run({
        let mut c = bin(home.path());
        c.args(["office-init", &url]);
        c
    }));
    assert!(first.contains("已完成初始化"), "{first}");
    assert!(
        first.contains(&format!(
            "新建数据库结构 counterdesk，版本 {LATEST_VERSION}"
        )),
        "{first}"
    );
    let ws = format!(
        "工作站连接地址：postgres://counterdesk_app@127.0.0.1:{}/{}",
        db.cluster.port, db.name
    );
    assert!(first.contains(&ws), "{first}");
    // The shared cluster made the roles already: reused, not created.
    assert!(first.contains("沿用已有角色"), "{first}");

    // Again, this time also setting the workstation password (two lines
    // on stdin; the same one the other tests use, the role is cluster-wide).
    let second = ok(run_with_stdin(
        {
            let mut c = bin(home.path());
            c.args(["office-init", &url, "--set-app-password"]);
            c
        },
        &format!("{0}\n{0}\n", pg::APP_PASSWORD),
    ));
    assert!(
        second.contains(&format!("数据库结构已是版本 {LATEST_VERSION}，无需升级")),
        "{second}"
    );
    assert!(
        second.contains("已设置工作站账号 counterdesk_app 的密码"),
        "{second}"
    );
    assert!(!second.contains(pg::APP_PASSWORD));
    // Workstations can use it at once.
    let v = ok(run({
        let mut c = bin(home.path());
        c.args(["verify-audit", "--db", &db.app_url()]);
        c
    }));
    assert!(v.starts_with("OK 0"), "{v}");

    // Two different passwords: nothing is changed, exit 2.
    let o = run_with_stdin(
        {
            let mut c = bin(home.path());
            c.args(["office-init", &url, "--set-app-password"]);
            c
        },
        "one-password\nanother-one\n",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(err(&o).contains("不一致"), "{}", err(&o));
    assert!(!err(&o).contains("one-password"));

    // The workstation role is no administrator.
    let o = run({
        let mut c = bin(home.path());
        c.args(["office-init", &db.app_url()]);
        c
    });
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("超级用户"), "{}", err(&o));
}

#[test]
fn every_db_command_works_on_the_server_as_on_a_file() {
    let Some(db) = pg::test_db("cli_cmds") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("file.sqlite3");
    let url = db.app_url();
    let on = |target: &str, args: &[&str]| {
        let mut c = bin(home.path());
        c.arg("--db").arg(target).args(args);
        c
    };
    let file_s = file.display().to_string();
    let both = [file_s.as_str(), url.as_str()];

    // The same demo data on both, then the same lists.
    for t in both {
        let out = ok(run(on(t, &["demo-data", "--applications", "120"])));
        assert!(out.contains("已生成 120 件申请"), "{out}");
    }
    let queue: Vec<serde_json::Value> = both
        .iter()
        .map(|t| {
            let mut v: serde_json::Value = serde_json::from_str(&ok(run(on(
                t,
                &["queue", "--json", "--filter", "overdue", "--limit", "7"],
            ))))
            .unwrap();
            v.as_object_mut().unwrap().remove("elapsed_ms");
            v
        })
        .collect();
    assert_eq!(queue[0], queue[1]);
    assert_eq!(queue[1]["rows"].as_array().unwrap().len(), 7);

    for t in both {
        let out = ok(run(on(t, &["demo-data", "--registrations", "3"])));
        assert!(out.contains("已添加 3 条演示面签注册"), "{out}");
    }
    let regs: Vec<String> = both
        .iter()
        .map(|t| ok(run(on(t, &["registrations"]))))
        .collect();
    assert!(regs[1].starts_with("# "), "{}", regs[1]);
    assert_eq!(regs[0].lines().count(), regs[1].lines().count(), "{regs:?}");
    let first_no = regs[1].lines().nth(1).unwrap().split('\t').next().unwrap();
    let pdf = home.path().join("receipt.pdf");
    ok(run(on(
        &url,
        &["receipt", first_no, "--out", &pdf.display().to_string()],
    )));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    // The chain: verify, anchor, verify against the anchor.
    let v = ok(run(on(&url, &["verify-audit"])));
    assert!(v.starts_with("OK "), "{v}");
    let anchor_file = home.path().join("anchor.txt");
    let a = ok(run(on(
        &url,
        &["audit-anchor", "--out", &anchor_file.display().to_string()],
    )));
    assert!(a.starts_with("CDANCHOR1 seq="), "{a}");
    let v = ok(run(on(
        &url,
        &[
            "verify-audit",
            "--anchor",
            &anchor_file.display().to_string(),
        ],
    )));
    assert!(v.contains("(anchors 1)"), "{v}");

    // check-db decodes every row and says what it cannot check there.
    let c = ok(run(on(&url, &["check-db"])));
    assert!(c.starts_with("数据核对通过："), "{c}");
    assert!(c.contains("applications 120 行"), "{c}");
    assert!(c.contains("pg_amcheck"), "{c}");

    // Import a batch, export it: the signing key and the export lock are
    // this workstation's, in its data directory, not beside any file.
    let batch = home.path().join("batch").join("b.jsonl");
    std::fs::create_dir_all(batch.parent().unwrap()).unwrap();
    ok(run(on(
        &url,
        &[
            "demo-data",
            "--applications",
            "20",
            "--out",
            &batch.display().to_string(),
        ],
    )));
    let i = ok(run(on(&url, &["import", &batch.display().to_string()])));
    assert!(i.contains("已导入 20 件申请"), "{i}");
    let out_dir = home.path().join("usb");
    let e = ok(run(on(
        &url,
        &["export", "--out", &out_dir.display().to_string()],
    )));
    assert!(e.contains("已导出到"), "{e}");
    let key = home.path().join("data/counterdesk/office.signing-key");
    assert!(key.is_file(), "{e}");
    let public = e
        .lines()
        .find_map(|l| l.strip_prefix("工作站公钥 "))
        .unwrap()
        .to_owned();
    let v = ok(run({
        let mut c = bin(home.path());
        c.args([
            "verify-export",
            &out_dir.display().to_string(),
            "--key",
            &public,
        ]);
        c
    }));
    assert!(v.starts_with("OK "), "{v}");
    // The export is recorded with its signer; the chain still verifies.
    let signer: Option<String> = db
        .admin()
        .query_one(
            "SELECT signer FROM counterdesk.exports ORDER BY id DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(signer.as_deref(), Some(public.as_str()));
    ok(run(on(&url, &["verify-audit"])));

    // COUNTERDESK_DB instead of --db.
    let mut c = bin(home.path());
    c.env("COUNTERDESK_DB", &url).arg("verify-audit");
    assert!(ok(run(c)).starts_with("OK "));
    let mut c = bin(home.path());
    c.env("COUNTERDESK_DB", &url)
        .args(["queue", "--limit", "1"]);
    assert!(ok(run(c)).starts_with("待审核 "));

    // A corrupt row on the server: check-db names it, exit 1.
    db.admin()
        .execute(
            "UPDATE counterdesk.clerks SET created_at = 'kaputt' WHERE id = 1",
            &[],
        )
        .unwrap();
    let o = run(on(&url, &["check-db"]));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("clerks"), "{}", text(&o));
}

#[test]
fn refusals_are_clear_and_exit_2() {
    let Some(db) = pg::test_db("cli_refuse") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let url = db.app_url();
    let on = |target: &str, args: &[&str]| {
        let mut c = bin(home.path());
        c.arg("--db").arg(target).args(args);
        c
    };
    let refused = |o: Output, words: &[&str]| {
        assert_eq!(o.status.code(), Some(2), "{}{}", text(&o), err(&o));
        for w in words {
            assert!(err(&o).contains(w), "{w}: {}", err(&o));
        }
        err(&o)
    };

    // A password in the URL, by --db and by COUNTERDESK_DB: never repeated.
    let e = refused(
        run(on(
            "postgres://counterdesk_app:s3cret@127.0.0.1/x",
            &["verify-audit"],
        )),
        &["错误：数据库地址无效", "不能写密码"],
    );
    assert!(!e.contains("s3cret"));
    let mut c = bin(home.path());
    c.env("COUNTERDESK_DB", "postgresql://u@h/d?password=s3cret")
        .arg("queue");
    let e = refused(run(c), &["数据库地址无效"]);
    assert!(!e.contains("s3cret"));
    // Bad URLs.
    refused(
        run(on("postgres://u@h/d?sslmode=prefer", &["check-db"])),
        &["数据库地址无效"],
    );
    refused(
        run({
            let mut c = bin(home.path());
            c.args(["office-init", "/tmp/not-a-url.sqlite3"]);
            c
        }),
        &["数据库地址无效", "postgres://"],
    );

    // No local backup of the server, without connecting at all.
    let out = home.path().join("copy.sqlite3");
    refused(
        run(on(
            "postgres://counterdesk_app@127.0.0.1:1/nowhere",
            &["backup", "--out", &out.display().to_string()],
        )),
        &["工作台本机备份", "办公室服务器", "pg_dump"],
    );
    assert!(!out.exists());

    // The schema changes only through office-init.
    refused(
        run(on(&url, &["migrate"])),
        &["office-init", "未做任何修改"],
    );

    // reset-admin needs the server's administrator, not the workstation role.
    let o = run_with_stdin(
        on(&url, &["reset-admin"]),
        "Neu-Passwort-2026\nNeu-Passwort-2026\n",
    );
    refused(o, &["超级用户", "未做任何修改"]);
}

#[test]
fn reset_admin_as_the_servers_administrator_is_audited() {
    let Some(db) = pg::test_db("cli_reset") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let url = db.app_url();
    let mut c = bin(home.path());
    c.args(["--db", &url, "demo-data", "--registrations", "1"]);
    ok(run(c));
    let before: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM counterdesk.audit_log", &[])
        .unwrap()
        .get(0);
    let mut c = bin(home.path());
    c.args(["--db", &admin_url(&db), "reset-admin", "--user", "admin"]);
    let out = ok(run_with_stdin(c, "Neu-Passwort-2026\nNeu-Passwort-2026\n"));
    assert!(out.contains("已为管理员"), "{out}");
    let after: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM counterdesk.audit_log", &[])
        .unwrap()
        .get(0);
    assert!(after > before);
    let mut c = bin(home.path());
    c.args(["--db", &url, "verify-audit"]);
    assert!(ok(run(c)).starts_with("OK "));
}

#[test]
fn migrate_on_a_file_reports_its_version() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("m.sqlite3");
    let mut c = bin(home.path());
    c.args(["--db", &file.display().to_string(), "migrate"]);
    let o = run(c);
    assert_eq!(o.status.code(), Some(2), "a missing file is not created");
    assert!(!file.exists());
    drop(counterdesk::store::Store::open(&file).unwrap());
    let mut c = bin(home.path());
    c.args(["--db", &file.display().to_string(), "migrate"]);
    let out = ok(run(c));
    assert!(
        out.contains(&format!("已是版本 {LATEST_VERSION}，无需升级")),
        "{out}"
    );
}
