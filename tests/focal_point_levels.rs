//! Focal points of every level (issue 22): a sector focal point comments in the reviews of
//! their sector's records and sees them waiting, but neither decides nor reads another
//! sector's; a cluster focal point, chaired by an office until an end date, proposes updates
//! to their cluster's records, enters indicator values and answers feedback until the grant
//! lapses by itself; administrators grant both with field messages; the submitters of score
//! cards and agency requests are mailed the decisions, in their language.

mod common;

use common::world::{card, focal_points, refs, submit_panipat, FocalPoints as Portal};
use common::{hidden_value, Client, TestApp};
use diesel::prelude::*;

const PW: &str = "panipat handloom weavers";
const RECORD: &str = "/registry/initiatives/panipat-energy-audits";
const SAMALKHA: &str = "/registry/initiatives/samalkha-innovative-cluster";

fn grant(p: &Portal, email: &str, fields: &[(&str, &str)]) -> common::Resp {
    let id = p.app.user_id(email);
    p.admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/grants"), fields)
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string()
}

/// Mails to `to` whose subject has `about`, once everything due is sent.
fn mails_about(app: &TestApp, to: &str, about: &str) -> Vec<common::Mail> {
    app.drain();
    app.mails().into_iter().filter(|m| m.to == to && m.subject.contains(about)).collect()
}

fn note(who: &Client, text: &str) -> common::Resp {
    who.post(&format!("{RECORD}/review/1/notes"), &[("note", text)])
}

