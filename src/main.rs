//! The solex command line: serve the portal, migrate, and manage accounts.

use std::net::TcpListener;
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
    /// Apply pending database migrations and exit.
    Migrate,
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
    /// Knowledge pages as Markdown files with TOML front matter.
    #[command(subcommand)]
    Content(ContentCommand),
    /// The national registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
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
    /// Create or revise pages from DIR/*.md (default: the content_dir setting). Bad files are
    /// reported with their line and skipped.
    Import { dir: Option<PathBuf> },
    /// Write every page to DIR/SLUG.md.
    Export { dir: PathBuf },
    /// Add N published pages made from DIR/*.md (default: content_dir), for load tests and
    /// benchmarks; run `solex reindex` afterwards.
    Generate { n: usize, dir: Option<PathBuf> },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Read one RFC 5322 message on standard input (as an MTA pipe) and file it: a reply goes to
    /// the moderator queue, a bounce is counted, anything else is refused with a logged reason.
    /// Exits 75 (temporary failure) only when the database cannot be reached, so the MTA retries.
    Ingest {
        /// The envelope recipient (for example $ORIGINAL_RECIPIENT in Postfix).
        #[arg(long, env = "ORIGINAL_RECIPIENT")]
        recipient: Option<String>,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Send scheduled digests that are due and automatic digests, once (the server does this every minute).
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

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_target(false)
        .init();
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

const EX_TEMPFAIL: u8 = 75;

fn ingest_from_stdin(config: &Config, recipient: Option<String>) -> ExitCode {
    use std::io::Read;
    let mut raw = Vec::new();
    let limit = config.inbound_max_bytes as u64 * 2;
    if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut raw) {
        eprintln!("solex: cannot read the message: {e}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    let result = (|| -> Result<ingest::Outcome, solex::AppError> {
        let mut conn = db::establish(&config.database()?)?;
        let site = ingest::Site { domain: config.mail_domain.clone(), base_url: config.base_url.trim_end_matches('/').to_string(), bounce_threshold: config.bounce_threshold, explain: solex::views::i18n::english };
        ingest::ingest(&mut conn, &site, &config.attachments_dir, &raw, recipient.as_deref(), config.inbound_max_bytes)
    })();
    match result {
        Ok(outcome) => {
            println!("{}", match &outcome {
                ingest::Outcome::Refused(r) => format!("refused: {r}"),
                ingest::Outcome::Posted { post_id } => format!("accepted: post {post_id} is in the moderator queue"),
                other => other.label().to_string(),
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("solex: {e}");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => {
            let mut conn = db::establish(&config.database()?)?;
            let applied = db::run_migrations(&mut conn)?;
            if applied.is_empty() {
                println!("The database is up to date.");
            }
            for name in applied {
                println!("applied {name}");
            }
            Ok(())
        }
        Command::Mail(MailCommand::Ingest { .. }) => unreachable!("handled before"),
        Command::Reindex => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let dir = solex::search::current_dir(&config.index_dir);
            match solex::search::reindex(&config.index_dir, &mut conn)? {
                solex::search::Reindexed::Here { documents } => println!("{documents} documents indexed in {}", dir.display()),
                solex::search::Reindexed::ByHolder(holder) => println!("{holder} rebuilt its search index in {}", dir.display()),
            }
            Ok(())
        }
        Command::Content(ContentCommand::Import { dir }) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            let r = solex::content::import_dir(&mut conn, &dir)?;
            println!("{} created, {} updated, {} unchanged, {} with errors", r.created, r.updated, r.unchanged, r.errors.len());
            for (file, e) in &r.errors {
                println!("{}: {e}", dir.join(file).display());
            }
            if r.errors.is_empty() { Ok(()) } else { Err("some files were not imported".into()) }
        }
        Command::Content(ContentCommand::Generate { n, dir }) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let dir = dir.unwrap_or_else(|| config.content_dir.clone());
            solex::content::generate(&mut conn, &dir, n)?;
            println!("{n} pages generated from {}; run `solex reindex` next", dir.display());
            Ok(())
        }
        Command::Content(ContentCommand::Export { dir }) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let n = solex::content::export_dir(&mut conn, &dir)?;
            println!("{n} pages written to {}", dir.display());
            Ok(())
        }
        Command::Registry(cmd) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            match cmd {
                RegistryCommand::Export { kind, format } => {
                    use services::registry::{Filters, Kind};
                    let kind = Kind::from_code(&kind).ok_or_else(|| format!("unknown kind {kind}; use cluster, initiative, practice or agency"))?;
                    let rows = services::registry::csv::exported(&mut conn, kind, &Filters::default())?;
                    let base = config.base_url.trim_end_matches('/');
                    match format.as_str() {
                        "csv" => print!("{}", services::registry::csv::to_csv(kind, base, &rows)),
                        "json" => println!("{}", services::registry::csv::to_json(kind, base, &rows)),
                        other => return Err(format!("unknown format {other}; use csv or json").into()),
                    }
                }
                RegistryCommand::Remind => {
                    let n = services::registry::remind_overdue(&mut conn, config.base_url.trim_end_matches('/'), solex::models::now())?;
                    println!("{n} reminders queued; the server's sender delivers them.");
                }
            }
            Ok(())
        }
        Command::Digest(DigestCommand::Tick) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let n = services::digests::scheduler_tick(&mut conn, &config.mail_domain, solex::models::now())?;
            println!("{n} digests sent to the outbox; the server's sender delivers them.");
            Ok(())
        }
        Command::User(UserCommand::Add { admin, name, email }) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let link = services::accounts::add_user_from_console(&mut conn, &config.base_url, &email, name.as_deref(), admin)
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

fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(&config.bind)
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
    println!("solex is listening on {base_url} (database: {backend_note})");
    if !has_admin {
        println!(
            "No administrator yet. In another terminal run\n  cargo run --release -- user add --admin you@example.org\nand open the link it prints to choose your password."
        );
    }
    let server = solex::server(state.clone(), listener)?;
    // The server returns after SIGTERM or SIGINT (actix stops it gracefully); then each
    // background worker finishes its pass and commits, and the process exits 0.
    actix_web::rt::System::new().block_on(server)?;
    state.workers.stop(std::time::Duration::from_secs(20));
    tracing::info!("solex stopped");
    Ok(())
}
