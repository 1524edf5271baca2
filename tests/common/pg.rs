//! Throwaway PostgreSQL clusters for the office-server tests.
//!
//! - Binaries: the directory in `COUNTERDESK_PG_BIN` if set, else
//!   `initdb`/`pg_ctl` on PATH, else the newest `/usr/lib/postgresql/*/bin`. As root they run as the `postgres` user
//!   through `runuser` (initdb refuses root).
//! - One shared cluster per test binary ([`shared`]), started by the first
//!   test that asks: loopback only, a free port (retried), `-l logfile`
//!   (without it the postmaster keeps our pipes open), `fsync=off`, TLS on
//!   with the test certificates, scram-sha-256 for every role but
//!   `postgres`. It holds a template database on which office-init ran;
//!   each test gets `CREATE DATABASE … TEMPLATE` ([`test_db`]) and a guard
//!   that drops it, even when the test panics.
//! - Statics are never dropped, so a watchdog shell outlives the test
//!   process and stops the cluster and removes its directory once the
//!   process is gone (also after `kill -9`).
//! - A test that stops the server owns its own [`Cluster`], stopped and
//!   removed on drop.
//! - No binaries: the tests return early after one loud message on stderr,
//!   unless `COUNTERDESK_REQUIRE_PG=1` (CI), which makes it a failure.

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use counterdesk::store::postgres::{Connector, Prompt, Target, office_init, set_app_password};
use postgres::{Client, NoTls};

/// The workstation role's password on every test cluster.
pub const APP_PASSWORD: &str = "Counter-Test-2026";
const TEMPLATE: &str = "cd_template";
pub const REQUIRE_ENV: &str = "COUNTERDESK_REQUIRE_PG";
/// Overrides where the server binaries are (a dev machine's own build).
pub const BIN_ENV: &str = "COUNTERDESK_PG_BIN";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pg-tls")
        .join(name)
}

pub fn ca_file() -> PathBuf {
    fixture("ca.crt")
}

pub fn other_ca_file() -> PathBuf {
    fixture("other-ca.crt")
}