#[test]
fn a_sector_focal_point_comments_on_reviews_of_their_sector_and_decides_nothing() {
    let p = focal_points(PW);
    let metal = p.app.member("metal@example.org", PW, "Mohan Metals");
    let textile = p.app.member("textile@example.org", PW, "Tara Textiles");

    // An unknown sector is refused with the field's message, and nothing is granted.
    let r = grant(&p, "metal@example.org", &[("role", "sector_focal_point"), ("sector", "Rockets")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("is not a sector of the registry"), "{}", r.body);
    let r = grant(&p, "metal@example.org", &[("role", "sector_focal_point"), ("sector", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose the sector."), "{}", r.body);
    assert_eq!(metal.get("/registry/work").status, 403, "no grant yet");
    assert_eq!(grant(&p, "metal@example.org", &[("role", "sector_focal_point"), ("sector", "Metal and foundry")]).status, 303);
    assert_eq!(grant(&p, "textile@example.org", &[("role", "sector_focal_point"), ("sector", "Textiles and garments")]).status, 303);
    let audit = p.admin.get("/admin/audit");
    assert!(audit.body.contains("sector focal point for Metal and foundry"), "{}", audit.body);
    assert!(metal.get("/dashboard").body.contains("Sector focal point for Metal and foundry"));

    submit_panipat(&p);
    let review = format!("{RECORD}/review/1");

    // The version waits in the metal sector's queue, not in the textile sector's.
    let work = metal.get("/registry/work");
    assert_eq!(work.status, 200);
    assert!(work.body.contains("Waiting for review in your sector (1)") && work.body.contains(&review), "{}", work.body);
    assert!(!work.body.contains("/registry/import"), "a sector focal point drafts nothing");
    let other = textile.get("/registry/work");
    assert!(other.body.contains("Waiting for review in your sector (0)") && !other.body.contains(&review), "{}", other.body);

    // The metal sector's focal point reads the review and comments; an empty note is refused.
    let page = metal.get(&review);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Technical input (0)") && !page.body.contains("name=\"decision\""), "{}", page.body);
    let r = note(&metal, "   ");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Write the note."), "{}", r.body);
    let r = note(&metal, "Check the cupola's coke ratio against the 2023 audit.");
    assert_eq!(r.status, 303, "{}", r.body);

    // Another sector's focal point neither reads nor comments; nor does a plain member.
    assert_eq!(textile.get(&review).status, 403);
    assert_eq!(note(&textile, "Looks fine").status, 403);
    assert_eq!(note(&p.member, "Looks fine").status, 403);

    // No sector focal point decides.
    let lock = hidden_value(&p.national.get(&review).body, "lock").unwrap();
    assert_eq!(metal.post(&review, &[("lock", &lock), ("decision", "approve")]).status, 403);
    assert_eq!(textile.post(&review, &[("lock", &lock), ("decision", "approve")]).status, 403);

    // The reviewer and the submitter read the thread, and the submitter answers.
    for who in [&p.national, &p.haryana] {
        let seen = who.get(&review);
        assert!(seen.body.contains("Check the cupola&#39;s coke ratio") || seen.body.contains("Check the cupola's coke ratio"), "{}", seen.body);
        assert!(seen.body.contains("Mohan Metals"));
    }
    assert_eq!(note(&p.haryana, "Done: the audit says 1:8.").status, 303);
    assert!(metal.get(&review).body.contains("Done: the audit says 1:8."));

    // Decided, the review takes no more notes.
    let r = p.national.post(&review, &[("lock", &lock), ("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(note(&metal, "Late").status, 409);
    assert!(metal.get("/registry/work").body.contains("Waiting for review in your sector (0)"));
}

fn set_ends_on(app: &TestApp, email: &str, ends_on: &str) {
    use solex::db::schema::role_grants as g;
    let uid = app.user_id(email);
    let mut conn = app.db();
    let n = diesel::update(g::table.filter(g::user_id.eq(uid)).filter(g::role.eq("cluster_focal_point"))).set(g::ends_on.eq(ends_on)).execute(&mut *conn).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_cluster_focal_point_works_on_their_cluster_until_the_grant_lapses() {
    let p = focal_points(PW);
    let collector = p.app.member("dc@example.org", PW, "Deepa Collector");

    // Every mistake at once, by field: unknown cluster, no office title, an end in the past.
    let r = grant(&p, "dc@example.org", &[("role", "cluster_focal_point"), ("cluster", "nowhere-foundry"), ("office_title", " "), ("ends_on", &day(-1))]);
    assert_eq!(r.status, 400);
    for msg in ["No cluster &quot;nowhere-foundry&quot; in the registry", "Give the office title", "The last day is in the past"] {
        assert!(r.body.contains(msg) || r.body.contains(&msg.replace("&quot;", "\"")), "{msg}: {}", r.body);
    }
    assert_eq!(collector.get("/registry/work").status, 403);
    let r = grant(&p, "dc@example.org", &[("role", "cluster_focal_point"), ("cluster", "samalkha-foundry"), ("office_title", "District Collector, Panipat"), ("ends_on", &day(1))]);
    assert_eq!(r.status, 303, "{}", r.body);

    // The office title and the end date show wherever the grant does.
    let uid = p.app.user_id("dc@example.org");
    let shown = format!("Cluster focal point for Samalkha foundry · District Collector, Panipat · until {}", day(1));
    assert!(p.admin.get(&format!("/admin/users/{uid}")).body.contains(&shown));
    assert!(collector.get("/dashboard").body.contains(&shown));
    assert!(p.admin.get("/admin/audit").body.contains("District Collector, Panipat"));

    // Their work list names the cluster and its records.
    let work = collector.get("/registry/work");
    assert_eq!(work.status, 200);
    assert!(work.body.contains("Records of Samalkha foundry") && work.body.contains(SAMALKHA), "{}", work.body);

    // Indicator values for the cluster's initiative.
    let entry = format!("{SAMALKHA}/indicators");
    assert_eq!(collector.get(&entry).status, 200);
    let value = [("indicator", "Units with double-blast cupolas"), ("date", "2024-06-30"), ("value", "14"), ("source", "Collector's review")];
    let r = collector.post(&entry, &value);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(p.app.client().get(SAMALKHA).body.contains("Collector&#39;s review") || p.app.client().get(SAMALKHA).body.contains("Collector's review"));
    // Not another cluster's.
    assert_eq!(collector.get("/registry/initiatives/kalady-effluent-treatment/indicators").status, 403);

    // An update to the cluster's record goes to the normal review; it cannot leave the state.
    let edit = "/registry/clusters/samalkha-foundry/edit";
    assert_eq!(collector.get(edit).status, 200);
    let r = collector.submit(edit, edit, &[("name", "Samalkha foundry"), ("sector", "Metal and foundry"), ("state", "Punjab"), ("action", "submit")]);
    assert_eq!(r.status, 400);
    let r = collector.submit(edit, edit, &[("name", "Samalkha foundry"), ("sector", "Metal and foundry"), ("state", "Haryana"), ("units_total", "31"), ("action", "submit")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(p.national.get("/registry/work").body.contains("/registry/clusters/samalkha-foundry/review/"), "the reviewer has it");
    assert_eq!(collector.get("/registry/clusters/batala-foundry/edit").status, 403, "not another cluster");
    assert_eq!(collector.get("/registry/initiatives/new").status, 403, "updates only, no new records");

    // Feedback on the cluster's initiative: they see it and answer it.
    let anon = p.app.client();
    let r = anon.submit(SAMALKHA, &format!("{SAMALKHA}/feedback"), &[("feedback_kind", "update"), ("feedback_text", "Two more units run double-blast cupolas."), ("feedback_name", ""), ("feedback_contact", ""), ("feedback_website", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = {
        use solex::db::schema::registry_feedback as rf;
        let mut conn = p.app.db();
        rf::table.select(rf::id).order(rf::id.desc()).first(&mut *conn).unwrap()
    };
    let item = format!("/registry/feedback/{id}");
    assert!(collector.get("/registry/feedback").body.contains(&item));
    assert_eq!(collector.get(&item).status, 200);

    // The day after the end date, the grant gives nothing, and shows as lapsed. A write reads
    // the grant afresh at once.
    set_ends_on(&p.app, "dc@example.org", &day(-1));
    let answer = [("action", "answer"), ("note", "Thank you: we will add them.")];
    assert_eq!(collector.post(&entry, &value).status, 403);
    assert_eq!(collector.post(&item, &answer).status, 403);
    assert_eq!(collector.post(edit, &[("name", "Samalkha foundry"), ("sector", "Metal and foundry"), ("state", "Haryana"), ("action", "submit")]).status, 403);
    // The reviewer publishes the update sent before the lapse; every page now refuses too (a
    // page may serve a signed-in reader from a cache until the next successful write).
    let review = "/registry/clusters/samalkha-foundry/review/2";
    let lock = hidden_value(&p.national.get(review).body, "lock").unwrap();
    assert_eq!(p.national.post(review, &[("lock", &lock), ("decision", "approve")]).status, 303);
    for page in [entry.as_str(), edit, "/registry/feedback", item.as_str(), "/registry/work"] {
        assert_eq!(collector.get(page).status, 403, "{page}");
    }
    let board = collector.get("/dashboard").body;
    assert!(board.contains("District Collector, Panipat") && board.contains("(lapsed)"), "{board}");
    assert!(p.admin.get(&format!("/admin/users/{uid}")).body.contains("(lapsed)"));
    assert!(p.admin.get("/admin/users").body.contains("Cluster focal point (lapsed)"));

    // Granted again until today, it holds through its last day.
    let grant_id: i64 = {
        use solex::db::schema::role_grants as g;
        let mut conn = p.app.db();
        g::table.filter(g::user_id.eq(uid)).filter(g::role.eq("cluster_focal_point")).select(g::id).first(&mut *conn).unwrap()
    };
    assert_eq!(p.admin.post(&format!("/admin/grants/{grant_id}/revoke"), &[]).status, 303);
    let r = grant(&p, "dc@example.org", &[("role", "cluster_focal_point"), ("cluster", "samalkha-foundry"), ("office_title", "District Collector, Panipat"), ("ends_on", &day(0))]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(collector.get(&entry).status, 200);
    let r = collector.submit(&item, &item, &answer);
    assert_eq!(r.status, 303, "{}", r.body);
}

#[test]
fn decisions_on_score_cards_and_agency_requests_are_mailed_to_their_submitters() {
    let p = focal_points(PW);
    let batala = "/registry/clusters/batala-foundry/score-cards";

    // A card returned by the national focal point: Punjab's focal point, who sent it, hears why.
    let fields = card(&day(0), "4", "4", "submit");
    let r = p.punjab.submit(&format!("{batala}/new"), &format!("{batala}/new"), &refs(&fields));
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.location.unwrap().split('?').next().unwrap().to_string();
    let lock = hidden_value(&p.national.get(&path).body, "lock").unwrap();
    let r = p.national.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "return"), ("comment", "Score the noise issue with the workers.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let told = mails_about(&p.app, "pb@example.org", "ESR score card of Batala foundry · returned for changes");
    assert_eq!(told.len(), 1);
    assert!(told[0].text.contains("Score the noise issue with the workers.") && told[0].text.contains(&path), "{}", told[0].text);

    // Sent again and approved: a second mail says so.
    let form = p.punjab.get(&format!("{path}/edit"));
    let mut again = card(&day(0), "4", "4", "submit");
    again.push(("lock".into(), hidden_value(&form.body, "lock").unwrap()));
    assert_eq!(p.punjab.post(&format!("{path}/edit"), &refs(&again)).status, 303);
    let lock = hidden_value(&p.national.get(&path).body, "lock").unwrap();
    assert_eq!(p.national.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "approve"), ("comment", "")]).status, 303);
    assert_eq!(mails_about(&p.app, "pb@example.org", "ESR score card of Batala foundry · approved").len(), 1);

    // An agency request declined by the state's focal point: the member who asked is told, in
    // Hindi since they read Hindi.
    {
        use solex::db::schema::users;
        let mut conn = p.app.db();
        diesel::update(users::table.filter(users::email.eq("member@example.org"))).set(users::language.eq("hi")).execute(&mut *conn).unwrap();
    }
    let r = p.member.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[("name", "Ludhiana Knitwear Club"), ("agency_type", "MSME association"), ("state", "Punjab"), ("cd_trained", "2")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = {
        let mut conn = p.app.db();
        solex::models::agency_rating::requests_by(&mut conn, p.app.user_id("member@example.org")).unwrap()[0].id
    };
    let request = format!("/registry/agency-requests/{id}");
    assert_eq!(p.punjab.post(&request, &[("decision", "decline"), ("reason", "No CD-trained staff on the rolls.")]).status, 303);
    let told = mails_about(&p.app, "member@example.org", "Ludhiana Knitwear Club");
    assert_eq!(told.len(), 1);
    assert!(told[0].subject.contains("एजेंसी पंजीकरण अनुरोध") && told[0].subject.contains("अस्वीकृत"), "{}", told[0].subject);
    assert!(told[0].text.contains("No CD-trained staff on the rolls.") && told[0].text.contains(&request), "{}", told[0].text);

    // Approved, a second request is mailed as approved.
    let r = p.member.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[("name", "Batala Foundry Forum"), ("agency_type", "MSME association"), ("state", "Punjab")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = {
        let mut conn = p.app.db();
        solex::models::agency_rating::requests_by(&mut conn, p.app.user_id("member@example.org")).unwrap()[0].id
    };
    assert_eq!(p.punjab.post(&format!("/registry/agency-requests/{id}"), &[("decision", "approve")]).status, 303);
    let told = mails_about(&p.app, "member@example.org", "Batala Foundry Forum");
    assert_eq!(told.len(), 1);
    assert!(told[0].subject.contains("स्वीकृत") && !told[0].subject.contains("अस्वीकृत"), "{}", told[0].subject);
}

#[test]
fn sector_focal_points_are_mailed_once_per_version_of_their_sector_waiting_for_review() {
    let p = focal_points(PW);
    p.app.member("metal@example.org", PW, "Mohan Metals");
    p.app.member("dhatu@example.org", PW, "Dhatu Devi");
    p.app.member("textile@example.org", PW, "Tara Textiles");
    for (email, sector) in [("metal@example.org", "Metal and foundry"), ("dhatu@example.org", "Metal and foundry"), ("textile@example.org", "Textiles and garments")] {
        assert_eq!(grant(&p, email, &[("role", "sector_focal_point"), ("sector", sector)]).status, 303);
    }
    {
        let mut conn = p.app.db();
        use solex::db::schema::users;
        diesel::update(users::table.filter(users::email.eq("dhatu@example.org"))).set(users::language.eq("hi")).execute(&mut *conn).unwrap();
    }
    let waiting = |to: &str| -> Vec<common::Mail> {
        p.app.drain();
        p.app.mails().into_iter().filter(|m| m.to == to && m.subject.contains("Energy audits for Panipat foundries")).collect()
    };
    submit_panipat(&p);
    // Each of the sector's focal points, in their language, with a link to their work list.
    let to_metal = waiting("metal@example.org");
    assert_eq!(to_metal.len(), 1);
    assert!(to_metal[0].subject.contains("submitted for review (Haryana)") && to_metal[0].text.contains("/registry/work") && to_metal[0].text.contains("technical input"), "{} {}", to_metal[0].subject, to_metal[0].text);
    let to_dhatu = waiting("dhatu@example.org");
    assert_eq!(to_dhatu.len(), 1);
    assert!(to_dhatu[0].text.contains("कार्य-सूची") && to_dhatu[0].text.contains("/registry/work"), "{}", to_dhatu[0].text);
    assert!(waiting("textile@example.org").is_empty(), "another sector's focal point is not told");

    // The same version saved and sent again: no second mail.
    let edit = format!("{RECORD}/edit");
    let form = p.haryana.get(&edit);
    let (version, lock) = (hidden_value(&form.body, "version").unwrap(), hidden_value(&form.body, "lock").unwrap());
    let fields = [
        ("version", version.as_str()), ("lock", lock.as_str()), ("slug", "panipat-energy-audits"), ("title", "Energy audits for Panipat foundries"),
        ("state", "Haryana"), ("district", "Panipat"), ("sector", "Metal and foundry"), ("start_year", "2024"), ("stage", "implementation"),
        ("see_issues", "energy"), ("action", "submit"),
    ];
    let r = p.haryana.submit(&edit, &edit, &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(waiting("metal@example.org").len(), 1, "once per version");

    // Published; a new version (2) of the record is a new submission.
    let review = format!("{RECORD}/review/1");
    let lock = hidden_value(&p.national.get(&review).body, "lock").unwrap();
    assert_eq!(p.national.post(&review, &[("lock", &lock), ("decision", "approve")]).status, 303);
    let form = p.haryana.get(&edit);
    let (version, lock) = (hidden_value(&form.body, "version").unwrap(), hidden_value(&form.body, "lock").unwrap());
    let mut next = fields;
    next[0] = ("version", version.as_str());
    next[1] = ("lock", lock.as_str());
    assert_eq!(p.haryana.submit(&edit, &edit, &next).status, 303);
    let to_metal = waiting("metal@example.org");
    assert_eq!(to_metal.len(), 2, "the second version");
    assert!(waiting("textile@example.org").is_empty());
}
