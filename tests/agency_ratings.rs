//! Implementing agencies (Table 2.10 of the book): the rebuilt table adds up as printed; a
//! member asks for an agency to be registered and its state's focal point decides; focal
//! points rate agencies of their states, every rating kept and shown with its working; lists
//! sort and filter by the latest rating; old ratings are flagged for review; exports carry
//! the latest rating. A real portal over HTTP with the shipped content (which rates fmc at
//! 74 and myrada at 52 then 59).

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use common::{Client, TestApp};
use solex::services::registry::agency_ratings::{self as ar, RatingForm, Scores, TABLE, TOTAL};

const PW: &str = "kollegal silk reelers";

use common::world::{focal_points, FocalPoints as World};

fn world() -> World {
    focal_points(PW)
}

/// Scores for every criterion: `given` where named, else 0.
fn scores(given: &[(&str, &str)]) -> Vec<(String, String)> {
    ar::criteria().map(|c| (c.field.to_string(), given.iter().find(|(f, _)| *f == c.field).map_or("0".to_string(), |(_, v)| v.to_string()))).collect()
}

fn rate(who: &Client, slug: &str, given: &[(&str, &str)], extra: &[(&str, &str)]) -> common::Resp {
    let path = format!("/registry/agencies/{slug}/rate");
    let s = scores(given);
    let mut fields: Vec<(&str, &str)> = s.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.extend_from_slice(extra);
    let page = who.get(&path);
    assert_eq!(page.status, 200, "{}", page.body);
    who.post(&path, &fields)
}

fn ratings_of(app: &TestApp, slug: &str) -> Vec<solex::models::agency_rating::Rating> {
    let mut conn = app.db();
    let rec = solex::models::registry::find_by_slug(&mut conn, "agency", slug).unwrap().unwrap();
    solex::models::agency_rating::of_record(&mut conn, rec.id).unwrap().into_iter().map(|(r, _)| r).collect()
}

#[test]
fn the_rebuilt_table_adds_up_as_the_book_prints_it() {
    // 25 + 45 + 30 = 100 (001:4922, 001:5034, 001:5137); each criterion's scoring pattern
    // reaches exactly its "Total score" column, and the criteria their group's total.
    assert_eq!(TABLE.iter().map(|g| g.max).collect::<Vec<_>>(), vec![25, 45, 30]);
    assert_eq!(TABLE.iter().map(|g| g.max).sum::<i32>(), TOTAL);
    for g in TABLE {
        assert_eq!(g.criteria.iter().map(|c| c.max).sum::<i32>(), g.max, "{}", g.label);
        for c in g.criteria {
            assert_eq!(c.items.iter().map(|i| i.points).sum::<i32>(), c.max, "{}", c.field);
        }
    }
    let maxima: Vec<i32> = ar::criteria().map(|c| c.max).collect();
    assert_eq!(maxima, vec![5, 10, 5, 5, 15, 15, 15, 10, 5, 15]);

    let full: Scores = ar::criteria().map(|c| (c.field.to_string(), c.max)).collect();
    let w = ar::working(&full);
    assert_eq!((w.groups.iter().map(|(_, _, s)| *s).collect::<Vec<_>>(), w.total), (vec![25, 45, 30], 100));
    let some: Scores = [("score_staff", 3), ("score_bds", 10), ("score_location", 5)].into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let w = ar::working(&some);
    assert_eq!((w.groups[0].2, w.groups[1].2, w.groups[2].2, w.total), (3, 10, 5, 18));

    // Each criterion is checked against its own maximum.
    let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    let mut form = RatingForm { scores: ar::criteria().map(|c| (c.field.to_string(), c.max.to_string())).collect(), ..Default::default() };
    assert_eq!(ar::check_rating(&form, today).unwrap().0.values().sum::<i32>(), 100);
    form.scores.insert("score_staff".into(), "6".into());
    form.scores.insert("score_finance".into(), "-1".into());
    form.scores.insert("score_mandate".into(), "".into());
    form.rated_on = "2027-01-01".into();
    let e = ar::check_rating(&form, today).unwrap_err();
    let keys: BTreeMap<&str, &str> = e.iter().map(|(k, m)| (*k, m.key)).collect();
    assert_eq!(
        keys,
        BTreeMap::from([("rated_on", "rating-date-future"), ("score_finance", "rating-score-range"), ("score_mandate", "rating-score-missing"), ("score_staff", "rating-score-range")])
    );
}

