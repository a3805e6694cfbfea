//! Search speed on generated pages (default 100,000, made from the shipped content/ pages):
//! full rebuild rate, in-process query latency (p50, p99) for an anonymous visitor, a
//! signed-in member (the membership filter in the query) and an administrator (no filter), and
//! SQLite FTS5 on the same pages in the same run. Run: `cargo bench --bench search` (N from
//! SOLEX_BENCH_PAGES).

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use solex::db::{self, DatabaseUrl};
use solex::content::generated_word;
use solex::search::{self, SearchIndex};


#[derive(QueryableByName)]
struct RowId {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
}

/// The process's peak resident memory so far (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: usize = std::env::var("SOLEX_BENCH_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bench.db");
    let url = DatabaseUrl::Sqlite(db_path.clone());
    let mut conn = db::establish(&url).unwrap();
    db::run_migrations(&mut conn).unwrap();

    let t = Instant::now();
    solex::content::generate(&mut conn, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content")), n).unwrap();
    println!("generated {n} pages in {:.1} s", t.elapsed().as_secs_f64());

    // "It worked" from one member on every tenth page, so the "worked" facet and filter have
    // matches to count (the generated content has no members' reports of its own).
    conn.batch_execute(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ('bench@example.org', 'Bench', '', '2026-01-01 00:00:00'); \
         INSERT INTO outcomes (subject, subject_id, user_id, verdict, note, created_at, updated_at) \
         SELECT 'page', id, (SELECT id FROM users WHERE email = 'bench@example.org'), 'worked', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM pages WHERE id % 10 = 0;",
    )
    .unwrap();

    let index_base = dir.path().join("index");
    let t = Instant::now();
    let docs = match search::reindex(&index_base, &mut conn).unwrap() {
        search::Reindexed::Here { documents } => documents,
        other => panic!("nothing else holds the index: {other:?}"),
    };
    let secs = t.elapsed().as_secs_f64();
    println!("rebuild: {docs} documents in {secs:.1} s = {:.0} docs/s; peak RSS {:.0} MB", docs as f64 / secs, peak_rss_mb());

    let index = SearchIndex::open(&index_base, &mut conn).unwrap();
    let queries: Vec<String> = (0..1000)
        .map(|i| match i % 4 {
            0 => generated_word(i).to_string(),
            1 => format!("{} {}", generated_word(i), generated_word(i * 3)),
            2 => "\"child labour\"".to_string(),
            _ => format!("{} theme:child-labour", generated_word(i * 5)),
        })
        .collect();
    let mut lat = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        let r = index.search(q, &Default::default(), 20);
        std::hint::black_box(r.total);
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (t50, t99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!("tantivy, full search (top 20 with facets over all matches and snippets): p50 {t50:.2} ms, p99 {t99:.2} ms; peak RSS {:.0} MB", peak_rss_mb());
    // The same queries by a member of three communities (public OR community in the three,
    // and the "my communities" count), and by an administrator (no audience clause at all).
    let viewers = [("a member of 3 communities", search::Audience { all: false, communities: vec![1, 2, 3] }), ("an administrator", search::Audience { all: true, communities: vec![] })];
    for (who, audience) in viewers {
        let mut lat = Vec::with_capacity(queries.len());
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(index.search_for(&audience, q, &Default::default(), 20).total);
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let (m50, m99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
        println!("tantivy, full search as {who}: p50 {m50:.2} ms, p99 {m99:.2} ms ({:.2}x, {:.2}x anonymous)", m50 / t50, m99 / t99);
    }
    // A member narrowing by the new filters: "worked for at least one unit" (a tenth of the
    // pages) and "my communities" (members-only threads of the three; the generated content
    // has none, so this times the filter's clauses over every match, not loading hits).
    let member = search::Audience { all: false, communities: vec![1, 2, 3] };
    let narrowed = [("worked=yes", search::Filters { worked: "yes".into(), ..Default::default() }), ("mine=1", search::Filters { mine: true, ..Default::default() })];
    for (what, filters) in narrowed {
        let mut lat = Vec::with_capacity(queries.len());
        let mut matched = 0usize;
        for q in &queries {
            let t = Instant::now();
            matched += std::hint::black_box(index.search_for(&member, q, &filters, 20).total);
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let (m50, m99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
        println!("tantivy, full search as a member with {what}: p50 {m50:.2} ms, p99 {m99:.2} ms ({:.2}x, {:.2}x anonymous unfiltered); {matched} matches over the {} queries", m50 / t50, m99 / t99, queries.len());
    }
    // The same with one hit shown: the difference is what loading and snippeting 19 more costs.
    let mut lat = Vec::with_capacity(queries.len());
    for q in &queries {
        let t = Instant::now();
        std::hint::black_box(index.search(q, &Default::default(), 1).total);
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("tantivy, top 1 with facets over all matches and its snippet: p50 {:.2} ms, p99 {:.2} ms", percentile(&lat, 0.5), percentile(&lat, 0.99));
    let mut lat = Vec::with_capacity(queries.len());
    for q in &queries {
        let fq: String = q.split_whitespace().filter(|w| !w.contains(':')).collect::<Vec<_>>().join(" ");
        let t = Instant::now();
        std::hint::black_box(index.ranked_keys(&fq, 20));
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (t50, t99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!("tantivy, top 20 keys only: p50 {t50:.2} ms, p99 {t99:.2} ms");

    // SQLite FTS5 on the same pages, ranked by bm25, top 20 ids.
    conn.batch_execute(
        "CREATE VIRTUAL TABLE pages_fts USING fts5(title, body, tokenize = 'porter unicode61'); \
         INSERT INTO pages_fts(rowid, title, body) SELECT id, title, problem_md || ' ' || solution_md FROM pages;",
    )
    .unwrap();
    let mut lat = Vec::with_capacity(queries.len());
    for q in &queries {
        // FTS5 has no field filters: drop them so both engines search words and phrases.
        let fq: String = q.split_whitespace().filter(|w| !w.contains(':')).collect::<Vec<_>>().join(" ");
        let t = Instant::now();
        let rows: Vec<RowId> = diesel::sql_query("SELECT rowid FROM pages_fts WHERE pages_fts MATCH $1 ORDER BY bm25(pages_fts, 3.0, 1.0) LIMIT 20")
            .bind::<Text, _>(&fq)
            .load(&mut conn)
            .unwrap_or_default();
        std::hint::black_box(rows.iter().map(|r| r.rowid).sum::<i64>());
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (f50, f99) = (percentile(&lat, 0.5), percentile(&lat, 0.99));
    println!("SQLite FTS5 (top 20 ids only): p50 {f50:.2} ms, p99 {f99:.2} ms");
    println!("FTS5 time / tantivy time (top 20 only): p50 {:.1}x, p99 {:.1}x; peak RSS {:.0} MB", f50 / t50, f99 / t99, peak_rss_mb());
}
