//! The solex command line: serve the portal, migrate, and manage accounts.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use solex::services::ingest;
use solex::{db, services, Config};

#[derive(Parser)]
#[command(name = "solex", version, about = "Moderated knowledge exchange for MSME cluster development")]
struct Cli {
    /// Settings file (TOML). Default: ./solex.toml if present. SOLEX_* variables and
    /// DATABASE_URL override it.
    #[arg(long, global = true, env = "SOLEX_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default when no command is given).
    Serve,
    /// Apply pending database migrations and exit. Refused while a portal serves the database
    /// (it would run on a schema it does not know) unless --force.
    Migrate {
        /// Apply them even though portals serve the database.
        #[arg(long)]
        force: bool,
        /// List the migrations that would be applied, in order, and apply none.
        #[arg(long, conflicts_with = "force")]
        dry_run: bool,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Inbound mail.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Digests.
    #[command(subcommand)]
    Digest(DigestCommand),
    /// Rebuild the search index from the database. With no portal running it is built in a
    /// temporary folder and swapped in; a portal serving it is asked to rebuild it (and every
    /// other portal on the same database rebuilds its own), and this waits until it has.
    Reindex,
    /// Write a consistent copy of the database and the attachments into DIR (new or empty)
    /// while the portal serves: the native copy (SQLite's online backup, or pg_dump's custom
    /// format), every table as JSON lines, the attachments, and manifest.json with row counts
    /// and the sha256 of every file.
    Backup { dir: PathBuf },
    /// Restore the backup in DIR into an empty database and attachments folder: every checksum
    /// is checked first; then the data (into PostgreSQL or SQLite, whichever the backup came
    /// from), the attachments, newer migrations, and the search index rebuilt.
    Restore { dir: PathBuf },
    /// Knowledge pages as Markdown files with TOML front matter.
    #[command(subcommand)]
    Content(ContentCommand),
    /// The national registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Read the settings and try each for real (database, SMTP server, folders, base URL,
    /// secrets); print every problem and exit 1 if there is any, before the service starts.
    CheckConfig,
}

#[derive(Subcommand)]
enum RegistryCommand {
    /// Write every published record of a kind (cluster, initiative, practice, agency) as CSV
    /// or JSON to standard output.
    Export {
        kind: String,
        #[arg(long, default_value = "csv")]
        format: String,
    },
    /// Remind focal points of records not verified for a year, once (the server does this
    /// every minute).
    Remind,
}

#[derive(Subcommand)]
enum ContentCommand {
    /// Add pages from DIR/*.md (default: the content_dir setting) and the registry seed from
    /// DIR/registry/, and update what changed in its file but not on the portal since the last
    /// import; what changed on both sides stays as the portal has it and is listed for
    /// administrators. Bad files are reported with their line and skipped.
    Import {
        dir: Option<PathBuf>,
        /// Take the files' versions of changed pages anyway, each as a new revision.
        #[arg(long)]
        take_files: bool,
        /// Also load the demo community from DIR/demo/ (once per database; the server loads it
        /// by itself only on the embedded default database, or with the `demo` setting).
        #[arg(long)]
        demo: bool,
    },
    /// Write every page to DIR/SLUG.md.
    Export { dir: PathBuf },
    /// Add N published pages made from DIR/*.md (default: content_dir), for load tests and
    /// benchmarks; run `solex reindex` afterwards.
    Generate { n: usize, dir: Option<PathBuf> },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Read one RFC 5322 message on standard input (as an MTA pipe) and file it: a reply goes to
    /// the moderator queue, a bounce is counted, anything else is refused with its reason
    /// recorded. Every message is recorded; the exit code tells the MTA what to do: 0 filed
    /// (posted, held, counted, a duplicate, or refused with the sender told where that is
    /// safe); 67 (EX_NOUSER) the address is not one of the portal's, so the MTA bounces it; 65
    /// (EX_DATAERR) the message cannot be read; 75 (EX_TEMPFAIL) the database cannot be reached
    /// or stays busy, so the MTA retries; 70 (EX_SOFTWARE) the refusal could not be recorded.
    Ingest {
        /// The envelope recipient (for example $ORIGINAL_RECIPIENT in Postfix).
        #[arg(long, env = "ORIGINAL_RECIPIENT")]
        recipient: Option<String>,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Send scheduled digests that are due and automatic digests, and the day's notices
    /// (roundups, moderators' daily mail, urgent queries), once (the server does this every minute).
    Tick,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (or use an existing one) and print a one-time link to set its password.
    Add {
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Display name (default: the part of the address before @).
        #[arg(long)]
        name: Option<String>,
        email: String,
    },
}

fn json_logs() -> bool {
    std::env::var("SOLEX_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"))
}

/// A word to the person who started the portal: plain lines at a terminal, and in the log's
/// own format when the log is JSON (where every line must be one object).
fn say(text: &str) {
    if json_logs() {
        tracing::info!("{text}");
    } else {
        println!("{text}");
    }
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,actix_server=warn".into());
    // Read before the settings, which may fail to load and must be able to say so in the
    // format the operator's log collector expects.
    if json_logs() {
        // One JSON object a line, the event's fields at the top level, for a log search.
        tracing_subscriber::fmt().json().flatten_event(true).with_current_span(false).with_env_filter(filter).with_target(false).init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            // Colours only for a person at a terminal: an MTA puts this output in its log and in
            // the bounce it sends.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init();
    }
    let cli = Cli::parse();
    if let Some(Command::Mail(MailCommand::Ingest { recipient })) = &cli.command {
        return match Config::load(cli.config.as_deref()) {
            Ok(config) => ingest_from_stdin(&config, recipient.clone()),
            Err(e) => {
                eprintln!("solex: {e}");
                ExitCode::from(EX_TEMPFAIL)
            }
        };
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("solex: {e}");
            ExitCode::FAILURE
        }
    }
}

