//! Thin entry point: no subcommand opens the window; subcommands do headless work.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use counterdesk::app::runtime::logging;
use counterdesk::app::runtime::paths::DbChoice;
use counterdesk::cli;

#[derive(Parser, Debug)]
#[command(name = "counterdesk", version, about = "车管所面签工作台 CounterDesk")]
struct Cli {
    /// SQLite database file (default: the platform data directory), or the
    /// office server as postgres://counterdesk_app@host[:port]/dbname.
    /// COUNTERDESK_DB may hold the same. Never a password: use a PGPASSFILE.
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<OsString>,
    /// Open a throwaway demo database with sample clerks.
    #[arg(long)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Verify the audit log's hash chain: prints `OK <rows>` or names the first broken row.
    VerifyAudit(VerifyArgs),
    /// Print the audit chain head as an anchor token (`CDANCHOR1 seq=N hash=…`) to keep off the PC.
    AuditAnchor(AnchorArgs),
    /// Unlock or reset an administrator (needs file access to the database, or the server's administrator role; audited).
    ResetAdmin(ResetAdminArgs),
    /// Check identity-document numbers (arguments, or one per line from stdin).
    CheckId(DocArgs),
    /// Check unified social credit codes and organisation codes.
    CheckCode(DocArgs),
    /// Check mobile and landline numbers.
    CheckPhone(DocArgs),
    /// Check applicant photos against the e-licence photo spec.
    CheckPhoto(PhotoArgs),
    /// List 面签 registrations (numbers masked).
    Registrations(RegistrationsArgs),
    /// Reprint the receipt PDF of one registration.
    Receipt(ReceiptArgs),
    /// Fill a database (--db, required) with synthetic demo data.
    DemoData(DemoDataArgs),
    /// Print a page of the review queue (document numbers masked) and its counts.
    Queue(QueueArgs),
    /// Full integrity check of the database file (read-only; start-up checks only files ≤ 8 MiB).
    CheckDb,
    /// Import a batch of applications (JSON Lines); all or nothing.
    Import(ImportArgs),
    /// Export decisions, registrations, audit rows and notices not yet exported.
    Export(ExportArgs),
    /// Check every export in a folder tree (hashes, signature, no extra files): exit 0 intact, 1 not, 2 none found.
    VerifyExport(VerifyExportArgs),
    /// Copy the database (online backup, safe while windows are open) and check the copy.
    Backup(BackupArgs),
    /// Prepare or upgrade a database on the office PostgreSQL server (as its administrator; idempotent).
    OfficeInit(OfficeInitArgs),
    /// Without --from/--to: bring a database file to this version's schema (the office
    /// server: office-init does it). With --from FILE --to URL: copy one workstation's
    /// SQLite file into the office server (all or nothing; the file is not changed).
    Migrate(MigrateArgs),
}

#[derive(Args, Debug)]
struct OfficeInitArgs {
    /// The server as its administrator: postgres://postgres@host[:port]/dbname
    /// (password from the passfile or a prompt, never in the URL).
    url: String,
    /// Also set the workstation role's password (typed twice on a terminal,
    /// or two lines on stdin).
    #[arg(long)]
    set_app_password: bool,
}

#[derive(Args, Debug)]
struct MigrateArgs {
    /// The workstation's database file to move into the office (opened read-only).
    #[arg(long, value_name = "FILE", requires = "to")]
    from: Option<PathBuf>,
    /// The office server as its superuser, as for office-init: postgres://postgres@host/db.
    #[arg(long, value_name = "URL", requires = "from")]
    to: Option<String>,
    /// Give a clerk another user name on the server (repeatable): OLD=NEW.
    #[arg(long, value_name = "OLD=NEW", value_parser = cli::office_migrate::parse_rename, requires = "from")]
    rename_clerk: Vec<(String, String)>,
}

#[derive(Args, Debug)]
struct BackupArgs {
    /// The backup file to create (must not exist).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// The batch file (photos beside it, named by SHA-256).
    file: PathBuf,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// Folder (e.g. on the USB stick) to create the export folder in.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct VerifyExportArgs {
    /// An export folder, or a folder tree holding exports at any depth.
    dir: PathBuf,
    /// The workstation's public key (hex) the receiver has on file.
    #[arg(long, value_name = "HEX")]
    key: Option<String>,
}

#[derive(Args, Debug)]
struct RegistrationsArgs {
    /// Registration number, exact document number / company code, or name prefix.
    #[arg(long)]
    search: Option<String>,
    /// Page number, from 0 (50 rows a page).
    #[arg(long, default_value_t = 0)]
    page: usize,
    /// Print one JSON object per registration.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ReceiptArgs {
    /// Registration number, e.g. MQ-20261123-0001.
    reg_no: String,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct DemoDataArgs {
    /// Number of synthetic 面签 registrations to add.
    #[arg(long, value_name = "N")]
    registrations: Option<usize>,
    /// Number of synthetic review applications to add.
    #[arg(long, value_name = "N")]
    applications: Option<u64>,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 20261123)]
    seed: u64,
    /// Write the applications as an import batch to FILE instead of a database.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct QueueArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// pending, in-review, due-today, overdue, approved or returned.
    #[arg(long, default_value = "pending", value_parser = cli::queue::parse_filter)]
    filter: counterdesk::domain::review::Scope,
    /// Application number, exact document number, or the start of a name.
    #[arg(long)]
    search: Option<String>,
    /// Rows to print.
    #[arg(long, default_value_t = 20)]
    limit: u32,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// Receipts, export manifests or anchor files (or folders of them) whose
    /// recorded chain heads the database must still contain.
    #[arg(long, value_name = "FILE_OR_DIR")]
    anchor: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct ResetAdminArgs {
    /// The administrator's user name (needed when there are several).
    #[arg(long)]
    user: Option<String>,
}

