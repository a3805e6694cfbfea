//! The funding clearing house over HTTP: posting with field messages (English and Hindi),
//! review by the state's focal point, matches on each page, the weekly mail of new matches
//! (the scheduler's tick driven directly), the national picture, CSV and JSON, and who may do
//! what. (The score's arithmetic is tested beside it, in services::registry::funding.)

mod common;

use diesel::prelude::*;

use common::world::{focal_points, FocalPoints};
use common::{hidden_value, Client, Resp, TestApp};

const PW: &str = "batala foundry owners";
const OFFERS: &str = "/registry/funding/offers";
const PROPOSALS: &str = "/registry/funding/proposals";

fn count(app: &TestApp) -> i64 {
    let mut conn = app.db();
    solex::db::schema::funding_posts::table.count().get_result::<i64>(&mut *conn).unwrap()
}

fn post_form(c: &Client, list: &str, fields: &[(&str, &str)]) -> Resp {
    c.submit(&format!("{list}/new"), &format!("{list}/new"), fields)
}

/// A foundry offer for Punjab and Haryana under STEP, ₹1–5 lakh.
fn foundry_offer(c: &Client) -> Resp {
    post_form(c, OFFERS, &[
        ("title", "Cleaner cupolas"), ("funder", "Punjab Foundry Trust"), ("scheme", "step"), ("amount_min", "1,00,000"), ("amount_max", "5,00,000"),
        ("sectors", "Metal and foundry"), ("states", "Punjab"), ("states", "Haryana"), ("deadline", ""), ("body", "Grants for cupola upgrades."), ("contact", "trust@example.net"),
    ])
}

fn proposal(c: &Client, cluster: &str, title: &str, sector: &str, budget: &str, scheme: &str) -> Resp {
    post_form(c, PROPOSALS, &[
        ("title", title), ("cluster", cluster), ("scheme", scheme), ("budget", budget), ("sectors", sector),
        ("body", "Coke use is high and the air is dirty."), ("partners", "Batala Foundry Association"), ("contact", "assoc@example.net"),
    ])
}

/// The path of a new post, from the redirect after posting.
fn path_of(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    r.location.as_deref().unwrap().split('?').next().unwrap().to_string()
}

fn decide(c: &Client, path: &str, decision: &str, comment: &str) -> Resp {
    let page = c.get(path);
    let lock = hidden_value(&page.body, "lock").unwrap_or_else(|| "0".into());
    c.post(&format!("{path}/review"), &[("lock", &lock), ("decision", decision), ("comment", comment)])
}

fn people() -> FocalPoints {
    focal_points(PW)
}