/// sysexits: try again later (the database cannot be reached); the portal failed on this
/// message and could not even record it (the MTA returns it to its sender); no such address
/// (the MTA bounces it: "user unknown"); the message is not readable mail.
const EX_TEMPFAIL: u8 = 75;
const EX_SOFTWARE: u8 = 70;
const EX_NOUSER: u8 = 67;
const EX_DATAERR: u8 = 65;

fn ingest_from_stdin(config: &Config, recipient: Option<String>) -> ExitCode {
    use std::io::Read;
    let mut stdin = std::io::stdin().lock();
    let mut raw = Vec::new();
    let max = config.inbound_max_bytes;
    // Up to one byte over the limit is kept; the rest of a larger message is only counted, and
    // read to its end so the MTA's pipe does not break.
    let size = match stdin.by_ref().take(max as u64 + 1).read_to_end(&mut raw).and_then(|n| Ok(n as u64 + std::io::copy(&mut stdin, &mut std::io::sink())?)) {
        Ok(size) => size,
        Err(e) => {
            eprintln!("solex: cannot read the message: {e}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    // A database a newer solex migrated is not written by this one: the MTA keeps the
    // message and retries until the newer solex (or the restored backup) is in place.
    let mut conn = match config.database().and_then(|url| db::establish(&url)).and_then(|mut c| db::serving::refuse_newer(&mut c).map(|()| c)) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("solex: {e}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    let site = ingest::Site { env: services::Env::from_config(config), bounce_threshold: config.bounce_threshold, explain: solex::views::i18n::english };
    let result = if size > max as u64 {
        ingest::refuse_oversized(&mut conn, &site, &raw, size, recipient.as_deref(), max)
    } else {
        ingest::ingest(&mut conn, &site, &raw, recipient.as_deref(), max)
    };
    match result {
        Ok(outcome) => {
            let english = solex::views::i18n::english;
            println!("{}", match (&outcome, outcome.reason()) {
                (ingest::Outcome::Posted { post_id }, _) => format!("accepted: post {post_id} is in the moderator queue"),
                (_, Some(why)) => format!("{}: {}", outcome.label(), english(why)),
                (other, None) => other.label().to_string(),
            });
            match outcome {
                ingest::Outcome::UnknownAddress(_) => ExitCode::from(EX_NOUSER),
                ingest::Outcome::Malformed(_) => ExitCode::from(EX_DATAERR),
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("solex: {e}");
            ExitCode::from(if e.is_temporary() { EX_TEMPFAIL } else { EX_SOFTWARE })
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate { dry_run: true, .. } => {
            let pending = db::serving::dry_run(&config.database()?)?;
            if pending.is_empty() {
                println!("none pending: the database is up to date.");
            } else {
                println!("{} pending, in the order `solex migrate` would apply them:", pending.len());
            }
            for name in pending {
                println!("pending {name}");
            }
            Ok(())
        }
        Command::Migrate { force, dry_run: false } => {
            let url = config.database()?;
            let mut conn = db::establish(&url)?;
            let applied = db::serving::migrate(&url, &mut conn, force, "solex migrate")?;
            if applied.is_empty() {
                println!("The database is up to date.");
            }
            for name in applied {
                println!("applied {name}");
            }
            Ok(())
        }
        Command::Mail(MailCommand::Ingest { .. }) => unreachable!("handled before"),
        Command::CheckConfig => {
            use services::system::Verdict;
            let checks = services::system::check_config(&config, || solex::mail::Mailer::from_config(&config)?.greet());
            for c in &checks {
                let mark = match c.verdict { Verdict::Ok => "ok     ", Verdict::Warning => "warning", Verdict::Problem => "PROBLEM" };
                println!("{mark} {}: {}", c.what, c.detail);
            }
            let problems = checks.iter().filter(|c| c.verdict == Verdict::Problem).count();
            if problems > 0 {
                return Err(format!("{problems} problem(s) to fix before starting the portal").into());
            }
            println!("The settings are ready for `solex serve`.");
            Ok(())
        }
        Command::Reindex => {
            let mut conn = connect(&config)?;
            let dir = solex::search::current_dir(&config.index_dir);
            match solex::search::reindex(&config.index_dir, &mut conn)? {
                solex::search::Reindexed::Here { documents } => println!("{documents} documents indexed in {}", dir.display()),
                solex::search::Reindexed::ByHolder(holder) => println!("{holder} rebuilt its search index in {}", dir.display()),
            }
            Ok(())
        }
        Command::Backup { dir } => {
            let b = services::backup::backup(&config, &dir)?;
            let m = &b.manifest;
            let rows: i64 = m.tables.values().sum();
            println!("Backup of the {} database written to {}: {} tables, {rows} rows, {} attachments, {} migrations.", m.backend, dir.display(), m.tables.len(), m.attachments().count(), m.migrations.len());
            Ok(())
        }
        Command::Restore { dir } => {
            let r = services::backup::restore(&config, &dir)?;
            for (table, n) in &r.tables {
                println!("{table}: {n} rows");
            }
            println!("Restored from {} ({} copy): {} tables, {} rows, {} attachments.", dir.display(), r.copy, r.tables.len(), r.tables.values().sum::<i64>(), r.attachments);
            for name in &r.migrations_applied {
                println!("applied {name}");
            }
            match r.documents_indexed {
                Some(n) => println!("{n} documents indexed in {}", solex::search::current_dir(&config.index_dir).display()),
                None => println!("the portal holding {} rebuilt its search index", config.index_dir.display()),
            }
            Ok(())
        }
        Command::Content(ContentCommand::Import { dir, take_files, demo }) => {
            let mut conn = connect(&config)?;
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            let mode = if take_files { solex::content::Mode::TakeFiles } else { solex::content::Mode::KeepPortal };
            let r = solex::content::import_dir_as(&mut conn, &dir, mode)?;
            println!("{} created, {} updated, {} unchanged, {} in conflict, {} with errors", r.created, r.updated, r.unchanged, r.conflicts.len(), r.errors.len());
            for (file, e) in &r.errors {
                println!("{}: {e}", dir.join(file).display());
            }
            if take_files {
                println!("{} pages changed to their file's version, each as a new revision", r.updated);
            }
            for file in &r.conflicts {
                println!("{}: changed here and on the portal; the portal's version stays (see /admin/content, or use --take-files)", dir.join(file).display());
            }
            if dir.join("registry").is_dir() {
                services::registry::seed_vocabularies(&mut conn)?;
                for (file, seed) in services::registry::import::import_seed_dir(&mut conn, &dir.join("registry"))? {
                    println!("{file}: {} created, {} updated, {} in conflict, {} problems", seed.created.len(), seed.updated.len(), seed.conflicts.len(), seed.problem_count());
                }
                let (added, problems) = services::registry::score_cards::import_seed(&mut conn, &dir.join("registry").join("score_cards.csv"))?;
                println!("registry/score_cards.csv: {added} score cards added, {} problems", problems.len());
                for (line, problem) in problems {
                    println!("registry/score_cards.csv:{line}: {problem}");
                }
            }
            if demo || config.demo == Some(true) {
                match solex::content::demo::load(&mut conn, &dir.join("demo"))? {
                    solex::content::demo::Outcome::Loaded { threads, pages } => println!("demo community loaded: {threads} threads, {pages} pages"),
                    solex::content::demo::Outcome::AlreadyLoaded => println!("demo community already loaded"),
                    solex::content::demo::Outcome::NoDemo => println!("{}: no demo community", dir.join("demo").display()),
                }
            }
            if r.errors.is_empty() { Ok(()) } else { Err("some files were not imported".into()) }
        }
        Command::Content(ContentCommand::Generate { n, dir }) => {
            let mut conn = connect(&config)?;
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            solex::content::generate(&mut conn, &dir, n)?;
            println!("{n} pages generated from {}; run `solex reindex` next", dir.display());
            Ok(())
        }
        Command::Content(ContentCommand::Export { dir }) => {
            let mut conn = connect(&config)?;
            let n = solex::content::export_dir(&mut conn, &dir)?;
            println!("{n} pages written to {}", dir.display());
            Ok(())
        }
        Command::Registry(cmd) => {
            let mut conn = connect(&config)?;
            match cmd {
                RegistryCommand::Export { kind, format } => {
                    use services::registry::{Filters, Kind};
                    let kind = Kind::from_code(&kind).ok_or_else(|| format!("unknown kind {kind}; use cluster, initiative, practice or agency"))?;
                    let rows = services::registry::csv::exported(&mut conn, kind, &Filters::default())?;
                    let env = services::Env::from_config(&config);
                    match format.as_str() {
                        "csv" => print!("{}", services::registry::csv::to_csv(kind, &env, &rows)),
                        "json" => println!("{}", services::registry::csv::to_json(kind, &env, &rows)),
                        other => return Err(format!("unknown format {other}; use csv or json").into()),
                    }
                }
                RegistryCommand::Remind => {
                    let n = services::registry::remind_overdue(&mut conn, &services::Env::from_config(&config), solex::models::now())?;
                    println!("{n} reminders queued; the server's sender delivers them.");
                }
            }
            Ok(())
        }
        Command::Digest(DigestCommand::Tick) => {
            let mut conn = connect(&config)?;
            let env = services::Env::from_config(&config);
            let n = services::digests::scheduler_tick(&mut conn, &env, solex::models::now())?;
            let notices = services::notify::daily_tick(&mut conn, &env, solex::models::now())?;
            println!("{n} digests and {notices} notices sent to the outbox; the server's sender delivers them.");
            Ok(())
        }
        Command::User(UserCommand::Add { admin, name, email }) => {
            let mut conn = connect(&config)?;
            let link = services::accounts::add_user_from_console(&mut conn, &services::Env::from_config(&config), &email, name.as_deref(), admin)
                .map_err(|e| match e {
                    solex::AppError::Validation(f) => f.values().map(|m| solex::views::Lang::En.strings().msg(m)).collect::<Vec<_>>().join(" "),
                    other => other.to_string(),
                })?;
            println!("{} {email}.", if admin { "Administrator ready:" } else { "Account ready:" });
            println!("Open this link within 72 hours to choose the password (it works once):\n\n  {link}\n");
            Ok(())
        }
    }
}

/// A connection for a maintenance command. Beside running portals these write in their own
/// transactions and leave the search index to the portals (through the search outbox), so
/// they may run; but migrations they would apply first are refused while a portal serves
/// (see db/serving.rs).
fn connect(config: &Config) -> Result<db::DbConn, solex::AppError> {
    let url = config.database()?;
    let mut conn = db::establish(&url)?;
    db::serving::migrate(&url, &mut conn, false, "this command")?;
    Ok(conn)
}

fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = solex::listen(&config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let base_url = config.base_url.clone();
    let backend_note = match config.database()? {
        db::DatabaseUrl::Sqlite(p) => format!("SQLite file {}", p.display()),
        db::DatabaseUrl::Postgres(_) => "PostgreSQL".to_string(),
    };
    let state = solex::build_state(config)?;
    let has_admin = {
        let mut conn = state.pool.get()?;
        services::accounts::has_admin(&mut conn)?
    };
    say(&format!("solex is listening on {base_url} (database: {backend_note})"));
    if !has_admin {
        say("No administrator yet. In another terminal run\n  cargo run --release -- user add --admin you@example.org\nand open the link it prints to choose your password.");
    }
    let server = solex::server(state.clone(), listener)?;
    // The server returns after SIGTERM or SIGINT (actix stops it gracefully); then each
    // background worker finishes its pass and commits, and the process exits 0.
    actix_web::rt::System::new().block_on(server)?;
    state.workers.stop(std::time::Duration::from_secs(20));
    tracing::info!("solex stopped");
    Ok(())
}
