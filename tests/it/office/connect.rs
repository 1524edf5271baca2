//! Connecting as a workstation: TLS modes, where the password comes from,
//! and the limits every session starts with.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use counterdesk::store::postgres::{Connector, OfficeError, Prompt, Target};
use postgres::Client;
use postgres::error::SqlState;

use super::{code, pg};

fn ssl_in_use(client: &mut Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0)
}

fn connect(url: &str, prompt: Prompt) -> Result<Client, OfficeError> {
    Connector::new(Target::parse(url).unwrap(), prompt)?.connect()
}

#[test]
fn tls_verify_full_require_and_disable() {
    let Some(db) = pg::test_db("tls") else {
        return;
    };
    let base = db.app_url();
    let ca = pg::ca_file();
    let ca = ca.display();
    let mut c = connect(
        &format!("{base}&sslmode=verify-full&sslrootcert={ca}"),
        Prompt::Never,
    )
    .unwrap();
    assert!(ssl_in_use(&mut c));
    // The certificate names both the address and the host name.
    let by_name = base.replace("@127.0.0.1:", "@localhost:");
    let mut c = connect(
        &format!("{by_name}&sslmode=verify-full&sslrootcert={ca}"),
        Prompt::Never,
    )
    .unwrap();
    assert!(ssl_in_use(&mut c));
    let mut c = connect(&format!("{base}&sslmode=require"), Prompt::Never).unwrap();
    assert!(ssl_in_use(&mut c));
    let mut c = connect(&base, Prompt::Never).unwrap();
    assert!(!ssl_in_use(&mut c));

    // A server whose certificate another CA signed is refused.
    let other = pg::other_ca_file();
    let e = connect(
        &format!("{base}&sslmode=verify-full&sslrootcert={}", other.display()),
        Prompt::Never,
    )
    .err()
    .unwrap();
    assert!(matches!(e, OfficeError::Connect { .. }), "{e:?}");
    assert!(e.to_string().contains("证书"), "{e}");
    let detail = e.technical().unwrap();
    assert!(detail.to_lowercase().contains("certificate"), "{detail}");
}

#[test]
fn every_session_starts_with_its_limits_and_the_schema() {
    let Some(db) = pg::test_db("limits") else {
        return;
    };
    let mut c = connect(
        &format!("{}&statement_timeout=1&keepalives_idle=7", db.app_url()),
        Prompt::Never,
    )
    .unwrap();
    for (setting, want) in [
        ("statement_timeout", "1s"),
        ("idle_in_transaction_session_timeout", "1min"),
        ("search_path", "counterdesk"),
        ("TimeZone", "UTC"),
        ("tcp_keepalives_idle", "7"),
        ("tcp_keepalives_interval", "5"),
        ("tcp_keepalives_count", "3"),
        ("application_name", "counterdesk"),
    ] {
        let got: String = c
            .query_one(format!("SHOW {setting}").as_str(), &[])
            .unwrap()
            .get(0);
        assert_eq!(got, want, "{setting}");
    }
    // And the limit is enforced, not only shown.
    let e = c.batch_execute("SELECT pg_sleep(5)").unwrap_err();
    assert_eq!(code(&e), SqlState::QUERY_CANCELED);
}

#[test]
fn the_password_comes_from_the_passfile_or_a_prompt_only_when_the_server_asks() {
    let Some(db) = pg::test_db("password") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url_with = |passfile: &std::path::Path| {
        let base = db.app_url();
        let (head, _) = base.split_once("?passfile=").unwrap();
        format!("{head}?passfile={}", passfile.display())
    };
    let write = |name: &str, text: &str, mode: u32| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        p
    };
    let empty = write("empty", "", 0o600);

    // No password anywhere and nobody to ask: a sentence naming the user.
    let e = connect(&url_with(&empty), Prompt::Never).err().unwrap();
    assert!(matches!(e, OfficeError::PasswordNeeded { .. }), "{e:?}");
    assert!(e.to_string().contains("counterdesk_app"), "{e}");

    // A file others may read is ignored, and the message says why.
    let open = write(
        "open",
        &format!("*:*:*:counterdesk_app:{}\n", pg::APP_PASSWORD),
        0o644,
    );
    let e = connect(&url_with(&open), Prompt::Never).err().unwrap();
    #[cfg(unix)]
    assert!(e.to_string().contains("chmod 600"), "{e}");
    let _ = e;

    // The prompt runs when the server asks, once; reconnects reuse it.
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let connector = Connector::new(
        Target::parse(&url_with(&empty)).unwrap(),
        Prompt::With(Box::new(move |shown: &str, user: &str| {
            counter.fetch_add(1, Ordering::SeqCst);
            assert!(shown.starts_with("办公室服务器 127.0.0.1:"), "{shown}");
            assert_eq!(user, "counterdesk_app");
            Ok(pg::APP_PASSWORD.to_owned())
        })),
    )
    .unwrap();
    connector.connect().unwrap();
    connector.connect().unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    // A server that asks for nothing (trust) is never prompted for.
    let never = Arc::new(AtomicUsize::new(0));
    let counter = never.clone();
    let admin = Connector::new(
        db.admin_target(),
        Prompt::With(Box::new(move |_: &str, _: &str| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(String::new())
        })),
    )
    .unwrap();
    admin.connect().unwrap();
    assert_eq!(never.load(Ordering::SeqCst), 0);

    // A wrong password: said plainly, and never repeated back.
    let wrong = write("wrong", "*:*:*:counterdesk_app:Wrong-Secret-99\n", 0o600);
    let e = connect(&url_with(&wrong), Prompt::Never).err().unwrap();
    assert!(e.to_string().contains("用户名或密码错误"), "{e}");
    let all = format!("{e} {e:?} {}", e.technical().unwrap_or_default());
    assert!(!all.contains("Wrong-Secret-99"), "{all}");
}
