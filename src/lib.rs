//! solex: a moderated knowledge-exchange portal for MSME cluster development.
//! `build_state` and `server` are shared by the binary and the tests, so both run the same app.

pub mod background;
pub mod config;
pub mod content;
pub mod db;
pub mod error;
pub mod mail;
pub mod markdown;
pub mod models;
pub mod paths;
pub mod search;
pub mod services;
pub mod tokens;
pub mod views;
pub mod vocab;
pub mod web;

use std::net::TcpListener;

use actix_web::middleware::{from_fn, Compress};
use actix_web::{web as aw, App, HttpServer};

pub use config::Config;
pub use error::AppError;
use web::AppState;

/// Opens the database (migrating it), prepares the folders and starts the background workers.
pub fn build_state(config: Config) -> Result<aw::Data<AppState>, AppError> {
    let url = config.database()?;
    // First of all, so a second portal on the same folder stops before it changes anything.
    let index_lock = search::IndexLock::acquire(&config.index_dir, search::Role::Serve)?;
    // The mail sender holds one connection per SMTP worker plus one for its recorder; requests,
    // the indexer and the scheduler need theirs beside them.
    let pool = db::pool(&url, config.pool_size + config.smtp_workers as u32 + 1)?;
    // Migrates only when no other portal serves the database, and holds the serving lock that
    // makes `solex migrate` refuse while this portal runs.
    let serving = {
        let mut conn = pool.get()?;
        db::serving::start_serving(&url, &mut conn)?
    };
    for dir in [&config.attachments_dir] {
        std::fs::create_dir_all(dir).map_err(|e| AppError::Config(format!("cannot create {}: {e}", dir.display())))?;
    }
    {
        // Before any content: pages and communities choose their themes and sectors from
        // these lists.
        let mut conn = pool.get()?;
        services::registry::seed_vocabularies(&mut conn)?;
    }
    if config.content_dir.is_dir() {
        let mut conn = pool.get()?;
        let report = content::import_dir(&mut conn, &config.content_dir)?;
        tracing::info!(created = report.created, updated = report.updated, unchanged = report.unchanged, conflicts = report.conflicts.len(), "content/ imported");
        for (file, error) in &report.errors {
            tracing::warn!("content/{file}: {error}");
        }
        for file in &report.conflicts {
            tracing::warn!("content/{file}: changed in the file and on the portal since the last import; the portal's version stays (administrators: /admin/content)");
        }
    }
    if content::demo::wanted(config.demo, &config.database_url) {
        let mut conn = pool.get()?;
        // The demo is a convenience: a problem with it is logged, never stops the portal.
        match content::demo::load(&mut conn, &config.content_dir.join("demo")) {
            Ok(content::demo::Outcome::Loaded { threads, pages }) => tracing::info!(threads, pages, "demo community loaded from content/demo (see README: demo)"),
            Ok(_) => {}
            Err(e) => tracing::warn!("content/demo: {e}"),
        }
    }
    {
        let mut conn = pool.get()?;
        let seed = config.content_dir.join("registry");
        if seed.is_dir() {
            for (file, report) in services::registry::import::import_seed_dir(&mut conn, &seed)? {
                if !report.created.is_empty() {
                    tracing::info!(created = report.created.len(), "{file} imported into the registry");
                }
                for slug in &report.conflicts {
                    tracing::warn!("{file}: row {slug} changed in the file and on the portal since the last import; the portal's version stays (administrators: /admin/content)");
                }
                for p in &report.problems {
                    tracing::warn!("{file}:{}:{}: {}", p.line, p.column, views::Lang::En.strings().msg(&p.message));
                }
            }
            let (added, problems) = services::registry::score_cards::import_seed(&mut conn, &seed.join("score_cards.csv"))?;
            if added > 0 {
                tracing::info!(added, "registry/score_cards.csv imported");
            }
            for (line, problem) in problems {
                tracing::warn!("registry/score_cards.csv:{line}: {problem}");
            }
        }
    }
    let search = {
        let mut conn = pool.get()?;
        search::SearchIndex::open_locked(index_lock, &mut conn)?
    };
    let mailer = mail::Mailer::from_config(&config)?;
    let identity = mail::Identity::from_config(&config)?;
    tracing::info!("mail is {}", mailer.describe());
    let journal = mail::Journal::open(&config.outbox_dir)?;
    let pages = web::page_cache::PageCache::default();
    let mut workers = background::Workers::default();
    let mail_wake = workers.add(background::mail_sender(pool.clone(), mailer, journal, identity, config.smtp_workers));
    let search_wake = workers.add(background::search_indexer(search.clone(), pool.clone()));
    let every = std::time::Duration::from_secs(config.scheduler_secs);
    let lease = std::time::Duration::from_secs(config.scheduler_lease_secs);
    let env = services::Env::from_config(&config);
    workers.add(background::scheduler(pool.clone(), env.clone(), mail_wake.clone(), every, lease));
    // Shared rate-limit buckets are kept as long as the longest window any limit uses.
    let keep = std::time::Duration::from_secs(config.login_window_secs.max(3600));
    workers.add(web::cluster::change_watch(pool.clone(), pages.shared_stamp(), keep));
    workers.start();
    Ok(aw::Data::new(AppState {
        backend: url.backend_name(),
        base_url: config.base_url.trim_end_matches('/').into(),
        env: std::sync::Arc::new(env),
        config,
        pool,
        mail_wake,
        metrics: Default::default(),
        limiter: Default::default(),
        passwords: Default::default(),
        search,
        search_wake,
        workers: std::sync::Arc::new(workers),
        pages,
        page_views: Default::default(),
        principals: Default::default(),
        standings: Default::default(),
        threads: Default::default(),
        // A list changes only by a write (the stamp) or from the command line (which bumps it
        // too), so its age limit bounds only a change stamp not read and the overdue marks,
        // which move by the day. Re-reading hundreds of kept lists (15 ms each) every half
        // minute took a core from readers often enough to show in their slowest 1%.
        registry_lists: web::page_cache::ViewCache::with_life(std::time::Duration::from_secs(300)),
        home: Default::default(),
        registry_pictures: Default::default(),
        terms: web::page_cache::ViewCache::with_life(std::time::Duration::from_secs(300)),
        serving,
    }))
}

