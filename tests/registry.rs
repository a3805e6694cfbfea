//! The national registry: state focal points draft and submit, the national focal point
//! reviews field by field, the public sees only published versions; CSV import reports
//! problems by line and column and is all or nothing; exports round-trip.

mod common;

use common::{hidden_value, Client, Resp, TestApp};

const PW: &str = "kollegal silk reelers";

use common::world::{focal_points, FocalPoints as Registry};

fn registry() -> Registry {
    focal_points(PW)
}

fn new_initiative(who: &Client, fields: &[(&str, &str)]) -> Resp {
    who.submit("/registry/initiatives/new", "/registry/initiatives/new", fields)
}

fn panipat_initiative(action: &str) -> Vec<(&'static str, String)> {
    vec![
        ("slug", "panipat-energy-audits".into()),
        ("title", "Energy audits for Panipat foundries".into()),
        ("cluster", "samalkha-foundry".into()),
        ("state", "Haryana".into()),
        ("district", "Panipat".into()),
        ("sector", "Metal and foundry".into()),
        ("start_year", "2024".into()),
        ("end_year", "2026".into()),
        ("stage", "implementation".into()),
        ("see_issues", "energy".into()),
        ("see_issues", "air-pollution".into()),
        ("br_activities", "energy-audits".into()),
        ("indicators", "Coke per tonne of metal | 250 | 210 | kg".into()),
        ("action", action.into()),
    ]
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The hidden fields an edit form carries about the version it edits.
fn seen(form: &str) -> Vec<(&'static str, String)> {
    vec![("version", hidden_value(form, "version").expect("version field")), ("lock", hidden_value(form, "lock").expect("lock field"))]
}

/// The Panipat initiative submitted again by `who`, under a new title.
fn resubmit_titled(who: &Client, path: &str, title: &str) {
    let form = who.get(&format!("{path}/edit"));
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "slug" && *k != "title");
    fields.push(("title", title.to_string()));
    fields.extend(seen(&form.body));
    assert_eq!(who.post(&format!("{path}/edit"), &as_refs(&fields)).status, 303);
}

fn review(who: &Client, path: &str, n: i32, fields: &[(&str, &str)]) -> Resp {
    let page = who.get(&format!("{path}/review/{n}"));
    assert_eq!(page.status, 200, "{}", page.body);
    let lock = hidden_value(&page.body, "lock").expect("lock field");
    let mut all = vec![("lock", lock.as_str())];
    all.extend_from_slice(fields);
    who.post(&format!("{path}/review/{n}"), &all)
}