#[test]
fn posts_with_mistakes_come_back_with_messages_in_english_and_hindi_and_nothing_is_kept() {
    let p = people();
    let r = post_form(&p.member, OFFERS, &[("title", ""), ("amount_min", "lots"), ("amount_max", "10"), ("deadline", "2001-01-01"), ("states", "Atlantis")]);
    assert_eq!(r.status, 400);
    for said in ["Fill this in.", "Give an amount in whole rupees.", "Tick at least one sector.", "The deadline has passed.", "Unknown state: Atlantis."] {
        assert!(r.body.contains(said), "{said}: {}", r.body);
    }
    assert!(r.body.contains("value=\"lots\""), "what was typed is shown again");
    let r = post_form(&p.member, OFFERS, &[("title", "x"), ("funder", "y"), ("scheme", "z"), ("amount_min", "500"), ("amount_max", "100"), ("sectors", "Metal and foundry"), ("body", "b"), ("contact", "c")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("The largest amount must not be below the smallest."), "{}", r.body);
    let r = proposal(&p.member, "no-such-cluster", "t", "Metal and foundry", "0", "");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("The registry has no published cluster by that name.") && r.body.contains("Give an amount in whole rupees."), "{}", r.body);

    // In Hindi too.
    p.member.get("/lang/hi?next=/");
    let r = post_form(&p.member, PROPOSALS, &[("title", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("इसे भरें।") && r.body.contains("क्लस्टर चुनें।") && r.body.contains("कम से कम एक क्षेत्र चुनें।"), "{}", r.body);
    assert_eq!(count(&p.app), 0);
}

#[test]
fn a_member_s_posts_wait_for_the_state_s_focal_point_and_then_match() {
    let p = people();
    // A member's offer waits; only its states' focal points and the national one see it.
    let offer = path_of(&foundry_offer(&p.member));
    assert!(offer.starts_with(&format!("{OFFERS}/")), "{offer}");
    assert!(p.member.get(&offer).body.contains("waiting for review"));
    assert_eq!(p.app.client().get(&offer).status, 404);
    let outsider = p.app.member("other@example.org", PW, "Olga Other");
    assert_eq!(outsider.get(&offer).status, 404);
    assert!(!p.app.client().get(OFFERS).body.contains("Cleaner cupolas"));
    let queue = p.haryana.get("/registry/funding");
    assert!(queue.body.contains("Waiting for your review (1)") && queue.body.contains(&offer), "{}", queue.body);

    // Deciding: a member cannot; a return needs a comment; Haryana's focal point returns it,
    // and the member reads why.
    assert_eq!(decide(&p.member, &offer, "approve", "").status, 403);
    assert_eq!(decide(&outsider, &offer, "approve", "").status, 403);
    let r = decide(&p.haryana, &offer, "return", " ");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Say what needs to change"), "{}", r.body);
    assert_eq!(decide(&p.haryana, &offer, "return", "Name the trust's registration.").status, 303);
    let back = p.member.get(&offer);
    assert!(back.body.contains("returned") && back.body.contains("Name the trust"), "{}", back.body);
    assert_eq!(decide(&p.punjab, &offer, "approve", "").status, 409, "no longer waiting");

    // Posted again and published by Punjab's focal point.
    let offer = path_of(&foundry_offer(&p.member));
    assert_eq!(decide(&p.punjab, &offer, "approve", "").status, 303);
    assert_eq!(p.app.client().get(&offer).status, 200);

    // A member's proposal for a Punjab cluster waits for Punjab, not Haryana.
    let prop = path_of(&proposal(&p.member, "batala-foundry", "Batala cupola upgrade", "Metal and foundry", "3,00,000", "STEP"));
    assert_eq!(p.haryana.get(&prop).status, 404);
    assert_eq!(decide(&p.haryana, &prop, "approve", "").status, 404);
    assert_eq!(decide(&p.punjab, &prop, "approve", "").status, 303);

    // A focal point's own proposal for their state is published at once.
    let own = path_of(&proposal(&p.punjab, "jalandhar-sports-goods", "Stitching centres", "Sports goods", "50,000", ""));
    assert!(p.app.client().get(&own).body.contains("Stitching centres"));

    // Matches on both pages: scheme 40 + sector 30 + state 20 + budget 10.
    let page = p.app.client().get(&offer);
    assert!(page.body.contains("Matches (1)") && page.body.contains("Batala cupola upgrade") && page.body.contains("<td class=\"num\">100</td>"), "{}", page.body);
    let page = p.app.client().get(&prop);
    assert!(page.body.contains("Matches (1)") && page.body.contains("Cleaner cupolas") && page.body.contains("₹1,00,000"), "{}", page.body);
    assert!(p.app.client().get(&own).body.contains("No matches yet."), "sports goods share nothing with the foundry offer");
    // In Hindi.
    let hindi = p.app.client();
    hindi.get("/lang/hi?next=/");
    assert!(hindi.get(&offer).body.contains("मिलान (1)"));
}

#[test]
fn lists_filter_and_export_published_posts_only() {
    let p = people();
    let offer = path_of(&foundry_offer(&p.national));
    let closed = path_of(&post_form(&p.national, OFFERS, &[
        ("title", "Handloom looms"), ("funder", "Weavers Fund"), ("scheme", "Any textile scheme"), ("amount_min", "0"), ("amount_max", "20000"),
        ("sectors", "Handloom"), ("body", "Looms."), ("contact", "fund@example.net"),
    ]));
    path_of(&proposal(&p.member, "samalkha-foundry", "Samalkha waiting", "Metal and foundry", "1000", ""));
    // A deadline passes.
    {
        let mut conn = p.app.db();
        let id: i64 = closed.rsplit('/').next().unwrap().parse().unwrap();
        use solex::db::schema::funding_posts as f;
        diesel::update(f::table.find(id)).set(f::deadline.eq("2020-01-01")).execute(&mut *conn).unwrap();
    }
    let anon = p.app.client();
    let all = anon.get(OFFERS);
    assert!(all.body.contains("Cleaner cupolas") && all.body.contains("Handloom looms") && all.body.contains("closed"), "{}", all.body);
    let open = anon.get(&format!("{OFFERS}?open=1"));
    assert!(open.body.contains("Cleaner cupolas") && !open.body.contains("Handloom looms"));
    let haryana = anon.get(&format!("{OFFERS}?state=Haryana&sector=Metal+and+foundry&scheme=STEP"));
    assert!(haryana.body.contains("Cleaner cupolas") && !haryana.body.contains("Handloom looms"), "an offer for every state is listed under each, if its sector fits");
    assert!(!anon.get(&format!("{OFFERS}?state=Gujarat&sector=Metal+and+foundry")).body.contains("Cleaner cupolas"));
    assert!(!anon.get(PROPOSALS).body.contains("Samalkha waiting"), "a waiting proposal is not listed");

    let csv = anon.get(&format!("{OFFERS}.csv?open=1"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.header("content-disposition"), Some("attachment; filename=\"solex-funding-offers.csv\""));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "id,title,scheme,funder,amount_min,amount_max,sectors,states,deadline,open,description,contact,published_at");
    assert_eq!(lines.len(), 2, "{}", csv.body);
    let id = offer.rsplit('/').next().unwrap();
    assert!(lines[1].starts_with(&format!("{id},Cleaner cupolas,step,Punjab Foundry Trust,100000,500000,Metal and foundry,Punjab; Haryana,,true,")), "{}", lines[1]);
    let json: serde_json::Value = serde_json::from_str(&anon.get(&format!("{OFFERS}.json")).body).unwrap();
    let offers = json["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 2);
    let cupolas = offers.iter().find(|o| o["title"] == "Cleaner cupolas").unwrap();
    assert_eq!(cupolas["amount_max"], 500000);
    assert_eq!(cupolas["states"], serde_json::json!(["Punjab", "Haryana"]));
    assert_eq!(offers.iter().find(|o| o["title"] == "Handloom looms").unwrap()["open"], false);
    let json: serde_json::Value = serde_json::from_str(&anon.get(&format!("{PROPOSALS}.json")).body).unwrap();
    assert_eq!(json["proposals"].as_array().unwrap().len(), 0);
    assert_eq!(anon.get("/registry/funding/grants.csv").status, 404);
}

/// The weekly mails of new matches to `to` so far.
fn funding_mails(app: &TestApp, to: &str) -> Vec<common::Mail> {
    app.drain();
    app.mails().into_iter().filter(|m| m.to == to && (m.subject.contains("new matches") || m.subject.contains("नए मिलान"))).collect()
}

/// The mails to `to` so far that a funding post waits for their review.
fn review_mails(app: &TestApp, to: &str) -> Vec<common::Mail> {
    app.drain();
    app.mails().into_iter().filter(|m| m.to == to && (m.subject.contains("waits for your review") || m.subject.contains("आपकी समीक्षा की प्रतीक्षा"))).collect()
}

#[test]
fn both_sides_get_one_weekly_mail_of_new_matches_in_their_language() {
    let p = people();
    let env = p.app.env();
    let tick = |at: chrono::NaiveDateTime| {
        let mut conn = p.app.db();
        solex::services::registry::funding::weekly_tick(&mut conn, &env, at).unwrap()
    };
    let now = solex::models::now();
    assert_eq!(tick(now), 0, "nothing to match, nothing sent");
    let offer = path_of(&foundry_offer(&p.national));
    assert_eq!(tick(now), 0, "an offer without proposals");
    // The member reads Hindi.
    {
        let mut conn = p.app.db();
        use solex::db::schema::users;
        diesel::update(users::table.filter(users::email.eq("member@example.org"))).set(users::language.eq("hi")).execute(&mut *conn).unwrap();
    }
    let prop = path_of(&proposal(&p.member, "batala-foundry", "Batala cupola upgrade", "Metal and foundry", "3,00,000", ""));
    assert_eq!(tick(now), 0, "a proposal waiting for review matches nothing");
    assert_eq!(decide(&p.punjab, &prop, "approve", "").status, 303);

    assert_eq!(tick(now), 2, "the offer's author and the proposal's");
    let to_national = funding_mails(&p.app, "nfp@example.org");
    assert_eq!(to_national.len(), 1);
    let m = &to_national[0];
    assert!(m.subject.contains("1 new matches this week"), "{}", m.subject);
    assert!(m.text.contains("Cleaner cupolas ↔ Batala cupola upgrade (score 60)") && m.text.contains(&prop), "the offer's author is sent to the proposal: {}", m.text);
    let to_member = funding_mails(&p.app, "member@example.org");
    assert_eq!(to_member.len(), 1);
    assert!(to_member[0].subject.contains("इस सप्ताह 1 नए मिलान") && to_member[0].text.contains(&offer), "{}", to_member[0].text);

    // Once a week: the same tick again sends nothing.
    assert_eq!(tick(now), 0);
    // A new match this week waits for next week's mail, which lists only it.
    let second = path_of(&proposal(&p.punjab, "batala-foundry", "Batala sand reuse", "Metal and foundry", "9,00,000", "step"));
    assert_eq!(tick(now), 1, "Punjab's focal point hears of their match now; the national one had this week's mail");
    assert_eq!(funding_mails(&p.app, "pb@example.org").len(), 1);
    let next_week = now + chrono::Duration::days(7);
    assert_eq!(tick(next_week), 1, "the national focal point, next week");
    let to_national = funding_mails(&p.app, "nfp@example.org");
    assert_eq!(to_national.len(), 2, "a second mail the next week");
    assert!(to_national[1].text.contains("Batala sand reuse") && !to_national[1].text.contains("Batala cupola upgrade"), "{}", to_national[1].text);
    assert!(to_national[1].text.contains(&second));
    assert_eq!(funding_mails(&p.app, "pb@example.org").len(), 1, "Punjab's focal point has nothing new");
    assert_eq!(funding_mails(&p.app, "member@example.org").len(), 1, "the member has nothing new");
    assert_eq!(tick(next_week + chrono::Duration::days(7)), 0, "nothing new, no mail");
}

#[test]
fn the_national_focal_point_sees_the_national_picture() {
    let p = people();
    path_of(&foundry_offer(&p.national));
    path_of(&post_form(&p.national, OFFERS, &[
        ("title", "Everywhere fund"), ("funder", "National Fund"), ("scheme", "swayamsidha"), ("amount_min", "0"), ("amount_max", "1,00,000"),
        ("sectors", "Sports goods"), ("body", "For all."), ("contact", "nf@example.net"),
    ]));
    path_of(&proposal(&p.punjab, "batala-foundry", "Batala cupola upgrade", "Metal and foundry", "3,00,000", ""));
    path_of(&proposal(&p.punjab, "jalandhar-sports-goods", "Stitching centres", "Sports goods", "50,000", ""));
    // Waiting: not counted.
    path_of(&proposal(&p.member, "samalkha-foundry", "Samalkha waiting", "Metal and foundry", "7,000", ""));

    assert_eq!(p.punjab.get("/registry/funding/national").status, 403);
    assert_eq!(p.member.get("/registry/funding/national").status, 403);
    let page = p.national.get("/registry/funding/national");
    assert_eq!(page.status, 200);
    let row = |name: &str| -> Vec<String> {
        let start = page.body.find(&format!("<th scope=\"row\">{name}</th>")).unwrap_or_else(|| panic!("no row {name}: {}", page.body));
        let end = start + page.body[start..].find("</tr>").unwrap();
        page.body[start..end].split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap().to_string()).collect()
    };
    // Punjab: the foundry offer (₹5 lakh), two proposals (₹3.5 lakh), the foundry match and
    // the sports match (the national fund is open to every state).
    assert_eq!(row("Punjab"), ["1", "₹5,00,000", "2", "₹3,50,000", "2"]);
    assert_eq!(row("Haryana"), ["1", "₹5,00,000", "0", "₹0", "0"]);
    assert_eq!(row("Every state"), ["1", "₹1,00,000", "0", "₹0", "0"]);
    assert_eq!(row("Sports goods"), ["1", "₹1,00,000", "1", "₹50,000", "1"]);
    assert_eq!(row("Metal and foundry"), ["1", "₹5,00,000", "1", "₹3,00,000", "1"]);
    // The nation counts each once, in both tables.
    assert_eq!(page.body.matches("<th scope=\"row\">All India</th><td class=\"num\">2</td><td class=\"num\">₹6,00,000</td><td class=\"num\">2</td><td class=\"num\">₹3,50,000</td><td class=\"num\">2</td>").count(), 2, "{}", page.body);
    let hindi = p.national.clone();
    hindi.get("/lang/hi?next=/");
    assert!(hindi.get("/registry/funding/national").body.contains("पूरा भारत"));
}

#[test]
fn who_may_do_what() {
    let p = people();
    let anon = p.app.client();
    let r = anon.get(&format!("{OFFERS}/new"));
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().starts_with("/login"));
    assert_eq!(p.member.get(&format!("{PROPOSALS}/new")).status, 200);
    // Without the form's token nothing is posted.
    let r = p.member.post_raw(&format!("{OFFERS}/new"), &[("title", "x")]);
    assert!(r.status == 403 || r.status == 400, "{}", r.status);
    // A state focal point's offer is published at once, even for another state.
    let offer = path_of(&foundry_offer(&p.haryana));
    assert_eq!(anon.get(&offer).status, 200);
    // No review form on a published post, and no second decision.
    assert!(hidden_value(&p.national.get(&offer).body, "lock").is_none());
    assert_eq!(decide(&p.national, &offer, "approve", "").status, 409);
    // The national focal point reviews any state's waiting post; the kind in the path must fit.
    let prop = path_of(&proposal(&p.member, "samalkha-foundry", "Samalkha", "Metal and foundry", "1000", ""));
    let id = prop.rsplit('/').next().unwrap();
    assert_eq!(p.national.get(&format!("{OFFERS}/{id}")).status, 404);
    assert_eq!(decide(&p.punjab, &prop, "approve", "").status, 404, "Punjab does not keep Haryana's");
    assert_eq!(decide(&p.national, &prop, "approve", "").status, 303);
    // An administrator is no focal point.
    let other = path_of(&proposal(&p.member, "samalkha-foundry", "Samalkha two", "Metal and foundry", "1000", ""));
    assert_eq!(decide(&p.admin, &other, "approve", "").status, 403);
    assert_eq!(p.admin.get("/registry/funding/national").status, 403);
}

/// Opens a post's edit form and sends it with these fields and the lock the form carries.
fn edit(c: &Client, path: &str, fields: &[(&str, &str)]) -> Resp {
    let page = c.get(&format!("{path}/edit"));
    assert_eq!(page.status, 200, "{}", page.body);
    let lock = hidden_value(&page.body, "lock").expect("the edit form carries its lock");
    let mut all = vec![("lock", lock.as_str())];
    all.extend_from_slice(fields);
    c.submit(&format!("{path}/edit"), &format!("{path}/edit"), &all)
}

const CUPOLA_FIELDS: [(&str, &str); 10] = [
    ("funder", "Punjab Foundry Trust"), ("scheme", "step"), ("amount_min", "1,00,000"), ("amount_max", "5,00,000"),
    ("sectors", "Metal and foundry"), ("states", "Punjab"), ("states", "Haryana"), ("deadline", ""), ("body", "Grants for cupola upgrades."), ("contact", "trust@example.net"),
];

#[test]
fn authors_and_their_focal_points_edit_posts_and_a_member_s_edit_goes_back_to_review() {
    let p = people();
    let offer = path_of(&foundry_offer(&p.member));
    assert_eq!(decide(&p.punjab, &offer, "approve", "").status, 303);
    let outsider = p.app.member("other@example.org", PW, "Olga Other");
    // The form shows what is stored; only the author and the post's focal points open it.
    let form = p.member.get(&format!("{offer}/edit"));
    assert!(form.body.contains("value=\"Cleaner cupolas\"") && form.body.contains("value=\"500000\""), "{}", form.body);
    assert_eq!(outsider.get(&format!("{offer}/edit")).status, 403);
    assert!(p.app.client().get(&format!("{offer}/edit")).location.unwrap_or_default().starts_with("/login"));
    assert!(!outsider.get(&offer).body.contains(&format!("{offer}/edit")), "no edit link for others");
    assert!(p.member.get(&offer).body.contains(&format!("{offer}/edit")));
    // A wrong edit comes back with field messages (in Hindi too), and nothing changes.
    let mut bad: Vec<(&str, &str)> = vec![("title", "")];
    bad.extend(CUPOLA_FIELDS.iter().copied().filter(|(k, _)| *k != "amount_max"));
    bad.push(("amount_max", "10"));
    let r = edit(&p.member, &offer, &bad);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Fill this in.") && r.body.contains("The largest amount must not be below the smallest.") && r.body.contains("value=\"10\""), "{}", r.body);
    p.member.get("/lang/hi?next=/");
    let r = edit(&p.member, &offer, &bad);
    assert!(r.status == 400 && r.body.contains("इसे भरें।"), "{}", r.body);
    p.member.get("/lang/en?next=/");
    // Without the form's token nothing changes.
    let r = p.member.post_raw(&format!("{offer}/edit"), &[("title", "x")]);
    assert!(r.status == 403 || r.status == 400, "{}", r.status);
    assert!(p.app.client().get(OFFERS).body.contains("Cleaner cupolas"));

    // The member's edit of the published offer goes back to review: off the public list, in
    // Punjab's queue again.
    let mut good: Vec<(&str, &str)> = vec![("title", "Cleaner cupolas, second call")];
    good.extend(CUPOLA_FIELDS);
    let r = edit(&p.member, &offer, &good);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.unwrap().ends_with("?done=submitted"));
    assert_eq!(p.app.client().get(&offer).status, 404);
    assert!(p.member.get(&offer).body.contains("waiting for review"));
    assert!(p.punjab.get("/registry/funding").body.contains("Cleaner cupolas, second call"));
    assert_eq!(decide(&p.punjab, &offer, "approve", "").status, 303);
    // A focal point of its state edits it and it stays published; an edit read before that
    // one is refused, not lost over it.
    let stale = p.member.get(&format!("{offer}/edit"));
    let stale_lock = hidden_value(&stale.body, "lock").unwrap();
    let mut fp: Vec<(&str, &str)> = vec![("title", "Cleaner cupolas (Punjab)")];
    fp.extend(CUPOLA_FIELDS);
    let r = edit(&p.haryana, &offer, &fp);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.unwrap().ends_with("?done=saved"));
    assert!(p.app.client().get(&offer).body.contains("Cleaner cupolas (Punjab)"));
    let mut late: Vec<(&str, &str)> = vec![("lock", stale_lock.as_str()), ("title", "Lost")];
    late.extend(CUPOLA_FIELDS);
    assert_eq!(p.member.post(&format!("{offer}/edit"), &late).status, 409);
    // The national focal point may; Gujarat's offer is no business of Haryana's.
    let gujarat = path_of(&post_form(&p.member, OFFERS, &[
        ("title", "Surat looms"), ("funder", "Gujarat Fund"), ("scheme", "step"), ("amount_min", "0"), ("amount_max", "100"),
        ("sectors", "Handloom"), ("states", "Gujarat"), ("body", "Looms."), ("contact", "g@example.net"),
    ]));
    assert_eq!(p.haryana.get(&format!("{gujarat}/edit")).status, 404, "a waiting post of another state is not shown");
    assert_eq!(p.national.get(&format!("{gujarat}/edit")).status, 200);
}

