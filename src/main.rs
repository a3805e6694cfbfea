//! The solex command line: serve the portal, migrate, and manage accounts.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("solex: {e}");
            ExitCode::FAILURE
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
        Command::User(UserCommand::Add { admin, name, email }) => {
            let mut conn = db::establish(&config.database()?)?;
            db::run_migrations(&mut conn)?;
            let link = services::accounts::add_user_from_console(&mut conn, &config.base_url, &email, name.as_deref(), admin)
                .map_err(|e| match e {
                    solex::AppError::Validation(f) => f.into_values().collect::<Vec<_>>().join(" "),
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
    let server = solex::server(state, listener)?;
    actix_web::rt::System::new().block_on(server)?;
    Ok(())
}