#[test]
fn a_record_goes_from_state_draft_through_review_to_the_public() {
    let r = registry();
    let path = "/registry/initiatives/panipat-energy-audits";

    // A draft is the focal point's alone.
    let resp = new_initiative(&r.haryana, &as_refs(&panipat_initiative("draft")));
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert_eq!(r.app.client().get(path).status, 404, "the public cannot see a draft");
    assert_eq!(r.member.get(path).status, 404);
    assert_eq!(r.punjab.get(path).status, 404, "another state's focal point cannot see it");
    assert!(r.haryana.get(path).body.contains("Not yet published"));
    assert!(!r.app.client().get("/registry/initiatives").body.contains("Energy audits for Panipat"));

    // Submitted, it waits in the national focal point's queue.
    let form = r.haryana.get(&format!("{path}/edit"));
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "slug");
    fields.extend(seen(&form.body));
    let resp = r.haryana.post(&format!("{path}/edit"), &as_refs(&fields));
    assert_eq!(resp.status, 303, "{}", resp.body);
    let work = r.national.get("/registry/work");
    assert!(work.body.contains("Energy audits for Panipat foundries"), "{}", work.body);
    assert_eq!(r.app.client().get(path).status, 404, "submitted is not published");
    let told = r.app.mail_for("nfp@example.org", 2);
    assert_eq!(told.subject, "solex registry: Energy audits for Panipat foundries · submitted for review (Haryana)");
    assert!(told.text.contains(&format!("{path}/review/1")), "the national focal point is told, with the review's link: {}", told.text);
    // A second focal point of the state hears of the decision too.
    let _colleague = r.app.member("hr2@example.org", PW, "Hema Haryana");
    r.app.grant_focal_point(&r.admin, "hr2@example.org", "Haryana");

    // Returned with comments beside a field: the focal point sees them in the form.
    let resp = review(&r.national, path, 1, &[("decision", "return"), ("comment_district", "Name the villages too."), ("comment", "")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let form = r.haryana.get(&format!("{path}/edit"));
    assert!(form.body.contains("Name the villages too."), "{}", form.body);
    let mail = r.app.mail_for("hr@example.org", 2);
    assert!(mail.subject.contains("returned"), "{}", mail.subject);
    assert!(r.app.mail_for("hr2@example.org", 2).subject.contains("returned"));
    assert_eq!(r.app.mail_count("pb@example.org"), 1, "another state's focal point hears nothing");

    // A return without any comment is refused, and the version stays where it was.
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "slug" && *k != "district");
    fields.push(("district", "Panipat (Samalkha, Israna)".into()));
    fields.extend(seen(&form.body));
    assert_eq!(r.haryana.post(&format!("{path}/edit"), &as_refs(&fields)).status, 303);
    let resp = review(&r.national, path, 1, &[("decision", "return"), ("comment", "  ")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("Say what needs to change"));
    // A decision that is neither approve nor return comes back with a message, nothing changed.
    let resp = review(&r.national, path, 1, &[("decision", "publish"), ("comment", "looks fine")]);
    assert_eq!(resp.status, 400, "{}", resp.body);
    assert!(resp.body.contains("Choose approve or return."), "{}", resp.body);
    assert_eq!(r.app.client().get(path).status, 404, "still not published");

    // Approved: published with who verified it, filterable, and in search.
    let resp = review(&r.national, path, 1, &[("decision", "approve")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let public = r.app.client().get(path);
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Verified by Nalini National"), "{}", public.body);
    assert!(public.body.contains("Panipat (Samalkha, Israna)"));
    assert!(public.body.contains("Samalkha foundry"), "the cluster is linked by its name");
    let listed = r.app.client().get("/registry/initiatives?state=Haryana&see_issue=energy&year=2025");
    assert!(listed.body.contains("Energy audits for Panipat foundries"), "{}", listed.body);
    let none = r.app.client().get("/registry/initiatives?state=Haryana&year=2019");
    assert!(!none.body.contains("Energy audits for Panipat foundries"));
    let cluster = r.app.client().get("/registry/clusters/samalkha-foundry");
    assert!(cluster.body.contains("Energy audits for Panipat foundries"), "the cluster lists its initiatives");

    // A later edit is a new version: the public keeps the published one until it is approved.
    resubmit_titled(&r.haryana, path, "Energy audits and cupola upgrades in Panipat");
    let public = r.app.client().get(path);
    assert!(public.body.contains("Energy audits for Panipat foundries") && !public.body.contains("cupola upgrades"));
    let diff = r.national.get(&format!("{path}/review/2"));
    assert!(diff.body.contains("Energy audits and cupola upgrades in Panipat"));
    assert!(diff.body.contains("<tr class=\"changed\">"), "changed fields are marked");
    assert_eq!(diff.body.matches("<tr class=\"changed\">").count(), 2, "title and district changed against the published version");
    assert_eq!(review(&r.national, path, 2, &[("decision", "approve")]).status, 303);
    assert!(r.app.client().get(path).body.contains("cupola upgrades"));
    let mut conn = r.app.db();
    let rec = solex::models::registry::find_by_slug(&mut conn, "initiative", "panipat-energy-audits").unwrap().unwrap();
    let versions = solex::models::registry::versions(&mut conn, rec.id).unwrap();
    let statuses: Vec<&str> = versions.iter().map(|v| v.status.as_str()).collect();
    assert_eq!(statuses, vec!["published", "superseded"]);
}

#[test]
fn focal_points_reach_only_their_own_states_records() {
    let r = registry();
    // Punjab cannot create a record for Haryana; the form comes back with the message.
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "slug");
    let resp = new_initiative(&r.punjab, &as_refs(&fields));
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("You keep the registry for other states"), "{}", resp.body);

    // Punjab cannot open, edit or review Haryana's published seed record.
    let path = "/registry/clusters/samalkha-foundry";
    assert_eq!(r.punjab.get(&format!("{path}/edit")).status, 403);
    let resp = r.punjab.post(&format!("{path}/edit"), &[("name", "Samalkha foundry"), ("sector", "Metal and foundry"), ("state", "Punjab"), ("lock", "0"), ("action", "submit")]);
    assert_eq!(resp.status, 403);
    // Haryana cannot move its record to another state either.
    let resp = r.haryana.post(&format!("{path}/edit"), &[("name", "Samalkha foundry"), ("sector", "Metal and foundry"), ("state", "Punjab"), ("lock", "0"), ("action", "submit")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("You keep the registry for other states"));

    // Only the national focal point reviews; members, admins and state focal points cannot.
    let form = r.haryana.get(&format!("{path}/edit"));
    let s = seen(&form.body);
    let resp = r.haryana.post(&format!("{path}/edit"), &[("name", "Samalkha foundry cluster"), ("sector", "Metal and foundry"), ("state", "Haryana"), (s[0].0, &s[0].1), (s[1].0, &s[1].1), ("action", "submit")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let own = r.haryana.get(&format!("{path}/review/2"));
    assert_eq!(own.status, 200, "a focal point sees the diff of its own submission");
    assert!(!own.body.contains("value=\"approve\""), "but is offered no decision");
    assert_eq!(r.punjab.get(&format!("{path}/review/2")).status, 403);
    for who in [&r.haryana, &r.punjab, &r.member, &r.admin] {
        let resp = who.post(&format!("{path}/review/2"), &[("lock", "1"), ("decision", "approve")]);
        assert_eq!(resp.status, 403, "only the national focal point approves");
    }
    assert_eq!(r.app.client().post(&format!("{path}/review/2"), &[("lock", "1"), ("decision", "approve")]).status, 303, "anonymous visitors are sent to sign in");
    // The public still sees the published version.
    let public = r.app.client().get(path);
    assert!(public.body.contains("<h1>Samalkha foundry</h1>"), "{}", public.body);

    // Work pages and forms are closed to people without the role.
    for who in [&r.member, &r.admin] {
        assert_eq!(who.get("/registry/work").status, 403);
        assert_eq!(who.get("/registry/initiatives/new").status, 403);
        assert_eq!(who.get("/registry/import").status, 403);
    }
    assert_eq!(r.app.client().get("/registry/work").status, 303, "anonymous visitors are sent to sign in");
    // Vocabularies are the administrator's.
    assert_eq!(r.national.get("/admin/vocabularies/scheme").status, 403);
    assert_eq!(r.admin.get("/admin/vocabularies/scheme").status, 200);
}

#[test]
fn two_reviewers_deciding_at_once_cannot_both_win() {
    let r = registry();
    let second = r.app.member("nfp2@example.org", PW, "Second National");
    r.app.grant_focal_point(&r.admin, "nfp2@example.org", "national");
    assert_eq!(new_initiative(&r.haryana, &as_refs(&panipat_initiative("submit"))).status, 303);
    let path = "/registry/initiatives/panipat-energy-audits";
    let lock_a = hidden_value(&r.national.get(&format!("{path}/review/1")).body, "lock").unwrap();
    let lock_b = hidden_value(&second.get(&format!("{path}/review/1")).body, "lock").unwrap();
    let a = r.national.post(&format!("{path}/review/1"), &[("lock", &lock_a), ("decision", "approve")]);
    let b = second.post(&format!("{path}/review/1"), &[("lock", &lock_b), ("decision", "return"), ("comment", "Too late")]);
    assert_eq!(a.status, 303);
    assert_eq!(b.status, 409, "{}", b.body);
    assert!(r.app.client().get(path).status == 200);
}

fn csv_import(who: &Client, kind: &str, mode: &str, csv: &str) -> Resp {
    who.post_multipart("/registry/import", &[("kind", kind), ("mode", mode)], &[("file", "initiatives.csv", csv.as_bytes())])
}

fn count_records(app: &TestApp) -> i64 {
    let mut conn = app.db();
    solex::models::registry::count_all(&mut conn).unwrap()
}

#[test]
fn an_import_reports_every_problem_by_line_and_column_and_imports_nothing() {
    let r = registry();
    let before = count_records(&r.app);
    let csv = "slug,title,cluster,state,start_year,end_year,see_issues,units_covered\r\n\
        ok-one,Common effluent plant study,,Haryana,2023,2025,effluents,40\r\n\
        ,Second study,no-such-cluster,Haryana,2023,2025,effluents,40\r\n\
        ,Third study,,Haryana,twenty,2025,\"effluents; moonbeams\",forty\r\n\
        ,Fourth study,,Punjab,2023,2021,,\r\n\
        ,,,Haryana,,,,\r\n";
    let resp = csv_import(&r.haryana, "initiative", "import", csv);
    assert_eq!(resp.status, 400);
    let expect = [
        ("<td>3</td><td>3</td>", "no-such-cluster"),
        ("<td>4</td><td>5</td>", "twenty"),
        ("<td>4</td><td>7</td>", "moonbeams"),
        ("<td>4</td><td>8</td>", "whole number"),
        ("<td>5</td><td>4</td>", "other states"),
        ("<td>5</td><td>6</td>", "end year comes before"),
        ("<td>6</td><td>2</td>", "Title is required"),
    ];
    for (cells, text) in expect {
        let row = resp.body.split("<tr>").find(|row| row.starts_with(cells)).unwrap_or_else(|| panic!("no problem at {cells}: {}", resp.body));
        assert!(row.contains(text), "{cells} should mention {text}: {row}");
    }
    assert_eq!(count_records(&r.app), before, "nothing was imported, not even the good row");

    // A broken header and broken quoting are reported before any row.
    let resp = csv_import(&r.haryana, "initiative", "check", "slug,title,state,colour\r\nx,y,Haryana,red\r\n");
    assert!(resp.body.contains("Unknown column"), "{}", resp.body);
    assert!(resp.body.contains("<td>1</td><td>4</td>"));
    let resp = csv_import(&r.haryana, "initiative", "check", "title,state\r\n\"Open quote,Haryana\r\n");
    assert!(resp.body.contains("never closed"), "{}", resp.body);
    let resp = csv_import(&r.haryana, "initiative", "check", "title\r\nOnly a title\r\n");
    assert!(resp.body.contains("The required column"), "{}", resp.body);

    // A clean file: the dry run changes nothing, the import creates every row at once.
    let good = "title,cluster,state,start_year,see_issues,br_activities\r\n\
        Common effluent plant study,samalkha-foundry,Haryana,2023,Effluent discharge and water pollution,waste-management\r\n\
        Slag reuse in road building,samalkha-foundry,Haryana,2024,solid-waste,\r\n";
    let resp = csv_import(&r.haryana, "initiative", "check", good);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.body.contains("The file is clean") && resp.body.contains("Rows to create: 2"));
    assert_eq!(count_records(&r.app), before);
    let resp = csv_import(&r.haryana, "initiative", "import", good);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(count_records(&r.app), before + 2);
    let work = r.national.get("/registry/work");
    assert!(work.body.contains("Common effluent plant study") && work.body.contains("Slag reuse in road building"), "imported rows wait for review");
    assert!(!r.app.client().get("/registry/initiatives").body.contains("Slag reuse"));
}

#[test]
fn exports_round_trip_through_import() {
    let r = registry();
    // CSV of a filtered list: only Punjab's clusters.
    let (status, bytes, ct, cd) = r.app.client().get_bytes("/registry/clusters.csv?state=Punjab");
    assert_eq!(status, 200);
    assert!(ct.unwrap().starts_with("text/csv"));
    assert_eq!(cd.unwrap(), "attachment; filename=\"solex-clusters.csv\"");
    let csv = String::from_utf8(bytes).unwrap();
    let rows = solex::services::registry::csv::parse(&csv).unwrap();
    assert_eq!(rows.len(), 4, "header and three Punjab clusters: {csv}");
    assert!(rows.iter().skip(1).all(|row| row.cells[4] == "Punjab"));

    // Imported back unchanged, nothing changes.
    let resp = csv_import(&r.punjab, "cluster", "import", &csv);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert!(resp.body.contains("Rows to create: 0; to update: 0; unchanged: 3"), "{}", resp.body);

    // Edited in a spreadsheet and imported, the change is submitted for review, then the
    // export shows it once approved; every other cell is as it was.
    let edited = csv.replacen("Hand-stitched footballs and inflatable balls", "Hand-stitched footballs and volleyballs", 1);
    let resp = csv_import(&r.punjab, "cluster", "import", &edited);
    assert!(resp.body.contains("to update: 1"), "{}", resp.body);
    assert_eq!(review(&r.national, "/registry/clusters/jalandhar-sports-goods", 2, &[("decision", "approve")]).status, 303);
    let (_, bytes, _, _) = r.app.client().get_bytes("/registry/clusters.csv?state=Punjab");
    let again = String::from_utf8(bytes).unwrap();
    let strip = |s: &str| s.lines().map(|l| l.rsplitn(3, ',').nth(2).unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(strip(&again), strip(&edited), "same cells apart from the verification date");

    // JSON carries typed values: numbers as numbers, lists as arrays.
    let (status, bytes, ct, _) = r.app.client().get_bytes("/registry/initiatives.json?state=Karnataka");
    assert_eq!(status, 200);
    assert!(ct.unwrap().starts_with("application/json"));
    let items: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let first = &items[0];
    assert_eq!(first["slug"], "kollegal-child-labour-project");
    assert_eq!(first["start_year"], 2007);
    assert_eq!(first["see_issues"][0], "child-labour");
    assert_eq!(first["indicators"][0]["latest"], 110.0);
}

#[test]
fn knowledge_pages_and_records_link_both_ways_and_search_finds_records() {
    let r = registry();
    // The seed links the Samalkha practice to a page; the page lists it back.
    let page = r.app.client().get("/kb/cutting-coke-use-in-cupola-furnaces");
    assert!(page.body.contains("/registry/practices/double-blast-cupolas-samalkha"), "{}", page.body);
    let rec = r.app.client().get("/registry/practices/double-blast-cupolas-samalkha");
    assert!(rec.body.contains("Cutting coke use in cupola furnaces"));

    // A search for a vocabulary label finds records tagged with it.
    r.app.drain();
    let s = r.app.client().get("/search?q=tuition+centres");
    assert!(s.body.contains("/registry/initiatives/sgfi-child-labour-programme"), "the registry is in the search index");

    // The overview counts initiatives per state.
    let ov = r.app.client().get("/registry");
    assert!(ov.body.contains("West Bengal"));
    assert!(ov.body.contains("href=\"/registry/initiatives?state=Punjab\""));
}

#[test]
fn stale_records_are_flagged_and_their_focal_point_reminded_once() {
    let r = registry();
    {
        let mut conn = r.app.db();
        use diesel::prelude::*;
        use solex::db::schema::registry_records::dsl as rr;
        let old = solex::models::now() - chrono::Duration::days(400);
        diesel::update(rr::registry_records.filter(rr::slug.eq("samalkha-foundry"))).set(rr::verified_at.eq(Some(old))).execute(&mut *conn).unwrap();
        let n = solex::services::registry::remind_overdue(&mut conn, &r.app.env(), solex::models::now()).unwrap();
        assert_eq!(n, 1, "one focal point for Haryana");
        let again = solex::services::registry::remind_overdue(&mut conn, &r.app.env(), solex::models::now()).unwrap();
        assert_eq!(again, 0, "not twice in a month");
    }
    let mail = r.app.mail_for("hr@example.org", 2);
    assert!(mail.subject.contains("Samalkha foundry") && mail.subject.contains("not verified since"), "{}", mail.subject);
    assert!(r.app.client().get("/registry/clusters/samalkha-foundry").body.contains("Not verified for over a year"));
    assert!(r.haryana.get("/registry/work").body.contains("Samalkha foundry"));
}

#[test]
fn administrators_edit_vocabularies_and_retired_terms_leave_the_forms() {
    let r = registry();
    let resp = r.admin.submit("/admin/vocabularies/scheme", "/admin/vocabularies/scheme", &[("code", "pm-vishwakarma"), ("label", "PM Vishwakarma"), ("grp", "Micro, Small and Medium Enterprises")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let resp = r.admin.submit("/admin/vocabularies/scheme", "/admin/vocabularies/scheme", &[("code", "Bad Code"), ("label", "x")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("lowercase letters"));
    let form = r.haryana.get("/registry/initiatives/new");
    assert!(form.body.contains("PM Vishwakarma"));
    let resp = r.admin.submit("/admin/vocabularies/scheme", "/admin/vocabularies/scheme/pm-vishwakarma", &[("label", "PM Vishwakarma"), ("retired", "1")]);
    assert_eq!(resp.status, 303);
    assert!(!r.haryana.get("/registry/initiatives/new").body.contains("PM Vishwakarma"));
    let mut fields = panipat_initiative("submit");
    fields.push(("schemes", "pm-vishwakarma".into()));
    let resp = new_initiative(&r.haryana, &as_refs(&fields));
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("no longer in use"));
}

#[test]
fn lists_page_through_many_records_and_filter_in_the_database() {
    let r = registry();
    let mut csv = String::from("title,state,district,start_year,end_year,see_issues\r\n");
    for i in 0..60 {
        csv.push_str(&format!("Generated initiative {i:02},{},{},{},{},{}\r\n", if i % 2 == 0 { "Haryana" } else { "Punjab" }, if i % 3 == 0 { "Panipat" } else { "Ludhiana" }, 2010 + i % 5, 2012 + i % 5, if i % 4 == 0 { "child-labour" } else { "energy" }));
    }
    {
        let mut conn = r.app.db();
        let report = solex::services::registry::import::import(&mut conn, solex::services::registry::import::Importer::Seed, solex::services::registry::Kind::Initiative, &csv, false).unwrap();
        assert!(report.problems.is_empty() && report.applied, "{:?}", report.problems);
    }
    let all = r.app.client().get("/registry/initiatives");
    assert!(all.body.contains("(65)"), "60 generated and 5 from the book");
    assert!(all.body.contains("1 / 2") && all.body.contains("rel=\"next\" href=\"/registry/initiatives?page=2\""), "{}", all.body);
    let second = r.app.client().get("/registry/initiatives?page=2");
    assert!(second.body.contains("Scaling up sustainable development") && !second.body.contains("Generated initiative 00"), "{}", second.body);
    // Filters combine; district matches any case on both databases; counts follow the filters.
    let f = r.app.client().get("/registry/initiatives?state=Haryana&district=PANIPAT&see_issue=child-labour&year=2013");
    // Haryana (even), Panipat (multiple of 3), child labour (multiple of 4): i = 0, 12, 24, 36, 48;
    // active in 2013 when 2010 + i % 5 <= 2013 <= 2012 + i % 5: i % 5 in 1..=3 -> 36 (1), 12 (2), 48 (3).
    assert!(f.body.contains("(3)"), "{}", f.body);
    for i in ["12", "36", "48"] {
        assert!(f.body.contains(&format!("Generated initiative {i}")));
    }
    assert!(f.body.contains("Child labour (3)"), "facet counts over the filtered records");
}

#[test]
fn list_readers_see_each_publication_edit_and_withdrawal_at_once() {
    // A list's data is read once per change and rendered for every reader (visitors with or
    // without a query string, members, focal points): each change must reach them all at once.
    let r = registry();
    let list = "/registry/initiatives?state=Haryana&see_issue=energy";
    let reads = |want: &str, shown: bool| {
        let other = format!("{list}&from=feed");
        for body in [r.app.client().get(list).body, r.app.client().get(&other).body, r.member.get(list).body, r.haryana.get(list).body, r.national.get(list).body] {
            assert_eq!(body.contains(want), shown, "{want} shown: {shown}, in {body}");
        }
    };
    let path = "/registry/initiatives/panipat-energy-audits";
    reads("Energy audits for Panipat foundries", false);
    assert_eq!(new_initiative(&r.haryana, &as_refs(&panipat_initiative("submit"))).status, 303);
    reads("Energy audits for Panipat foundries", false);
    assert_eq!(review(&r.national, path, 1, &[("decision", "approve")]).status, 303);
    reads("Energy audits for Panipat foundries", true);
    resubmit_titled(&r.haryana, path, "Energy audits and cupola upgrades in Panipat");
    reads("Energy audits for Panipat foundries", true);
    assert_eq!(review(&r.national, path, 2, &[("decision", "approve")]).status, 303);
    reads("Energy audits and cupola upgrades in Panipat", true);
    reads("Energy audits for Panipat foundries", false);
    assert_eq!(r.national.post(&format!("{path}/withdraw"), &[("note", "Merged into the cluster's programme.")]).status, 303);
    reads("Energy audits and cupola upgrades in Panipat", false);
    // The focal point's list carries the link to a new record; a visitor's does not.
    assert!(r.haryana.get(list).body.contains("/registry/initiatives/new"));
    assert!(!r.app.client().get(list).body.contains("/registry/initiatives/new"));
}

#[test]
fn the_national_focal_point_withdraws_a_record_and_its_focal_point_can_bring_it_back() {
    let r = registry();
    let path = "/registry/practices/kalady-biogas-etp";
    for who in [&r.member, &r.haryana, &r.admin] {
        assert_eq!(who.post(&format!("{path}/withdraw"), &[("note", "x")]).status, 403);
    }
    let resp = r.national.post(&format!("{path}/withdraw"), &[("note", " ")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("Say why the record is withdrawn"));
    let resp = r.national.post(&format!("{path}/withdraw"), &[("note", "The mill closed; the plant no longer runs.")]);
    assert_eq!(resp.status, 303, "{}", resp.body);

    let public = r.app.client().get(path);
    assert_eq!(public.status, 410);
    assert!(public.body.contains("The mill closed; the plant no longer runs."));
    assert!(!r.app.client().get("/registry/practices").body.contains("Effluent plant with biogas"));
    assert!(!r.app.client().get("/kb/treating-rice-mill-waste-water").body.contains(path), "pages stop linking to it");
    assert!(!r.app.client().get("/registry/practices.csv").body.contains("kalady-biogas-etp"));

    // Kerala's focal point resubmits it; once approved it is back.
    let kerala = r.app.member("kl@example.org", PW, "Kiran Kerala");
    r.app.grant_focal_point(&r.admin, "kl@example.org", "Kerala");
    let form = kerala.get(&format!("{path}/edit"));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Withdrawn on"), "{}", form.body);
    assert!(form.body.contains("Diamond Foods"), "the form starts from the withdrawn version");
    let page = kerala.get(path);
    assert!(page.body.contains("The mill closed"));
    let resp = kerala.post(
        &format!("{path}/edit"),
        &[
            ("title", "Effluent plant with biogas at a Kalady rice mill"),
            ("state", "Kerala"),
            ("problem", "Par-boiling water fouled the neighbourhood."),
            ("intervention", "A treatment plant designed with NIIST."),
            ("economic_benefit", "Biogas lights the mill."),
            ("see_benefit", "The plant runs again under a new owner."),
            ("lock", "0"),
            ("action", "submit"),
        ],
    );
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert_eq!(review(&r.national, path, 2, &[("decision", "approve")]).status, 303);
    let public = r.app.client().get(path);
    assert_eq!(public.status, 200);
    assert!(public.body.contains("The plant runs again under a new owner."));
}

#[test]
fn a_form_opened_before_a_decision_cannot_overwrite_what_came_after() {
    let r = registry();
    let path = "/registry/initiatives/panipat-energy-audits";
    assert_eq!(new_initiative(&r.haryana, &as_refs(&panipat_initiative("submit"))).status, 303);
    // A second Haryana focal point opens the submitted version, then it is published.
    let colleague = r.app.member("hr2@example.org", PW, "Second Haryana");
    r.app.grant_focal_point(&r.admin, "hr2@example.org", "Haryana");
    let stale = colleague.get(&format!("{path}/edit"));
    assert_eq!(review(&r.national, path, 1, &[("decision", "approve")]).status, 303);
    // Meanwhile the first focal point starts version 2.
    let form = r.haryana.get(&format!("{path}/edit"));
    let mut fields = panipat_initiative("draft");
    fields.retain(|(k, _)| *k != "slug");
    fields.extend(seen(&form.body));
    assert_eq!(r.haryana.post(&format!("{path}/edit"), &as_refs(&fields)).status, 303);
    // The colleague's form saw version 1 open; saving it now is refused, not merged.
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "slug" && *k != "title");
    fields.push(("title", "A stale title".into()));
    fields.extend(seen(&stale.body));
    let resp = colleague.post(&format!("{path}/edit"), &as_refs(&fields));
    assert_eq!(resp.status, 409, "{}", resp.body);
    let mut conn = r.app.db();
    let rec = solex::models::registry::find_by_slug(&mut conn, "initiative", "panipat-energy-audits").unwrap().unwrap();
    let open = solex::models::registry::open_version(&mut conn, rec.id).unwrap().unwrap();
    assert!(!open.fields.contains("A stale title"));
}

#[test]
fn script_never_reaches_a_registry_page_from_any_field() {
    let r = registry();
    let payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "\"><svg onload=alert(4)>", "javascript:alert(5)", "=HYPERLINK(\"http://evil.example\")"];
    for (i, p) in payloads.iter().enumerate() {
        // Every free-text field of a best practice carries the payload; the import publishes it.
        let text_fields: Vec<&str> = solex::services::registry::Kind::Practice
            .fields()
            .iter()
            .filter(|s| matches!(s.input, solex::services::registry::Input::Text(_) | solex::services::registry::Input::Long))
            .map(|s| s.name)
            .collect();
        let mut csv = format!("slug,state,{}\r\n", text_fields.join(","));
        let cell = format!("\"{}\"", format!("{p} {i}").replace('"', "\"\""));
        csv.push_str(&format!("xss-{i},Haryana,{}\r\n", vec![cell.as_str(); text_fields.len()].join(",")));
        let mut conn = r.app.db();
        let report = solex::services::registry::import::import(&mut conn, solex::services::registry::import::Importer::Seed, solex::services::registry::Kind::Practice, &csv, false).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        drop(conn);
        for path in [format!("/registry/practices/xss-{i}"), "/registry/practices".to_string(), "/registry".to_string()] {
            let page = r.app.client().get(&path).body.to_lowercase();
            // (the registry's own pictures are SVG: only the payload's is looked for)
            for bad in ["<script", "<img", "<svg onload", "href=\"javascript"] {
                assert!(!page.contains(bad), "{p}: {bad} in {path}");
            }
        }
        // A website must be http(s): a javascript: address is refused.
        let resp = r.haryana.submit("/registry/agencies/new", "/registry/agencies/new", &[("name", "Evil agency"), ("agency_type", "MSME association"), ("state", "Haryana"), ("website", "javascript:alert(1)"), ("action", "submit")]);
        assert_eq!(resp.status, 400);
        assert!(resp.body.contains("starting with https://"));
        // Exports guard formula cells for spreadsheets.
        let csv = r.app.client().get("/registry/practices.csv?state=Haryana").body;
        assert!(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"), "{csv}");
    }
}

#[test]
fn a_focal_point_reading_hindi_gets_the_registry_checks_in_hindi() {
    let r = registry();
    assert_eq!(r.haryana.get("/lang/hi?next=/registry").status, 303);
    let mut fields = panipat_initiative("submit");
    fields.retain(|(k, _)| *k != "title");
    fields.retain(|(k, _)| *k != "start_year");
    fields.push(("start_year", "twenty".into()));
    let resp = new_initiative(&r.haryana, &as_refs(&fields));
    assert_eq!(resp.status, 400);
    // The field's label inside the message is in Hindi as well.
    assert!(resp.body.contains("शीर्षक आवश्यक है।"), "{}", resp.body);
    assert!(resp.body.contains("वर्ष लिखें, जैसे 2012 (\"twenty\" नहीं)।") || resp.body.contains("वर्ष लिखें, जैसे 2012 (&quot;twenty&quot; नहीं)।"), "{}", resp.body);
    assert!(!resp.body.contains("is required") && !resp.body.contains("Give a year"), "{}", resp.body);
}

#[test]
fn registry_choices_read_in_hindi_on_a_hindi_page() {
    let r = registry();
    let c = r.app.client();
    let english = c.get("/registry/clusters/samalkha-foundry").body;
    assert!(english.contains("Semi-urban") && english.contains("Moderate"), "{english}");
    assert_eq!(c.get("/lang/hi?next=/registry").status, 303);
    let page = c.get("/registry/clusters/samalkha-foundry").body;
    // (EL is marked as an acronym, with its expansion.)
    for hindi in ["अर्ध-शहरी", "उच्च", "निम्न", "मध्यम", "EL</abbr>: संलग्न, कम"] {
        assert!(page.contains(hindi), "{hindi}: {page}");
    }
    assert!(!page.contains("Semi-urban") && !page.contains(">High<") && !page.contains(">Moderate<"), "{page}");
    let agency = c.get("/registry/agencies/sgfi").body;
    assert!(agency.contains("एमएसएमई संघ") && !agency.contains("MSME association"), "{agency}");
    // The form offers the same choices in Hindi; the stored values stay as files carry them.
    let form = r.haryana.get("/lang/hi?next=/registry/clusters/new");
    assert_eq!(form.status, 303);
    let form = r.haryana.get("/registry/clusters/new").body;
    assert!(form.contains("<option value=\"Semi-urban\">अर्ध-शहरी</option>"), "{form}");
}

/// A CSV's rows as column name to cell (guards taken off), keyed by web name.
fn csv_records(text: &str) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> {
    use solex::services::registry::csv;
    let rows = csv::parse(text).unwrap();
    let (head, body) = rows.split_first().unwrap();
    body.iter()
        .map(|row| {
            let cells: std::collections::BTreeMap<String, String> = head.cells.iter().zip(&row.cells).map(|(h, c)| (h.trim().to_string(), csv::unguard(c).to_string())).collect();
            (cells["slug"].clone(), cells)
        })
        .collect()
}

fn published_fields(app: &TestApp, kind: &str, slug: &str) -> std::collections::BTreeMap<String, String> {
    let mut conn = app.db();
    let rec = solex::models::registry::find_by_slug(&mut conn, kind, slug).unwrap().unwrap();
    let v = solex::models::registry::version(&mut conn, rec.id, rec.published_version.unwrap()).unwrap();
    serde_json::from_str(&v.fields).unwrap()
}

#[test]
fn multi_valued_fields_are_stored_one_a_line_and_keep_their_csv_cells() {
    let r = registry();
    // A shipped record is stored one value a line and exports the cells of its file.
    let stored = published_fields(&r.app, "cluster", "samalkha-foundry");
    assert_eq!(stored["see_issues"], "energy\nair-pollution\noccupational-health-safety\nsolid-waste");
    let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/content/registry/clusters.csv")).unwrap();
    let (_, bytes, _, _) = r.app.client().get_bytes("/registry/clusters.csv?state=Haryana");
    let exported = csv_records(&String::from_utf8(bytes).unwrap());
    let (file, out) = (&csv_records(&seed)["samalkha-foundry"], &exported["samalkha-foundry"]);
    for (name, cell) in file {
        assert_eq!(out.get(name), Some(cell), "column {name}");
    }
    assert_eq!(out["see_issues"], "energy; air-pollution; occupational-health-safety; solid-waste");
    // The form's text input shows its pages as typed, "a; b".
    let form = r.haryana.get("/registry/clusters/samalkha-foundry/edit").body;
    assert!(form.contains(&format!("name=\"pages\" type=\"text\" value=\"{}\"", out["pages"])), "{form}");

    // Terms whose labels hold commas, named in a CSV cell by label and by code.
    for (code, label) in [("mse-cdp", "Cluster Development Programme, MSE-CDP"), ("sfurti", "SFURTI, for traditional industries")] {
        let resp = r.admin.submit("/admin/vocabularies/scheme", "/admin/vocabularies/scheme", &[("code", code), ("label", label), ("grp", "Ministry of MSME")]);
        assert_eq!(resp.status, 303, "{}", resp.body);
    }
    let csv = "slug,title,state,sector,stage,schemes,see_issues\r\n\
        karnal-rice-mills,Cleaner rice mills in Karnal,Haryana,Food processing,implementation,\"Cluster Development Programme, MSE-CDP; sfurti\",energy; effluents\r\n";
    let resp = csv_import(&r.haryana, "initiative", "import", csv);
    assert_eq!(resp.status, 200, "{}", resp.body);
    let path = "/registry/initiatives/karnal-rice-mills";
    assert_eq!(review(&r.national, path, 1, &[("decision", "approve")]).status, 303);
    let stored = published_fields(&r.app, "initiative", "karnal-rice-mills");
    assert_eq!((stored["schemes"].as_str(), stored["see_issues"].as_str()), ("mse-cdp\nsfurti", "energy\neffluents"));
    let page = r.app.client().get(path).body;
    assert!(page.contains("Cluster Development Programme, MSE-CDP") && page.contains("SFURTI, for traditional industries"), "{page}");
    assert!(r.haryana.get(&format!("{path}/edit")).body.contains("value=\"mse-cdp\" checked"), "the form checks the stored terms");
    assert!(r.app.client().get("/registry/initiatives?scheme=mse-cdp").body.contains("Cleaner rice mills in Karnal"), "filters find it by either term");
    assert!(r.app.client().get("/registry/initiatives?scheme=sfurti").body.contains("Cleaner rice mills in Karnal"));

    let (_, bytes, _, _) = r.app.client().get_bytes("/registry/initiatives.csv?state=Haryana");
    let text = String::from_utf8(bytes).unwrap();
    let row = &csv_records(&text)["karnal-rice-mills"];
    assert_eq!((row["schemes"].as_str(), row["see_issues"].as_str()), ("mse-cdp; sfurti", "energy; effluents"));
    let (_, bytes, _, _) = r.app.client().get_bytes("/registry/initiatives.json?state=Haryana");
    let items: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let item = items.as_array().unwrap().iter().find(|i| i["slug"] == "karnal-rice-mills").unwrap();
    assert_eq!(item["schemes"], serde_json::json!(["mse-cdp", "sfurti"]));
    let resp = csv_import(&r.haryana, "initiative", "check", &text);
    assert!(resp.body.contains("to update: 0"), "the export imports back unchanged: {}", resp.body);
}

#[test]
fn an_import_writes_new_records_together_and_changed_ones_in_file_order_as_one_by_one_would() {
    use solex::models::{registry as rec, search_outbox};
    use solex::services::registry::import::{import, Importer};
    use solex::services::registry::Kind;
    let r = registry();
    let mut conn = r.app.db();
    let outbox_before = search_outbox::last_id(&mut conn).unwrap();
    // A new record whose title makes the web name of one that exists, a changed record between
    // two new ones, and a new record with terms and a cluster.
    let csv = "slug,title,cluster,state,start_year,see_issues,br_activities\r\n\
        ,Sgfi child labour programme,,Punjab,2001,child-labour,\r\n\
        sgfi-child-labour-programme,Child-labour-free ball stitching in Jalandhar and Meerut,jalandhar-sports-goods,Punjab,1999,child-labour,\r\n\
        ,Cupola audits in Samalkha,samalkha-foundry,Haryana,2024,energy; air-pollution,energy-audits\r\n";
    let report = import(&mut conn, Importer::Seed, Kind::Initiative, csv, false).unwrap();
    assert!(report.applied && report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.created, ["sgfi-child-labour-programme-2", "cupola-audits-in-samalkha"]);
    assert_eq!(report.updated, ["sgfi-child-labour-programme"]);

    let twin = rec::find_by_slug(&mut conn, "initiative", "sgfi-child-labour-programme-2").unwrap().unwrap();
    let audits = rec::find_by_slug(&mut conn, "initiative", "cupola-audits-in-samalkha").unwrap().unwrap();
    let changed = rec::find_by_slug(&mut conn, "initiative", "sgfi-child-labour-programme").unwrap().unwrap();
    assert!(twin.id < audits.id, "new records take ids in file order");
    for new in [&twin, &audits] {
        assert_eq!(new.published_version, Some(1));
        assert!(new.verified_at.is_some() && new.verified_by.is_none());
        let versions = rec::versions(&mut conn, new.id).unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].status, rec::Status::Published);
        assert_eq!(versions[0].state, new.state);
    }
    assert_eq!((audits.title.as_str(), audits.state.as_str(), audits.start_year), ("Cupola audits in Samalkha", "Haryana", Some(2024)));
    let statuses: Vec<rec::Status> = rec::versions(&mut conn, changed.id).unwrap().iter().map(|v| v.status).collect();
    assert_eq!(statuses, [rec::Status::Published, rec::Status::Superseded]);
    assert_eq!(changed.title, "Child-labour-free ball stitching in Jalandhar and Meerut");

    // Tags follow the published values, as the public filters read them.
    for (vocab, code) in [("cluster", "samalkha-foundry"), ("see_issue", "energy"), ("see_issue", "air-pollution"), ("br_activity", "energy-audits")] {
        assert!(rec::tagged(&mut conn, vocab, code).unwrap().iter().any(|t| t.id == audits.id), "{vocab}={code}");
    }
    assert!(rec::tagged(&mut conn, "see_issue", "child-labour").unwrap().iter().any(|t| t.id == twin.id));
    let list = r.app.client().get("/registry/initiatives?see_issue=air-pollution&state=Haryana");
    assert!(list.body.contains("Cupola audits in Samalkha"), "{}", list.body);

    // The indexer hears of every record the import published.
    let told: Vec<i64> = search_outbox::after(&mut conn, outbox_before, 100).unwrap().into_iter().filter(|(_, k, _)| *k == search_outbox::Kind::Record).map(|(_, _, id)| id).collect();
    for id in [twin.id, changed.id, audits.id] {
        assert_eq!(told.iter().filter(|t| **t == id).count(), 1, "record {id} in {told:?}");
    }
}

// --- pictures: the map, the charts by stage, an initiative's indicators ---

/// A page with pictures stays light and carries no script and no inline style (the CSP
/// blocks both; the pictures are styled by classes in the stylesheet).
fn assert_light(path: &str, body: &str) {
    assert!(body.len() < 30 * 1024, "{path} is {} bytes", body.len());
    assert!(!body.contains("<script") && !body.contains(" style="), "{path}: {body}");
}

/// Published records of a kind counted by state, read from the database the test shares.
fn published_by_state(app: &TestApp, kind: &str) -> std::collections::BTreeMap<String, usize> {
    let mut conn = app.db();
    let mut by = std::collections::BTreeMap::new();
    for r in solex::models::registry::all_published(&mut conn).unwrap().into_iter().filter(|r| r.kind == kind) {
        *by.entry(r.state).or_insert(0) += 1;
    }
    by
}

/// Initiatives in a few more states, sectors and stages (one with neither sector nor stage),
/// published at once as the seed is.
fn more_initiatives(app: &TestApp) {
    let csv = "title,state,sector,stage\r\n\
        Surat dyeing effluent study,Maharashtra,Textiles and garments,implementation\r\n\
        Ichalkaranji looms energy audit,Maharashtra,Textiles and garments,implementation\r\n\
        Kolhapur tanneries diagnostic,Maharashtra,Leather,diagnostic\r\n\
        Faridabad engineering selection,Haryana,Engineering,selection\r\n\
        Rajkot unplaced initiative,Gujarat,,\r\n";
    let mut conn = app.db();
    let report = solex::services::registry::import::import(&mut conn, solex::services::registry::import::Importer::Seed, solex::services::registry::Kind::Initiative, csv, false).unwrap();
    assert!(report.problems.is_empty() && report.applied, "{:?}", report.problems);
}

#[test]
fn the_registry_home_leads_with_a_map_of_every_state_linking_to_its_list() {
    let r = registry();
    more_initiatives(&r.app);
    let c = r.app.client();
    let home = c.get("/registry");
    assert_eq!(home.status, 200);
    assert_light("/registry", &home.body);
    let body = &home.body;
    let map = body.find("<svg class=\"tilemap\"").expect("a map");
    assert!(map < body.find("id=\"by-state\"").unwrap(), "the map comes before the table");
    // Not an image: an image's content (here the squares' links) is never read out.
    assert!(body.contains("aria-labelledby=\"map-t\"><title id=\"map-t\">"), "the map has a name: {body}");
    assert!(!body.contains("role=\"img\" aria-labelledby=\"map-t\""), "the map's links are read out: {body}");
    // One tile per state and union territory, its count the published initiatives there, a
    // link to that state's list.
    let counts = published_by_state(&r.app, "initiative");
    assert_eq!(counts.get("Maharashtra"), Some(&3));
    for state in solex::vocab::STATES {
        let n = counts.get(*state).copied().unwrap_or(0);
        let tile = format!("<a href=\"/registry/initiatives?state={}\"><title>{state}: {n}</title>", state.replace(' ', "+"));
        assert_eq!(body.matches(&tile).count(), 1, "{tile} in {body}");
    }
    assert_eq!(body.matches("<rect ").count(), solex::vocab::STATES.len());
    // The tile's list holds what the tile counts.
    let list = c.get("/registry/initiatives?state=Maharashtra").body;
    // (the feed's link in the head is not a record)
    assert_eq!(list.matches("href=\"/registry/initiatives/").count() - list.matches("href=\"/registry/initiatives/feed.atom\"").count(), 3, "{list}");
    // The table beside the map carries the same numbers.
    assert!(body.contains("<th scope=\"row\">Maharashtra</th><td>0</td><td><a href=\"/registry/initiatives?state=Maharashtra\">3</a>"), "{body}");
    // Another kind on the map: its tiles count and link that kind.
    let clusters = c.get("/registry?map=clusters").body;
    let by_cluster = published_by_state(&r.app, "cluster");
    for state in solex::vocab::STATES {
        let n = by_cluster.get(*state).copied().unwrap_or(0);
        assert!(clusters.contains(&format!("<a href=\"/registry/clusters?state={}\"><title>{state}: {n}</title>", state.replace(' ', "+"))), "{state}: {clusters}");
    }
    // A publication reaches the map at once, though its counts are kept between changes.
    assert!(body.contains("<title>Haryana: 2</title>"));
    assert_eq!(new_initiative(&r.haryana, &as_refs(&panipat_initiative("submit"))).status, 303);
    assert!(c.get("/registry").body.contains("<title>Haryana: 2</title>"), "submitted is not published");
    assert_eq!(review(&r.national, "/registry/initiatives/panipat-energy-audits", 1, &[("decision", "approve")]).status, 303);
    let after = c.get("/registry").body;
    assert!(after.contains("<title>Haryana: 3</title>"), "{after}");
    // In Hindi the map and its legend speak Hindi.
    assert_eq!(c.get("/lang/hi?next=/registry").status, 303);
    let hindi = c.get("/registry").body;
    assert!(hindi.contains("प्रविष्टियाँ कहाँ हैं") && hindi.contains("खाना-मानचित्र"), "{hindi}");
    assert_light("/registry (hi)", &hindi);
}

#[test]
fn charts_of_initiatives_by_stage_carry_tables_that_match_the_data() {
    let r = registry();
    more_initiatives(&r.app);
    let c = r.app.client();
    assert!(c.get("/registry").body.contains("href=\"/registry/charts\""), "the registry home links the charts");
    let page = c.get("/registry/charts");
    assert_eq!(page.status, 200);
    assert_light("/registry/charts", &page.body);
    let body = &page.body;
    assert_eq!(body.matches("role=\"img\"").count(), 2, "one picture per state, one per sector: {body}");
    // Every state's and sector's row in the tables holds its counts by stage, in the stages'
    // order, with "not given" last, as the database has them.
    let stages: Vec<&str> = solex::vocab::STAGES.iter().map(|(code, _, _)| *code).collect();
    let mut conn = r.app.db();
    let published: Vec<_> = solex::models::registry::all_published(&mut conn).unwrap().into_iter().filter(|r| r.kind == "initiative").collect();
    drop(conn);
    for (column, filter) in [("state", "state"), ("sector", "sector")] {
        let mut rows: std::collections::BTreeMap<String, Vec<usize>> = std::collections::BTreeMap::new();
        for rec in &published {
            let key = if column == "state" { rec.state.clone() } else { rec.sector.clone() };
            let i = stages.iter().position(|s| *s == rec.stage).unwrap_or(stages.len());
            rows.entry(key).or_insert_with(|| vec![0; stages.len() + 1])[i] += 1;
        }
        for (key, counts) in &rows {
            let cells: String = counts.iter().map(|n| format!("<td>{n}</td>")).collect();
            let total: usize = counts.iter().sum();
            let head = if key.is_empty() { String::from("Sector not given") } else { format!("<a href=\"/registry/initiatives?{filter}={}\">{key}</a>", key.replace(' ', "+")) };
            let row = format!("<tr><th scope=\"row\">{head}</th>{cells}<td>{total}</td></tr>");
            assert!(body.contains(&row), "{row} in {body}");
        }
    }
    assert!(body.contains("<th scope=\"col\">Stage not given</th>"));
    assert!(!body.contains("Kolhapur"), "counts, not records");
    // In Hindi the stages are named in Hindi.
    assert_eq!(c.get("/lang/hi?next=/registry/charts").status, 303);
    let hindi = c.get("/registry/charts").body;
    assert!(hindi.contains("<th scope=\"col\">कार्यान्वयन</th>") && hindi.contains("चरण नहीं दिया गया"), "{hindi}");
    assert!(!hindi.contains("Stage not given"));
}

#[test]
fn an_initiative_shows_its_indicators_from_baseline_to_latest() {
    let r = registry();
    let c = r.app.client();
    let path = "/registry/initiatives/samalkha-innovative-cluster";
    let page = c.get(path);
    assert_eq!(page.status, 200);
    assert_light(path, &page.body);
    let body = &page.body;
    // With dated values (shipped in content/registry/indicator_values.csv) each indicator is
    // drawn as its series over time (tests/indicator_series.rs), not as two bars.
    assert_eq!(body.matches("<svg class=\"series\"").count(), 2, "{body}");
    assert!(!body.contains("<svg class=\"indicator\""), "{body}");
    // The table of baseline and latest value is still there.
    assert!(body.contains("<td>742.93</td><td>tonnes a year</td>"), "{body}");
    // An indicator going down draws a shorter latest bar; a record without indicators none.
    assert_eq!(new_initiative(&r.haryana, &as_refs(&panipat_initiative("submit"))).status, 303);
    assert_eq!(review(&r.national, "/registry/initiatives/panipat-energy-audits", 1, &[("decision", "approve")]).status, 303);
    // A record with no dated values yet draws both bars on one scale, the larger filling it.
    let panipat = c.get("/registry/initiatives/panipat-energy-audits").body;
    assert!(panipat.contains("Coke per tonne of metal: baseline 250 kg, latest 210 kg"), "{panipat}");
    assert!(panipat.contains("Latest: 210 kg"), "units shown: {panipat}");
    assert!(panipat.contains("width=\"320\"></rect>") && panipat.contains("<rect class=\"latest\" x=\"0\" y=\"50\" height=\"12\" width=\"268.8\"></rect>"), "210 of 250 on 320: {panipat}");
    let none = c.get("/registry/initiatives/switch-asia-foundry-clusters").body;
    assert!(!none.contains("<svg"), "{none}");
}