#[derive(Args, Debug)]
struct AnchorArgs {
    /// Also write the anchor to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct DocArgs {
    /// Numbers to check; none means one per line from standard input.
    inputs: Vec<String>,
    /// Print one JSON object per input.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct PhotoArgs {
    /// Photo files (JPEG or PNG).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print one JSON object per file.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let window = cli.command.is_none();
    let _log_guard = logging::init(window);
    let choice = match DbChoice::from_arg_or_env(cli.db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    let result = run(cli.command, choice, cli.demo);
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // The Chinese sentence first; the technical causes (English OS or
            // SQLite words) on their own line for IT.
            eprintln!("错误：{}", cli::error_sentence(&err));
            let causes: Vec<String> = err.chain().skip(1).map(ToString::to_string).collect();
            if !causes.is_empty() {
                eprintln!("详情：{}", causes.join("；"));
            }
            ExitCode::from(2)
        }
    }
}

fn run(command: Option<Command>, choice: Option<DbChoice>, demo: bool) -> anyhow::Result<u8> {
    match command {
        None => {
            let dir = logging::log_dir();
            let notice = logging::crash_notice(&logging::take_crash_reports(&dir));
            logging::install_panic_hook(dir);
            counterdesk::ui::run_window(choice, demo, notice).map(|()| 0)
        }
        Some(Command::VerifyAudit(a)) => {
            cli::audit::verify(choice, &a.anchor, &mut io::stdout().lock())
        }
        Some(Command::ResetAdmin(a)) => {
            cli::recovery::reset_admin(choice, a.user.as_deref(), &mut io::stdout().lock())
        }
        Some(Command::AuditAnchor(a)) => {
            cli::audit::anchor(choice, a.out.as_deref(), &mut io::stdout().lock())
        }
        Some(Command::CheckId(a)) => run_docs(cli::docs::DocCommand::Id, a),
        Some(Command::CheckCode(a)) => run_docs(cli::docs::DocCommand::Code, a),
        Some(Command::CheckPhone(a)) => run_docs(cli::docs::DocCommand::Phone, a),
        Some(Command::CheckPhoto(a)) => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            cli::photo::run(&a.files, a.json, &mut out).and_then(|code| {
                out.flush()?;
                Ok(code)
            })
        }
        Some(Command::Registrations(a)) => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            cli::registrations::list(choice, a.search.as_deref(), a.page, a.json, &mut out)
                .and_then(|code| {
                    out.flush()?;
                    Ok(code)
                })
        }
        Some(Command::Receipt(a)) => cli::registrations::receipt(choice, &a.reg_no, &a.out),
        Some(Command::DemoData(a)) => run_demo_data(choice, a),
        Some(Command::Queue(a)) => run_queue(choice, a),
        Some(Command::CheckDb) => cli::check_db::run(choice, &mut io::stdout().lock()),
        Some(Command::Import(a)) => {
            cli::exchange::import(choice, &a.file, &mut io::stdout().lock())
        }
        Some(Command::Export(a)) => {
            cli::exchange::run_export(choice, &a.out, &mut io::stdout().lock())
        }
        Some(Command::VerifyExport(a)) => {
            cli::exchange::verify_export(&a.dir, a.key.as_deref(), &mut io::stdout().lock())
        }
        Some(Command::Backup(a)) => cli::exchange::backup(choice, &a.out, &mut io::stdout().lock()),
        Some(Command::OfficeInit(a)) => {
            cli::office::office_init(&a.url, a.set_app_password, &mut io::stdout().lock())
        }
        Some(Command::Migrate(MigrateArgs {
            from: Some(from),
            to: Some(to),
            rename_clerk,
        })) => cli::office_migrate::migrate(
            &from,
            &to,
            rename_clerk,
            &mut io::stdout().lock(),
            &mut io::stderr().lock(),
        ),
        Some(Command::Migrate(_)) => cli::office::migrate(choice, &mut io::stdout().lock()),
    }
}

fn run_docs(cmd: cli::docs::DocCommand, a: DocArgs) -> anyhow::Result<u8> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let code = cli::docs::run(cmd, &a.inputs, a.json, &mut input, &mut out)?;
    out.flush()?;
    Ok(code)
}

fn run_demo_data(db: Option<DbChoice>, a: DemoDataArgs) -> anyhow::Result<u8> {
    if let Some(file) = &a.out {
        let n = a.applications.unwrap_or(1000);
        return cli::exchange::demo_batch(file, n, a.seed, &mut io::stdout().lock());
    }
    // Never fill the clerk's real database by accident: the path must be given.
    let db = db.ok_or_else(|| anyhow::anyhow!("请用 --db 指定要填充演示数据的数据库文件"))?;
    let target = cli::db::Db::resolve(Some(db.clone()))?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if a.applications.is_none() && a.registrations.is_none() {
        writeln!(
            out,
            "未指定要生成的数据，例如 --applications 1000 或 --registrations 1000"
        )?;
        return Ok(2);
    }
    if let Some(n) = a.registrations {
        cli::registrations::demo_data(Some(db.clone()), Some(n))?;
    }
    match a.applications {
        Some(n) => cli::queue::run_demo_data(&target, n, a.seed, &mut out),
        None => Ok(0),
    }
}

fn run_queue(db: Option<DbChoice>, a: QueueArgs) -> anyhow::Result<u8> {
    let db = cli::db::Db::resolve(db)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = cli::queue::run_queue(
        &db,
        a.json,
        a.filter,
        a.search.as_deref(),
        a.limit,
        &mut out,
    )?;
    out.flush()?;
    Ok(code)
}