#[test]
fn closed_posts_stop_matching_and_leave_the_lists_unless_asked_for() {
    let p = people();
    let offer = path_of(&foundry_offer(&p.national));
    let prop = path_of(&proposal(&p.member, "batala-foundry", "Batala cupola upgrade", "Metal and foundry", "3,00,000", "STEP"));
    assert_eq!(decide(&p.punjab, &prop, "approve", "").status, 303);
    assert!(p.app.client().get(&offer).body.contains("Matches (1)"));
    let outsider = p.app.member("other@example.org", PW, "Olga Other");
    assert_eq!(outsider.post(&format!("{prop}/close"), &[]).status, 403);
    assert_eq!(p.haryana.post(&format!("{prop}/close"), &[]).status, 403, "Punjab's proposal is not Haryana's");
    assert_eq!(p.app.client().post(&format!("{prop}/close"), &[]).location.unwrap_or_default().split('?').next(), Some("/login"));
    let r = p.member.post_raw(&format!("{prop}/close"), &[]);
    assert!(r.status == 403 || r.status == 400, "no token, no close: {}", r.status);
    assert!(p.app.client().get(PROPOSALS).body.contains("Batala cupola upgrade"));

    // Its author closes it.
    let page = p.member.get(&prop);
    let token = hidden_value(&page.body[page.body.find(&format!("{prop}/close")).unwrap()..], "csrf").unwrap();
    let r = p.member.post_raw(&format!("{prop}/close"), &[("csrf", &token)]);
    assert_eq!(r.status, 303);
    let shown = p.app.client().get(&prop);
    assert!(shown.status == 200 && shown.body.contains("closed") && !shown.body.contains(&format!("{prop}/close")), "{}", shown.body);
    assert!(p.app.client().get(&offer).body.contains("No matches yet."), "a closed proposal matches nothing");
    assert!(!p.app.client().get(PROPOSALS).body.contains("Batala cupola upgrade"));
    assert_eq!(p.app.client().get(&format!("{PROPOSALS}.json")).body.matches("Batala cupola upgrade").count(), 0);
    let with_closed = p.app.client().get(&format!("{PROPOSALS}?closed=1"));
    assert!(with_closed.body.contains("Batala cupola upgrade") && with_closed.body.contains("closed"), "{}", with_closed.body);
    // Closed is final: no edit, no second close.
    assert_eq!(p.member.get(&format!("{prop}/edit")).status, 409);
    assert_eq!(p.member.post(&format!("{prop}/close"), &[]).status, 409);
    // Punjab's focal point closes the national offer for Punjab: it is no longer open.
    assert_eq!(p.punjab.post(&format!("{offer}/close"), &[]).status, 303);
    let csv = p.app.client().get(&format!("{OFFERS}.csv?closed=1"));
    assert!(csv.body.lines().nth(1).unwrap().contains(",false,"), "{}", csv.body);
    assert_eq!(p.app.client().get(&format!("{OFFERS}.csv")).body.lines().count(), 1);
}

