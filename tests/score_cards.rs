//! ESR score cards over HTTP: a state focal point scores their state's cluster, the national
//! focal point returns or approves it, only approved cards rank, the short list is published
//! and downloaded; rights, CSRF and field messages. (The arithmetic of Tables 2.7-2.9 is
//! tested beside it, in services::registry::score_cards.)

mod common;

use common::{hidden_value, TestApp};

const PW: &str = "batala foundry owners";

use common::world::{card, focal_points, refs, FocalPoints as People};

fn people() -> People {
    focal_points(PW)
}

fn set(v: &mut [(String, String)], name: &str, value: &str) {
    v.iter_mut().find(|(k, _)| k == name).expect("field").1 = value.to_string();
}

fn count_cards(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.db();
    solex::db::schema::score_cards::table.count().get_result::<i64>(&mut *conn).unwrap()
}

const BATALA: &str = "/registry/clusters/batala-foundry/score-cards";

fn today() -> String {
    chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

#[test]
fn a_focal_point_scores_the_national_focal_point_approves_and_the_cluster_ranks_first() {
    let p = people();
    let day = today();

    // The seeded short list ranks Punjab's clusters by their shipped cards: sports goods
    // (2.84) above the Batala foundries (2.60).
    let before = p.app.client().get("/registry/short-lists");
    assert_eq!(before.status, 200);
    let punjab_rows = |body: &str| -> Vec<String> {
        let start = body.find("<caption>Punjab</caption>").expect("a Punjab table");
        let table = &body[start..body[start..].find("</table>").unwrap() + start];
        table.split("<th scope=\"row\">").skip(1).map(|r| r.split('>').nth(1).unwrap().split('<').next().unwrap().to_string()).collect()
    };
    assert_eq!(punjab_rows(&before.body), ["Jalandhar sports goods", "Batala foundry", "Jalandhar foundry"], "{}", before.body);

    // Punjab's focal point submits a card for a Punjab cluster.
    let fields = card(&day, "5", "5", "submit");
    let r = p.punjab.submit(&format!("{BATALA}/new"), &format!("{BATALA}/new"), &refs(&fields));
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.location.unwrap().split('?').next().unwrap().to_string();
    assert!(path.starts_with(&format!("{BATALA}/")), "{path}");

    // Waiting, it is seen only by its state's focal point and the reviewer, and does not rank.
    assert_eq!(p.app.client().get(&path).status, 404);
    assert_eq!(p.member.get(&path).status, 404);
    assert_eq!(p.haryana.get(&path).status, 404, "another state's focal point cannot see it");
    assert_eq!(p.punjab.get(&path).status, 200);
    let queue = p.national.get("/registry/short-lists");
    assert!(queue.body.contains("Score cards waiting for review (1)") && queue.body.contains(&path), "{}", queue.body);
    assert_eq!(punjab_rows(&p.app.client().get("/registry/short-lists").body)[0], "Jalandhar sports goods", "a card waiting for review does not count");

    // Only the national focal point decides; a return needs a comment.
    let page = p.national.get(&path);
    let lock = hidden_value(&page.body, "lock").expect("the review form's lock");
    assert_eq!(p.punjab.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "approve")]).status, 403);
    assert_eq!(p.member.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "approve")]).status, 403);
    let r = p.national.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "return"), ("comment", " ")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Say what needs to change"), "{}", r.body);
    let r = p.national.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "return"), ("comment", "Check the noise scores with the workers.")]);
    assert_eq!(r.status, 303, "{}", r.body);

    // Returned: the focal point reads why in the form, corrects and submits again.
    let form = p.punjab.get(&format!("{path}/edit"));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Check the noise scores with the workers."), "{}", form.body);
    assert_eq!(p.haryana.get(&format!("{path}/edit")).status, 404);
    let mut fields = card(&day, "5", "5", "submit");
    fields.retain(|(k, _)| k != "action");
    fields.push(("action".into(), "submit".into()));
    fields.push(("lock".into(), hidden_value(&form.body, "lock").unwrap()));
    let r = p.punjab.post(&format!("{path}/edit"), &refs(&fields));
    assert_eq!(r.status, 303, "{}", r.body);
    // The same form sent again is refused: a submitted card is no longer open to edit.
    assert_eq!(p.punjab.post(&format!("{path}/edit"), &refs(&fields)).status, 403);

    // Approved, it counts, and anyone reads its working.
    let page = p.national.get(&path);
    let lock = hidden_value(&page.body, "lock").unwrap();
    let r = p.national.post(&format!("{path}/review"), &[("lock", &lock), ("decision", "approve"), ("comment", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let public = p.app.client().get(&path);
    assert_eq!(public.status, 200);
    for shown in ["Consolidated weighted score", "0.200", "1.25", "0.75", "2.00", "5.00", "Noise pollution"] {
        assert!(public.body.contains(shown), "{shown} not on the card: {}", public.body);
    }
    assert!(!public.body.contains("name=\"decision\""), "no review form for the public");
    assert_eq!(punjab_rows(&p.app.client().get("/registry/short-lists").body), ["Batala foundry", "Jalandhar sports goods", "Jalandhar foundry"]);

    // Publishing is the national focal point's alone.
    assert_eq!(p.member.post("/registry/short-lists", &[("note", "mine")]).status, 403);
    assert_eq!(p.punjab.post("/registry/short-lists", &[("note", "mine")]).status, 403);
    let r = p.national.post("/registry/short-lists", &[("note", "For the 2027 round")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let list = r.location.unwrap();
    let page = p.app.client().get(&list);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("For the 2027 round"));

    // Its CSV: one row per cluster, highest first, ranked in its state and its sector.
    let (status, bytes, ct, cd) = p.app.client().get_bytes(&format!("{list}.csv"));
    assert_eq!(status, 200);
    assert!(ct.unwrap().starts_with("text/csv"));
    assert_eq!(cd.unwrap(), format!("attachment; filename=\"solex-short-list-{}.csv\"", list.rsplit('/').next().unwrap()));
    let csv = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("rank_in_state,rank_in_sector,cluster,title,state,sector,assessed_on,existence,intensity,engagement,economic,"), "{csv}");
    assert!(lines[1].starts_with(&format!("1,1,batala-foundry,Batala foundry,Punjab,Metal and foundry,{day},5.00,5.00,5.00,5.00,1.00,1.25,0.75,2.00,5.00")), "{csv}");
    assert!(csv.contains(",jalandhar-sports-goods,Jalandhar sports goods,Punjab,Sports goods,"), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("2,1,jalandhar-sports-goods,")), "second in Punjab, first in its sector: {csv}");

    // Its JSON says the same.
    let json: serde_json::Value = serde_json::from_str(&p.app.client().get(&format!("{list}.json")).body).unwrap();
    assert_eq!(json["clusters"][0]["cluster"], "batala-foundry");
    assert_eq!(json["clusters"][0]["total"], 5.0);
    assert_eq!(json["note"], "For the 2027 round");

    // A later approval changes the ranking as it stands, not the published list.
    let old = p.app.client().get(&format!("{list}.csv")).body;
    let fields = card(&day, "0", "0", "submit");
    let r = p.punjab.submit(&format!("{BATALA}/new"), &format!("{BATALA}/new"), &refs(&fields));
    let newer = r.location.unwrap().split('?').next().unwrap().to_string();
    let lock = hidden_value(&p.national.get(&newer).body, "lock").unwrap();
    assert_eq!(p.national.post(&format!("{newer}/review"), &[("lock", &lock), ("decision", "approve")]).status, 303);
    assert_eq!(p.app.client().get(&format!("{list}.csv")).body, old);
    assert_ne!(punjab_rows(&p.app.client().get("/registry/short-lists").body)[0], "Batala foundry");
}

#[test]
fn only_a_cluster_s_own_focal_points_may_score_it() {
    let p = people();
    let fields = card(&today(), "3", "3", "submit");
    let before = count_cards(&p.app);
    assert_eq!(p.member.get(&format!("{BATALA}/new")).status, 403);
    assert_eq!(p.member.post(&format!("{BATALA}/new"), &refs(&fields)).status, 403);
    assert_eq!(p.haryana.get(&format!("{BATALA}/new")).status, 403);
    assert_eq!(p.haryana.post(&format!("{BATALA}/new"), &refs(&fields)).status, 403);
    let anon = p.app.client().get(&format!("{BATALA}/new"));
    assert!(anon.status == 303 && anon.location.unwrap().starts_with("/login"));
    // Without the form's CSRF token nothing is written, even by the right focal point.
    let r = p.punjab.post_raw(&format!("{BATALA}/new"), &refs(&fields));
    assert!(r.status == 403 || r.status == 400, "{}", r.status);
    assert_eq!(count_cards(&p.app), before);
    // The cluster's page of cards offers the form only to its focal points.
    assert!(p.punjab.get(BATALA).body.contains(&format!("{BATALA}/new")));
    assert!(!p.haryana.get(BATALA).body.contains(&format!("{BATALA}/new")));
    assert!(!p.app.client().get(BATALA).body.contains(&format!("{BATALA}/new")));
    assert_eq!(p.app.client().get("/registry/clusters/no-such-cluster/score-cards").status, 404);
}

#[test]
fn out_of_range_scores_come_back_with_a_message_beside_each_field_and_nothing_saved() {
    let p = people();
    let before = count_cards(&p.app);
    let mut fields = card(&today(), "3", "3", "submit");
    set(&mut fields, "efforts-noise-pollution", "6");
    set(&mut fields, "economic-exports", "2.5");
    set(&mut fields, "existence-wages-benefits", "");
    set(&mut fields, "assessed_on", "2099-01-01");
    let r = p.punjab.submit(&format!("{BATALA}/new"), &format!("{BATALA}/new"), &refs(&fields));
    assert_eq!(r.status, 400, "{}", r.body);
    for (id, message) in [
        ("efforts-noise-pollution", "Noise pollution, Efforts: give a whole number from 0 to 5."),
        ("economic-exports", "Exports from the cluster, as a share of total turnover: give a whole number from 0 to 5."),
        ("existence-wages-benefits", "Wages and benefits, Existence: give a whole number from 0 to 5."),
    ] {
        assert!(r.body.contains(&format!("<p class=\"error\" id=\"{id}-error\">{message}</p>")), "{id}: {}", r.body);
        assert!(r.body.contains(&format!("<a href=\"#{id}\">{message}</a>")), "the summary names and links to {id}");
    }
    assert!(r.body.contains("The day scored cannot be in the future."), "{}", r.body);
    assert!(r.body.contains("value=\"2.5\""), "what was typed comes back");
    assert_eq!(r.body.matches("aria-invalid=\"true\"").count(), 4, "{}", r.body);
    assert_eq!(count_cards(&p.app), before);

    // In Hindi, the same messages in Hindi.
    assert_eq!(p.punjab.get(&format!("/lang/hi?next={BATALA}")).status, 303);
    let r = p.punjab.submit(&format!("{BATALA}/new"), &format!("{BATALA}/new"), &refs(&fields));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("ध्वनि प्रदूषण, प्रयास: 0 से 5 तक की कोई पूर्ण संख्या दें।"), "{}", r.body);
    assert!(r.body.contains("जल प्रदूषण") && r.body.contains("समीक्षा के लिए भेजें"), "{}", r.body);
    assert!(!r.body.contains("whole number") && !r.body.contains("Noise pollution"), "{}", r.body);
    assert_eq!(count_cards(&p.app), before);
}

