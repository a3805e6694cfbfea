//! The database a benchmark runs on: a fresh SQLite file in a temporary folder, or, with
//! SOLEX_BENCH_PG=postgres://host:port, a fresh PostgreSQL database dropped when it ends.

use diesel::connection::SimpleConnection;
use solex::db::{self, DatabaseUrl};

pub struct BenchDb {
    pub url: String,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

// Each benchmark uses a part of this.
#[allow(dead_code)]
impl BenchDb {
    pub fn new() -> BenchDb {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match std::env::var("SOLEX_BENCH_PG") {
            Ok(server) => {
                let server = server.trim_end_matches('/').to_string();
                let name = format!("solex_bench_{}", std::process::id());
                let mut admin = db::establish(&DatabaseUrl::Postgres(format!("{server}/postgres"))).unwrap();
                admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
                (format!("{server}/{name}"), Some((server, name)))
            }
            Err(_) => (format!("sqlite://{}", dir.path().join("bench.db").display()), None),
        };
        BenchDb { url, pg, _dir: dir }
    }

    pub fn parsed(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&self.url).unwrap()
    }

    pub fn backend(&self) -> &'static str {
        if self.pg.is_some() { "postgres" } else { "sqlite" }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg {
            // FORCE ends the benchmark's own pooled connections still open.
            if let Ok(mut admin) = db::establish(&DatabaseUrl::Postgres(format!("{server}/postgres"))) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