#[test]
fn the_focal_points_of_its_states_are_mailed_once_when_a_post_waits_for_them() {
    let p = people();
    {
        let mut conn = p.app.db();
        use solex::db::schema::users;
        diesel::update(users::table.filter(users::email.eq("hr@example.org"))).set(users::language.eq("hi")).execute(&mut *conn).unwrap();
    }
    // A member's offer for Punjab and Haryana: both states' focal points, each in their
    // language, with a link to the review queue; not the national one.
    let offer = path_of(&foundry_offer(&p.member));
    let to_punjab = review_mails(&p.app, "pb@example.org");
    assert_eq!(to_punjab.len(), 1);
    assert!(to_punjab[0].subject.contains("\"Cleaner cupolas\" waits for your review"), "{}", to_punjab[0].subject);
    assert!(to_punjab[0].text.contains("Punjab, Haryana") && to_punjab[0].text.contains("/registry/funding"), "{}", to_punjab[0].text);
    let to_haryana = review_mails(&p.app, "hr@example.org");
    assert_eq!(to_haryana.len(), 1);
    assert!(to_haryana[0].subject.contains("आपकी समीक्षा की प्रतीक्षा") && to_haryana[0].text.contains("पंजाब"), "{} {}", to_haryana[0].subject, to_haryana[0].text);
    assert!(review_mails(&p.app, "nfp@example.org").is_empty());
    // Editing it while it waits is no new submission.
    let mut again: Vec<(&str, &str)> = vec![("title", "Cleaner cupolas")];
    again.extend(CUPOLA_FIELDS);
    assert_eq!(edit(&p.member, &offer, &again).status, 303);
    assert_eq!(review_mails(&p.app, "pb@example.org").len(), 1, "sent once");
    // Published, then edited by its author: it waits again, and they are told again.
    assert_eq!(decide(&p.punjab, &offer, "approve", "").status, 303);
    assert_eq!(edit(&p.member, &offer, &again).status, 303);
    assert_eq!(review_mails(&p.app, "pb@example.org").len(), 2);

    // An offer for every state, and one for a state without a focal point: the national one.
    path_of(&post_form(&p.member, OFFERS, &[
        ("title", "Everywhere fund"), ("funder", "National Fund"), ("scheme", "step"), ("amount_min", "0"), ("amount_max", "100"),
        ("sectors", "Handloom"), ("body", "For all."), ("contact", "nf@example.net"),
    ]));
    path_of(&post_form(&p.member, OFFERS, &[
        ("title", "Surat looms"), ("funder", "Gujarat Fund"), ("scheme", "step"), ("amount_min", "0"), ("amount_max", "100"),
        ("sectors", "Handloom"), ("states", "Gujarat"), ("body", "Looms."), ("contact", "g@example.net"),
    ]));
    let to_national = review_mails(&p.app, "nfp@example.org");
    assert_eq!(to_national.len(), 2);
    assert!(to_national.iter().any(|m| m.text.contains("Every state")) && to_national.iter().any(|m| m.text.contains("Gujarat")));
    // A member's proposal waits for its cluster's state only.
    path_of(&proposal(&p.member, "samalkha-foundry", "Samalkha waiting", "Metal and foundry", "1000", ""));
    assert_eq!(review_mails(&p.app, "hr@example.org").len(), 3);
    assert_eq!(review_mails(&p.app, "pb@example.org").len(), 2);
    // A focal point's own post is published at once: nobody is asked to review it.
    path_of(&proposal(&p.punjab, "batala-foundry", "Batala own", "Metal and foundry", "1000", ""));
    path_of(&foundry_offer(&p.haryana));
    assert_eq!(review_mails(&p.app, "pb@example.org").len(), 2);
    assert_eq!(review_mails(&p.app, "nfp@example.org").len(), 2);
    assert_eq!(review_mails(&p.app, "hr@example.org").len(), 3);
}
