//! Inbound mail, exactly as an MTA would pipe it: the ingester never panics and always
//! answers with an outcome, on a real SQLite database with a member and a community.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use solex::db::{self, DatabaseUrl, DbConn};

struct World {
    conn: DbConn,
    identity: solex::mail::Identity,
    files: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

fn world() -> &'static Mutex<World> {
    static W: OnceLock<Mutex<World>> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::establish(&DatabaseUrl::Sqlite(dir.path().join("fuzz.db"))).unwrap();
        db::run_migrations(&mut conn).unwrap();
        let config = solex::Config::default();
        let identity = solex::mail::Identity::from_config(&config).unwrap();
        Mutex::new(World { conn, identity, files: tempfile::tempdir().unwrap(), _dir: dir })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut w = world().lock().unwrap();
    let World { conn, identity, files, .. } = &mut *w;
    let _ = solex::mail::ingest::ingest(conn, identity, files.path(), data, Some("reply+abc@solex.localhost"), 1 << 20);
});