/// Where `initdb` and `pg_ctl` live, if anywhere.
fn find_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(BIN_ENV) {
        let dir = PathBuf::from(dir);
        return (dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()).then_some(dir);
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("initdb"))
            .find(|p| p.is_file())
    });
    if let Some(initdb) = on_path {
        // A symlink into the versioned directory: pg_ctl and postgres sit
        // beside the real file.
        let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = real.parent().filter(|d| d.join("pg_ctl").is_file()) {
            return Some(dir.to_path_buf());
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Says loudly that the office tests did not run (once per binary), or
/// fails when CI asked for them.
fn skip(reason: &str) {
    if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
        panic!("{REQUIRE_ENV}=1 but the office-server tests cannot run: {reason}");
    }
    static SAID: OnceLock<()> = OnceLock::new();
    SAID.get_or_init(|| {
        // Straight to the process's stderr: libtest captures eprintln!.
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPING the office-server (PostgreSQL) tests: {reason}. \
             Install the server binaries (Debian: apt-get install postgresql-15), \
             or set {REQUIRE_ENV}=1 to make this a failure. ***\n"
        );
    });
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One running cluster.
pub struct Cluster {
    pub root: PathBuf,
    data: PathBuf,
    pub port: u16,
    bin: PathBuf,
    as_root: bool,
    server_opts: String,
    /// Stopped and removed on drop (a test's own cluster).
    owned: bool,
    /// Stops the cluster once the test process is gone.
    watchdog: Option<Child>,
}

impl Cluster {
    /// Starts a new cluster; `None` (after [`skip`]) without binaries.
    /// `durable_commits` turns synchronous_commit on, so a committed
    /// transaction survives `stop -m immediate` (fsync stays off: the OS
    /// page cache outlives the server process).
    pub fn start(owned: bool, durable_commits: bool) -> Option<Cluster> {
        Self::start_with(owned, durable_commits, false)
    }

    /// As a hall's server runs: every commit flushed to disk (fsync,
    /// full-page writes and synchronous commit on), for the benches.
    pub fn start_durable(owned: bool) -> Option<Cluster> {
        Self::start_with(owned, true, true)
    }

    fn start_with(owned: bool, durable_commits: bool, fsync: bool) -> Option<Cluster> {
        if !cfg!(unix) {
            skip("the test harness runs clusters on Unix only");
            return None;
        }
        let Some(bin) = find_bin_dir() else {
            skip(&format!(
                "no initdb/pg_ctl in ${BIN_ENV}, on PATH or under /usr/lib/postgresql/*/bin"
            ));
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!(
            "cdpg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&root).unwrap();
        let as_root = is_root();
        let mut c = Cluster {
            data: root.join("data"),
            root,
            port: 0,
            bin,
            as_root,
            server_opts: String::new(),
            owned,
            watchdog: None,
        };
        c.give_to_postgres(&c.root.clone());
        c.initdb();
        c.write_config(durable_commits, fsync);
        c.watchdog = Some(c.spawn_watchdog());
        c.start_with_port_retries();
        Some(c)
    }

    fn cmd(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        let mut c = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.stdin(Stdio::null());
        c
    }

    #[cfg(unix)]
    fn give_to_postgres(&self, path: &Path) {
        if !self.as_root {
            return;
        }
        let id = |flag: &str| -> u32 {
            let out = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .unwrap();
            assert!(out.status.success(), "no postgres user to run initdb as");
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
        };
        std::os::unix::fs::chown(path, Some(id("-u")), Some(id("-g"))).unwrap();
    }

    #[cfg(not(unix))]
    fn give_to_postgres(&self, _path: &Path) {}

    fn initdb(&self) {
        let log = std::fs::File::create(self.root.join("initdb.log")).unwrap();
        let status = self
            .cmd("initdb")
            .arg("-D")
            .arg(&self.data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "initdb failed: {}",
            std::fs::read_to_string(self.root.join("initdb.log")).unwrap_or_default()
        );
    }

    /// TLS files and pg_hba.conf beside the data directory; the server
    /// options except the port.
    fn write_config(&mut self, durable_commits: bool, fsync: bool) {
        for name in ["server.crt", "server.key"] {
            let to = self.root.join(name);
            std::fs::copy(fixture(name), &to).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            self.give_to_postgres(&to);
        }
        let hba = self.root.join("pg_hba.conf");
        std::fs::write(
            &hba,
            "local all all trust\n\
             host all postgres 127.0.0.1/32 trust\n\
             host all all 127.0.0.1/32 scram-sha-256\n",
        )
        .unwrap();
        let root = self.root.display();
        self.server_opts = format!(
            "-k {root} -c listen_addresses=127.0.0.1 -c fsync={f} -c full_page_writes={f} \
             -c synchronous_commit={} -c hba_file={root}/pg_hba.conf -c ssl=on \
             -c ssl_cert_file={root}/server.crt -c ssl_key_file={root}/server.key \
             -c max_connections=200",
            if durable_commits { "on" } else { "off" },
            f = if fsync { "on" } else { "off" }
        );
    }

    fn spawn_watchdog(&self) -> Child {
        let runas = if self.as_root {
            "runuser -u postgres -- "
        } else {
            ""
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {runas}{pg_ctl} -D {data} -m immediate -w -s stop; rm -rf {root}",
            pid = std::process::id(),
            pg_ctl = sh_quote(&self.bin.join("pg_ctl").display().to_string()),
            data = sh_quote(&self.data.display().to_string()),
            root = sh_quote(&self.root.display().to_string()),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    fn start_with_port_retries(&mut self) {
        for _ in 0..5 {
            // Bind to port 0, drop the listener, start: another process may
            // take the port in between, hence the retries.
            self.port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            if self.pg_ctl_start() {
                return;
            }
        }
        panic!("pg_ctl start failed 5 times; log:\n{}", self.log_tail());
    }

    fn pg_ctl_start(&self) -> bool {
        self.cmd("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(self.root.join("log"))
            .args(["-s", "-w", "-t", "120", "-o"])
            .arg(format!("-p {} {}", self.port, self.server_opts))
            .arg("start")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.root.join("log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// `pg_ctl stop -m MODE` (immediate = like a crash).
    pub fn stop(&self, mode: &str) {
        let ok = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", mode, "-w", "-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pg_ctl stop failed:\n{}", self.log_tail());
    }

    /// Starts the stopped cluster again on the same port.
    pub fn restart(&self) {
        assert!(self.pg_ctl_start(), "restart failed:\n{}", self.log_tail());
    }

    /// A superuser connection (trust on loopback).
    pub fn admin(&self, db: &str) -> Client {
        postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user("postgres")
            .dbname(db)
            .connect(NoTls)
            .unwrap_or_else(|e| panic!("admin connect to {db}: {e:?}\n{}", self.log_tail()))
    }

    pub fn admin_target(&self, db: &str) -> Target {
        Target::parse(&format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)).unwrap()
    }

    /// The workstation's URL for `db`, its password in a 0600 passfile.
    pub fn app_url(&self, db: &str) -> String {
        format!(
            "postgres://counterdesk_app@127.0.0.1:{}/{db}?passfile={}",
            self.port,
            self.passfile().display()
        )
    }

    pub fn app_target(&self, db: &str) -> Target {
        Target::parse(&self.app_url(db)).unwrap()
    }

    /// A workstation connection, through the library's connector.
    pub fn app(&self, db: &str) -> Client {
        Connector::new(self.app_target(db), Prompt::Never)
            .unwrap()
            .connect()
            .unwrap_or_else(|e| panic!("app connect to {db}: {e} {:?}", e.technical()))
    }

    fn passfile(&self) -> PathBuf {
        let path = self.root.join("pgpass");
        if !path.exists() {
            let tmp = self.root.join(format!("pgpass.{}", std::process::id()));
            std::fs::write(
                &tmp,
                format!(
                    "127.0.0.1:*:*:counterdesk_app:{APP_PASSWORD}\n\
                     localhost:*:*:counterdesk_app:{APP_PASSWORD}\n"
                ),
            )
            .unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let _ = std::fs::rename(&tmp, &path);
        }
        path
    }

    /// Creates `db` (empty) and runs office-init in it.
    pub fn init_db(&self, db: &str) -> counterdesk::store::postgres::InitReport {
        self.admin("postgres")
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .unwrap();
        let mut admin = self.admin(db);
        let report = office_init(&mut admin, &self.admin_target(db)).unwrap();
        set_app_password(&mut admin, &self.admin_target(db), APP_PASSWORD).unwrap();
        report
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.owned {
            let _ = self
                .cmd("pg_ctl")
                .arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "-s", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = std::fs::remove_dir_all(&self.root);
            if let Some(mut w) = self.watchdog.take() {
                let _ = w.kill();
                let _ = w.wait();
            }
        }
    }
}

/// The binary's shared cluster with its office-init'ed template database.
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let c = Cluster::start(false, false)?;
            c.init_db(TEMPLATE);
            // CREATE DATABASE … TEMPLATE fails while anyone is connected to
            // the template: init_db's connections are closed by now.
            Some(c)
        })
        .as_ref()
}

/// A database that is dropped with its guard.
pub struct TestDb {
    pub name: String,
    pub cluster: &'static Cluster,
}

fn unique(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("t{}_{label}", N.fetch_add(1, Ordering::Relaxed))
}

/// A copy of the template (migrated, granted) on the shared cluster.
/// Database-level privileges are not copied by TEMPLATE, so office-init runs
/// again (idempotent; it only re-asserts privileges).
pub fn test_db(label: &str) -> Option<TestDb> {
    let cluster = shared()?;
    let name = unique(label);
    cluster
        .admin("postgres")
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .unwrap();
    let db = TestDb { name, cluster };
    office_init(&mut db.admin(), &db.admin_target()).unwrap();
    Some(db)
}

/// An empty database on the shared cluster (office-init never ran in it).
pub fn empty_db(label: &str) -> Option<TestDb> {
    let cluster = shared()?;
    let name = unique(label);
    cluster
        .admin("postgres")
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    Some(TestDb { name, cluster })
}

impl TestDb {
    pub fn admin(&self) -> Client {
        self.cluster.admin(&self.name)
    }

    pub fn admin_target(&self) -> Target {
        self.cluster.admin_target(&self.name)
    }

    pub fn app(&self) -> Client {
        self.cluster.app(&self.name)
    }

    pub fn app_url(&self) -> String {
        self.cluster.app_url(&self.name)
    }

    pub fn app_target(&self) -> Target {
        self.cluster.app_target(&self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // FORCE ends the test's own sessions too, also after a panic.
        let _ = self.cluster.admin("postgres").batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}
