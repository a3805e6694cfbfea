//! Inbound mail, exactly as an MTA would pipe it: the ingester never panics and always
//! answers with an outcome, on a real SQLite database with a member and a community.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use solex::db::{self, DatabaseUrl, DbConn};

struct World {
    conn: DbConn,
    site: solex::services::ingest::Site,
    _files: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

fn world() -> &'static Mutex<World> {
    static W: OnceLock<Mutex<World>> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::establish(&DatabaseUrl::Sqlite(dir.path().join("fuzz.db"))).unwrap();
        db::run_migrations(&mut conn).unwrap();
        let files = tempfile::tempdir().unwrap();
        let config = solex::Config { attachments_dir: files.path().to_path_buf(), ..solex::Config::default() };
        let site = solex::services::ingest::Site { env: solex::services::Env::from_config(&config), bounce_threshold: config.bounce_threshold, explain: solex::views::i18n::english };
        Mutex::new(World { conn, site, _files: files, _dir: dir })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut w = world().lock().unwrap();
    let World { conn, site, .. } = &mut *w;
    let _ = solex::services::ingest::ingest(conn, site, data, Some("reply+abc@solex.localhost"), 1 << 20);
});