/// Pending connections the kernel keeps for the portal. The standard library listens with
/// 128: a burst of more new visitors than that overflows the queue, and on Linux a connection
/// whose handshake was dropped there can be reset after its request was sent. 2048 is actix's
/// own default (the kernel caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: i32 = 2048;

/// A listening socket on `addr` ("host:port"; port 0 picks a free one).
pub fn listen(addr: &str) -> std::io::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let addr = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the address names no host"))?;
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    // A restarted portal binds again at once, while the old connections wait out TIME_WAIT.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    Ok(socket.into())
}

/// The HTTP server on an already bound listener (tests bind port 0).
pub fn server(state: aw::Data<AppState>, listener: TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let workers = state.config.workers;
    let static_dir = state.config.static_dir.clone();
    let head_timeout = std::time::Duration::from_secs(state.config.body_timeout_secs);
    let blocking_threads = (state.config.pool_size as usize).div_ceil(workers).max(2);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(aw::FormConfig::default().limit(256 * 1024))
            // Extractor failures become the portal's own errors, so the visitor gets the error
            // page in their language (or JSON under /api/) instead of the framework's bare text.
            // A path segment that does not parse names nothing that exists: 404.
            .app_data(aw::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(aw::QueryConfig::default().error_handler(|e, _| AppError::BadRequest(crate::error::Message::new("query-unreadable").arg("error", e.to_string())).into()))
            .wrap(from_fn(web::limits::body_deadline))
            .wrap(from_fn(web::visit::context))
            .wrap(Compress::default())
            .wrap(from_fn(web::observe))
            .service(
                actix_files::Files::new("/static", &static_dir)
                    .prefer_utf8(true)
                    .use_etag(true)
                    .use_last_modified(true),
            )
            .configure(web::routes)
            .default_service(aw::to(web::system::not_found))
    })
    .workers(workers)
    // Database work runs on each worker's blocking threads, one pooled connection each: more
    // threads than connections only queue on the pool's lock and wake one another (the uncached
    // page's profile spent a third of its time there), and each idle thread keeps memory.
    .worker_max_blocking_threads(blocking_threads)
    // The request head gets as long as a body does (actix's 5 s default): on a loaded machine
    // a worker may come to a connection later than that with its head already received, and
    // timing it out then closes a connection that was only waiting for us.
    .client_request_timeout(head_timeout)
    // SIGTERM: requests in flight get this long to finish; then `solex serve` stops the
    // background workers (see background.rs).
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}
