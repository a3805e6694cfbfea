//! Search queries as visitors type them (phrases, -words, field filters, Devanagari, typos):
//! parsing and searching never panic, on an index built from the shipped pages.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use solex::db::{self, DatabaseUrl};
use solex::search::SearchIndex;

fn index() -> &'static Arc<SearchIndex> {
    static I: OnceLock<(Arc<SearchIndex>, tempfile::TempDir)> = OnceLock::new();
    &I.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::establish(&DatabaseUrl::Sqlite(dir.path().join("fuzz.db"))).unwrap();
        db::run_migrations(&mut conn).unwrap();
        solex::content::import_dir(&mut conn, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../content"))).unwrap();
        let index = SearchIndex::open(&dir.path().join("index"), &mut conn).unwrap();
        (index, dir)
    })
    .0
}

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else { return };
    let r = index().search(q, &Default::default(), 10);
    assert!(r.hits.len() <= 10);
});