#[test]
fn focal_points_rate_agencies_of_their_state_and_every_rating_is_kept() {
    let w = world();
    // Punjab's focal point rates the Punjab agency; the page shows the working.
    let r = rate(&w.punjab, "sgfi", &[("score_staff", "5"), ("score_msme_experience", "5"), ("score_see", "15"), ("score_location", "10")], &[("rated_on", "2025-06-01"), ("note", "After the field visit.")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = w.member.get("/registry/agencies/sgfi");
    assert!(page.body.contains("Latest rating: 35 out of 100"), "{}", page.body);
    assert!(page.body.contains("Institutional strengths") && page.body.contains("10 of 25") && page.body.contains("15 of 45") && page.body.contains("10 of 30"), "{}", page.body);
    assert!(page.body.contains("Preet Punjab") && page.body.contains("After the field visit."));
    assert!(!page.body.contains("Rate this agency"), "a member may not rate");

    // The national focal point rates it again later: both are kept, newest first.
    let r = rate(&w.national, "sgfi", &[("score_staff", "5"), ("score_cd_projects", "15"), ("score_bds", "15"), ("score_location", "15")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    // (Read by the member: a rater's own name is in the page's header.)
    let page = w.member.get("/registry/agencies/sgfi");
    assert!(page.body.contains("Latest rating: 50 out of 100"), "{}", page.body);
    let newer = page.body.find("Nalini National").expect("the newer rating");
    let older = page.body.find("Preet Punjab").expect("the older rating");
    assert!(newer < older, "history is newest first");
    assert!(w.punjab.get("/registry/agencies/sgfi").body.contains("Rate this agency"));
    let kept = ratings_of(&w.app, "sgfi");
    assert_eq!(kept.iter().map(|r| (r.total, r.latest)).collect::<Vec<_>>(), vec![(50, true), (35, false)]);

    // A rating entered later for an earlier day does not become the latest.
    let r = rate(&w.punjab, "sgfi", &[("score_staff", "1")], &[("rated_on", "2020-01-01")]);
    assert_eq!(r.status, 303);
    assert!(w.member.get("/registry/agencies/sgfi").body.contains("Latest rating: 50 out of 100"));

    // Another state's focal point and a member are refused, on the form and on the post.
    for who in [&w.haryana, &w.member] {
        assert_eq!(who.get("/registry/agencies/sgfi/rate").status, 403);
        let s = scores(&[("score_staff", "5")]);
        let fields: Vec<(&str, &str)> = s.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(who.post("/registry/agencies/sgfi/rate", &fields).status, 403);
    }
    assert_eq!(ratings_of(&w.app, "sgfi").len(), 3);
    // Ratings are for agencies: no such path for other kinds or unknown agencies.
    assert_eq!(w.national.get("/registry/agencies/no-such-agency/rate").status, 404);
}

#[test]
fn bad_scores_get_field_messages_and_write_nothing() {
    let w = world();
    let r = rate(&w.punjab, "sgfi", &[("score_staff", "6"), ("score_bds", "lots"), ("score_location", "-5")], &[("rated_on", "2999-01-01")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Must be a whole number from 0 to 5"), "{}", r.body);
    assert!(r.body.contains("Must be a whole number from 0 to 15"));
    assert!(r.body.contains("The day cannot be in the future."));
    // What was typed comes back to be corrected.
    assert!(r.body.contains("value=\"lots\""));
    assert!(ratings_of(&w.app, "sgfi").is_empty());

    // In Hindi too.
    assert_eq!(w.punjab.get("/lang/hi?next=/").status, 303);
    let r = rate(&w.punjab, "sgfi", &[("score_finance", "9")], &[]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("0 से 5 तक की पूर्ण संख्या होनी चाहिए।"), "{}", r.body);
    assert!(r.body.contains("वित्तीय क्षमता"));
    assert!(ratings_of(&w.app, "sgfi").is_empty());

    // Without the form's token nothing is read.
    let s = scores(&[]);
    let fields: Vec<(&str, &str)> = s.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(w.punjab.post_raw("/registry/agencies/sgfi/rate", &fields).status, 403);
    assert!(ratings_of(&w.app, "sgfi").is_empty());
}

#[test]
fn a_member_asks_and_the_state_focal_point_decides() {
    let w = world();
    let r = w.member.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[
        ("name", "Ludhiana Knitwear Club"),
        ("agency_type", "MSME association"),
        ("state", "Punjab"),
        ("district", "Ludhiana"),
        ("professionals", "6"),
        ("cd_trained", "2"),
        ("mandate", "Common facilities for knitwear units."),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = w.member.get("/registry/agency-requests");
    assert!(mine.body.contains("Ludhiana Knitwear Club") && mine.body.contains("waiting"), "{}", mine.body);
    let id = {
        let mut conn = w.app.db();
        solex::models::agency_rating::requests_by(&mut conn, w.app.user_id("member@example.org")).unwrap()[0].id
    };
    let path = format!("/registry/agency-requests/{id}");

    // Haryana's focal point neither sees nor decides a Punjab request.
    assert!(!w.haryana.get("/registry/agency-requests").body.contains("Ludhiana Knitwear Club"));
    assert_eq!(w.haryana.get(&path).status, 403);
    assert_eq!(w.haryana.post(&path, &[("decision", "approve")]).status, 403);
    assert_eq!(w.member.post(&path, &[("decision", "approve")]).status, 403, "the requester does not decide");

    // Punjab's focal point finds it from the registry's work list and approves: the agency
    // goes to the national focal point's review.
    assert!(w.punjab.get("/registry/work").body.contains("href=\"/registry/agency-requests\""));
    assert!(w.punjab.get("/registry/agency-requests").body.contains("Ludhiana Knitwear Club"));
    let page = w.punjab.get(&path);
    assert!(page.body.contains("Common facilities for knitwear units.") && page.body.contains("Mohan Member"), "{}", page.body);
    let r = w.punjab.post(&path, &[("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/registry/agencies/ludhiana-knitwear-club?done=submitted"));
    assert_eq!(w.app.client().get("/registry/agencies/ludhiana-knitwear-club").status, 404, "not public before review");
    let review = w.national.get("/registry/agencies/ludhiana-knitwear-club/review/1");
    assert_eq!(review.status, 200);
    let lock = common::hidden_value(&review.body, "lock").unwrap();
    let r = w.national.post("/registry/agencies/ludhiana-knitwear-club/review/1", &[("lock", &lock), ("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let public = w.app.client().get("/registry/agencies/ludhiana-knitwear-club");
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Not rated yet."));
    assert!(w.member.get("/registry/agency-requests").body.contains("approved"));
    // Decided once only.
    assert_eq!(w.punjab.post(&path, &[("decision", "decline"), ("reason", "late")]).status, 409);

    // A request to bring sgfi up to date; declining needs a reason, which the member reads.
    let form = w.member.get("/registry/agency-requests/new?agency=sgfi");
    assert!(form.body.contains("Sports Goods Foundation of India"), "the form starts from the record");
    let r = w.member.submit("/registry/agency-requests/new?agency=sgfi", "/registry/agency-requests/new", &[
        ("agency", "sgfi"), ("name", "Sports Goods Foundation of India"), ("agency_type", "MSME association"), ("state", "Punjab"), ("cd_trained", "3"),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id2 = {
        let mut conn = w.app.db();
        solex::models::agency_rating::requests_by(&mut conn, w.app.user_id("member@example.org")).unwrap()[0].id
    };
    let path2 = format!("/registry/agency-requests/{id2}");
    let r = w.punjab.post(&path2, &[("decision", "decline"), ("reason", "  ")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Say why the request is declined."));
    let r = w.punjab.post(&path2, &[("decision", "decline"), ("reason", "The foundation has two CD-trained staff, not three.")]);
    assert_eq!(r.status, 303);
    let mine = w.member.get("/registry/agency-requests");
    assert!(mine.body.contains("declined") && mine.body.contains("The foundation has two CD-trained staff, not three."), "{}", mine.body);
    w.app.drain();
}

#[test]
fn requests_are_checked_like_registry_records() {
    let w = world();
    // Required fields, a state from the list, numbers where numbers go.
    let r = w.member.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[("name", ""), ("state", "Atlantis"), ("professionals", "many")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("id=\"name-error\"") && r.body.contains("id=\"state-error\"") && r.body.contains("id=\"professionals-error\""), "{}", r.body);
    let r = w.member.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[("agency", "no-such-agency"), ("name", "X"), ("agency_type", "MSME association"), ("state", "Punjab")]);
    assert_eq!(r.status, 400);
    let mut conn = w.app.db();
    assert!(solex::models::agency_rating::requests_by(&mut conn, w.app.user_id("member@example.org")).unwrap().is_empty());
    drop(conn);
    // Signing in is needed to ask.
    assert_eq!(w.app.client().get("/registry/agency-requests/new").status, 303);
}

#[test]
fn lists_sort_and_filter_by_latest_rating_and_exports_carry_it() {
    let w = world();
    // The shipped ratings: fmc 74, myrada 59 (after 52); sgfi rated here at 40.
    assert_eq!(rate(&w.punjab, "sgfi", &[("score_cd_projects", "15"), ("score_bds", "15"), ("score_location", "10")], &[]).status, 303);
    let list = w.member.get("/registry/agencies?sort=rating");
    let at = |name: &str| list.body.find(name).unwrap_or_else(|| panic!("{name} in {}", list.body));
    assert!(at("Foundation for MSME Clusters") < at("Myrada") && at("Myrada") < at("Sports Goods Foundation of India"));
    assert!(at("Sports Goods Foundation of India") < at("Kalady Rice Millers Consortium"), "unrated agencies come last");
    assert!(list.body.contains("74/100") && list.body.contains("59/100") && list.body.contains("40/100"));
    // By name otherwise.
    let list = w.member.get("/registry/agencies");
    assert!(list.body.find("Foundation for MSME Clusters").unwrap() < list.body.find("Ummeed").unwrap());
    assert!(list.body.find("Myrada").unwrap() < list.body.find("Sports Goods Foundation of India").unwrap());

    let list = w.member.get("/registry/agencies?min_rating=50&sort=rating");
    assert!(list.body.contains("Foundation for MSME Clusters") && list.body.contains("Myrada"));
    assert!(!list.body.contains("Sports Goods Foundation of India") && !list.body.contains("Kalady Rice Millers Consortium"), "{}", list.body);
    assert!(list.body.contains(" (2)</h1>"), "{}", list.body);
    // A minimum that is not a number from 0 to 100 filters nothing.
    for bad in ["abc", "101", "-1"] {
        let list = w.member.get(&format!("/registry/agencies?min_rating={bad}"));
        assert_eq!(list.status, 200);
        assert!(list.body.contains("Kalady Rice Millers Consortium"), "min_rating={bad}");
    }

    let csv = w.member.get("/registry/agencies.csv?sort=rating");
    let header = csv.body.lines().next().unwrap();
    assert!(header.ends_with(",url,verified_at,latest_rating"), "{header}");
    let fmc = csv.body.lines().find(|l| l.starts_with("fmc,")).unwrap();
    assert!(fmc.ends_with(",74"), "{fmc}");
    let krmc = csv.body.lines().find(|l| l.starts_with("krmc,")).unwrap();
    assert!(krmc.ends_with(','), "an unrated agency has an empty cell: {krmc}");
    // Other kinds have no such column.
    assert!(!w.member.get("/registry/clusters.csv").body.lines().next().unwrap().contains("latest_rating"));
    let json: serde_json::Value = serde_json::from_str(&w.member.get("/registry/agencies.json?min_rating=55").body).unwrap();
    let got: Vec<(String, serde_json::Value)> = json.as_array().unwrap().iter().map(|a| (a["slug"].as_str().unwrap().to_string(), a["latest_rating"].clone())).collect();
    assert_eq!(got.len(), 2);
    assert!(got.contains(&("fmc".into(), 74.into())) && got.contains(&("myrada".into(), 59.into())));
    let all: serde_json::Value = serde_json::from_str(&w.member.get("/registry/agencies.json").body).unwrap();
    assert!(all.as_array().unwrap().iter().any(|a| a["slug"] == "krmc" && a["latest_rating"].is_null()));
}

#[test]
fn an_old_rating_is_flagged_for_periodic_review() {
    let w = world();
    assert_eq!(rate(&w.punjab, "sgfi", &[("score_staff", "5")], &[]).status, 303);
    let page = w.member.get("/registry/agencies/sgfi");
    assert!(!page.body.contains("due for periodic review"), "a new rating is current");
    // Moved back three years (the default review period is two).
    {
        let mut conn = w.app.db();
        let id = ratings_of(&w.app, "sgfi")[0].id;
        solex::models::agency_rating::set_rated_on(&mut conn, id, solex::models::now() - Duration::days(3 * 365)).unwrap();
    }
    let page = w.member.get("/registry/agencies/sgfi");
    assert!(page.body.contains("Rated more than 730 days ago: due for periodic review."), "{}", page.body);
    let list = w.member.get("/registry/agencies?state=Punjab");
    let item = &list.body[list.body.find("Sports Goods Foundation of India").unwrap()..];
    assert!(item[..item.find("</li>").unwrap()].contains("Rating due for review"), "{item}");
}

#[test]
fn the_review_period_is_a_setting() {
    // A portal that reviews ratings every 30 days flags a 60-day-old one.
    let app = TestApp::start_with(|c| c.agency_rating_review_days = 30);
    let admin = app.admin("admin@example.org", PW);
    let punjab = app.member("pb@example.org", PW, "Preet Punjab");
    app.grant_focal_point(&admin, "pb@example.org", "Punjab");
    let day = (solex::models::now() - Duration::days(60)).format("%Y-%m-%d").to_string();
    assert_eq!(rate(&punjab, "sgfi", &[("score_staff", "5")], &[("rated_on", &day)]).status, 303);
    let page = punjab.get("/registry/agencies/sgfi");
    assert!(page.body.contains("due for periodic review"), "{}", page.body);
}
