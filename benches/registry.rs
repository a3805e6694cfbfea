//! Registry speed: a CSV import of N generated initiatives (default 10,000) in one
//! transaction, then filtered lists with facet counts (p50, p99) and a full CSV export.
//! Run: `cargo bench --bench registry` (N from SOLEX_BENCH_RECORDS; PostgreSQL with
//! SOLEX_BENCH_PG=postgres://...).

mod common;

use std::time::Instant;

use solex::db;
use solex::services::registry::{self, Filters, Kind};
use solex::services::registry::import::Importer;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: usize = std::env::var("SOLEX_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let bench_db = common::BenchDb::new();
    let url = bench_db.parsed();
    let mut conn = db::establish(&url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    registry::seed_vocabularies(&mut conn).unwrap();
    let content = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"));
    solex::content::import_dir(&mut conn, content).unwrap();
    registry::import::import_seed_dir(&mut conn, &content.join("registry")).unwrap();

    let states = ["Haryana", "Punjab", "West Bengal", "Tamil Nadu", "Uttar Pradesh", "Karnataka", "Kerala", "Odisha", "Gujarat", "Maharashtra"];
    let clusters = ["samalkha-foundry", "jalandhar-foundry", "howrah-foundry", "tirupur-knitwear", "moradabad-brassware", "kollegal-silk", "kalady-rice-mills", "barpali-ikat-handloom"];
    let issues = ["energy", "air-pollution", "child-labour", "effluents", "occupational-health-safety", "gender"];
    let activities = ["energy-audits", "tuition-centres", "waste-management", "health-camps", "worker-skills"];
    let stages = ["diagnostic", "implementation", "monitoring", "exit"];
    let mut csv = String::from("title,cluster,state,district,sector,start_year,end_year,stage,see_issues,br_activities,units_covered,indicators,outcomes\r\n");
    for i in 0..n {
        let start = 2005 + (i % 18);
        csv.push_str(&format!(
            "Initiative {i} on {} in {},{},{},District {},Metal and foundry,{start},{},{},{}; {},{},{},Coke per tonne | {} | {} | kg,\"Outcome {i}: units cut fuel use, trained workers and shared the results.\"\r\n",
            issues[i % issues.len()], states[i % states.len()], clusters[i % clusters.len()], states[i % states.len()], i % 40,
            start + 3, stages[i % stages.len()], issues[i % issues.len()], issues[(i / 7) % issues.len()], activities[i % activities.len()], 20 + i % 300, 250 + i % 50, 200 + i % 40,
        ));
    }
    let t = Instant::now();
    let report = registry::import::import(&mut conn, Importer::Seed, Kind::Initiative, &csv, false).unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..report.problems.len().min(5)]);
    println!("import: {} rows checked and published in one transaction in {secs:.1} s = {:.0} rows/s", report.created.len(), report.created.len() as f64 / secs);

    let filters: Vec<Filters> = (0..200)
        .map(|i| Filters {
            state: if i % 2 == 0 { states[i % states.len()].to_string() } else { String::new() },
            see_issue: if i % 3 == 0 { issues[i % issues.len()].to_string() } else { String::new() },
            year: if i % 4 == 0 { (2008 + i % 15).to_string() } else { String::new() },
            ..Default::default()
        })
        .collect();
    let mut lat = Vec::new();
    let mut shown = 0;
    for f in &filters {
        let t = Instant::now();
        let b = registry::browse(&mut conn, Kind::Initiative, f, false).unwrap();
        shown += b.records.len();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        lat.push(ms);
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("filtered list with facet counts over {n} initiatives: p50 {:.1} ms, p99 {:.1} ms (mean {} records shown)", percentile(&lat, 0.5), percentile(&lat, 0.99), shown / filters.len());

    let t = Instant::now();
    let rows = registry::csv::exported(&mut conn, Kind::Initiative, &Filters::default()).unwrap();
    let out = registry::csv::to_csv(Kind::Initiative, &solex::services::Env::from_config(&solex::Config { base_url: "http://localhost".into(), ..Default::default() }), &rows);
    println!("export: {} rows, {} KB of CSV in {:.0} ms", rows.len(), out.len() / 1024, t.elapsed().as_secs_f64() * 1000.0);
}