#[test]
fn the_shipped_cards_make_a_short_list_anyone_can_read_in_either_language() {
    let p = people();
    let c = p.app.client();
    let page = c.get("/registry/short-lists");
    assert_eq!(page.status, 200);
    // Per state and per sector, with the seeded totals (README: registry).
    for shown in ["Samalkha foundry", "Howrah foundry", "Kalady rice mills", "2.62", "2.80", "2.31", "Metal and foundry"] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert!(!page.body.contains("name=\"note\""), "no publish form for the public");
    assert!(c.get("/registry/clusters/samalkha-foundry").body.contains("href=\"/registry/clusters/samalkha-foundry/score-cards\""), "the cluster's page leads to its cards");
    assert!(c.get("/registry").body.contains("href=\"/registry/short-lists\""), "the registry's home leads to the short lists");
    let card = c.get("/registry/clusters/samalkha-foundry/score-cards");
    assert!(card.body.contains("2.62"), "{}", card.body);
    assert_eq!(c.get("/lang/hi?next=/registry/short-lists").status, 303);
    let hi = c.get("/registry/short-lists");
    assert!(hi.body.contains("क्लस्टरों की लघु सूचियाँ") && hi.body.contains("राज्यवार"), "{}", hi.body);
    assert_eq!(c.get("/registry/short-lists/999999").status, 404);
    // Published as shipped, the list is the README's table (registry section), row by row.
    let r = p.national.post("/registry/short-lists", &[("note", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let csv = c.get(&format!("{}.csv", r.location.unwrap())).body;
    let rows: Vec<String> = csv.lines().skip(1).map(|l| {
        let cells: Vec<&str> = l.split(',').collect();
        format!("{} {} {} {}", cells[2], cells[0], cells[1], cells[7..11].iter().chain(&cells[15..16]).copied().collect::<Vec<_>>().join(" "))
    }).collect();
    assert_eq!(rows, [
        "jalandhar-sports-goods 1 1 2.43 2.43 1.00 4.00 2.84",
        "howrah-foundry 1 1 3.43 3.43 0.89 2.80 2.80",
        "samalkha-foundry 1 2 3.29 3.00 1.14 2.60 2.62",
        "batala-foundry 2 3 3.14 2.86 0.93 2.80 2.60",
        "kalady-rice-mills 1 1 2.57 2.43 1.00 2.60 2.31",
        "jalandhar-foundry 3 4 3.00 2.57 0.86 2.20 2.25",
    ], "{csv}");
    assert_eq!(c.get("/registry/short-lists/nope.csv").status, 404);
}
