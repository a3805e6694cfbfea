//! Awards (issue 22): the national focal point opens a cycle with published criteria and a
//! jury; focal points nominate registry records; once nominations close the jury is told and
//! scores; the national focal point publishes the results, the nominators are told, and the
//! results link the winning practice to its best-practice record (whose page shows the
//! award). Every phase and right is checked on the server.

mod common;

use common::world::{focal_points, FocalPoints};
use common::{Client, Resp};
use diesel::prelude::*;
use solex::db::schema::award_cycles as ac;

const PW: &str = "barpali ikat weavers";
const PRACTICE: &str = "/registry/practices/double-blast-cupolas-samalkha";

struct Awards {
    r: FocalPoints,
    jaya: Client,
    kiran: Client,
}

fn awards() -> Awards {
    let r = focal_points(PW);
    let jaya = r.app.member("jaya@example.org", PW, "Jaya Juror");
    let kiran = r.app.member("kiran@example.org", PW, "Kiran Juror");
    Awards { r, jaya, kiran }
}

fn day(offset: i64) -> String {
    (solex::models::now().date() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string()
}

const CRITERIA: &str = "Economic benefit | 40 | Turnover and jobs gained by the enterprises\nSocial and environmental impact | 30 | Workers, community and pollution";

/// The national focal point opens a cycle with nominations open today; returns its path.
fn open_cycle(a: &Awards, open: i64) -> String {
    let (o, c, j) = (day(open), day(open + 10), day(open + 20));
    let fields = [
        ("year", "2026"),
        ("title", "Cluster awards 2026"),
        ("description", "For clusters that tackled social and environmental issues with economic benefit."),
        ("categories", "cluster"),
        ("categories", "association"),
        ("nominations_open", o.as_str()),
        ("nominations_close", c.as_str()),
        ("jury_close", j.as_str()),
        ("criteria", CRITERIA),
        ("jurors", "jaya@example.org\nkiran@example.org\nhr@example.org"),
    ];
    let resp = a.r.national.submit("/registry/awards/new", "/registry/awards/new", &fields);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let loc = resp.location.unwrap();
    assert!(loc.ends_with("?done=opened"), "{loc}");
    loc.trim_end_matches("?done=opened").to_string()
}

fn cycle_id(path: &str) -> i64 {
    path.rsplit('/').next().unwrap().parse().unwrap()
}

fn nominate(who: &Client, cycle: &str, category: &str, nominee: &str, practice: &str, statement: &str) -> Resp {
    who.submit(&format!("{cycle}/nominate"), &format!("{cycle}/nominate"), &[("category", category), ("nominee", nominee), ("practice", practice), ("statement", statement)])
}

fn nomination_path(resp: &Resp) -> String {
    assert_eq!(resp.status, 303, "{}", resp.body);
    resp.location.clone().unwrap().trim_end_matches("?done=nominated").to_string()
}

/// Moves the cycle's days: nominations closed `closed_days_ago`, and the jury's deadline
/// `jury` days from today.
fn close_nominations(a: &Awards, id: i64, closed_days_ago: i64, jury: i64) {
    let mut conn = a.r.app.db();
    diesel::update(ac::table.find(id))
        .set((ac::nominations_open.eq(day(-closed_days_ago - 5)), ac::nominations_close.eq(day(-closed_days_ago)), ac::jury_close.eq(day(jury))))
        .execute(&mut *conn)
        .unwrap();
}

fn open_scoring(a: &Awards) -> usize {
    let env = a.r.app.env();
    let mut conn = a.r.app.db();
    solex::services::registry::awards::open_scoring(&mut conn, &env, solex::models::now()).unwrap()
}

/// Award mails to `to`, once everything due is sent.
fn award_mails(a: &Awards, to: &str) -> Vec<common::Mail> {
    a.r.app.drain();
    a.r.app.mails().into_iter().filter(|m| m.to == to && m.subject.contains("solex awards")).collect()
}

fn score(who: &Client, nomination: &str, economic: &str, social: &str) -> Resp {
    who.post(&format!("{nomination}/score"), &[("points-1", economic), ("remark-1", "Seen on the visit"), ("points-2", social), ("remark-2", "")])
}

#[test]
fn a_whole_cycle_runs_from_published_criteria_to_results_linked_to_the_best_practice() {
    let a = awards();
    let anon = a.r.app.client();
    assert!(anon.get("/registry/awards").body.contains("No award cycles yet."));
    let cycle = open_cycle(&a, 0);
    let id = cycle_id(&cycle);

    // The criteria, their maximum points and the jury are public before anything else.
    let page = anon.get(&cycle);
    assert_eq!(page.status, 200);
    for text in ["Cluster awards 2026", "Economic benefit", "Turnover and jobs gained by the enterprises", "<td class=\"num\">40</td>", "<td class=\"num\">70</td>", "Jaya Juror", "Kiran Juror", "Harish Haryana", "Nominations open"] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(anon.get("/registry/awards").body.contains(&cycle));

    // Focal points nominate: Haryana its Samalkha foundry, resting on the cupola practice;
    // Punjab its Jalandhar sports goods cluster, and the sports goods association.
    let samalkha = nomination_path(&nominate(&a.r.haryana, &cycle, "cluster", "cluster:samalkha-foundry", "double-blast-cupolas-samalkha", "Cupolas that halved coke use.\n\nAnd cleaner air."));
    let jalandhar = nomination_path(&nominate(&a.r.punjab, &cycle, "cluster", "cluster:jalandhar-sports-goods", "", "Child labour ended in stitching."));
    let sgfi = nomination_path(&nominate(&a.r.punjab, &cycle, "association", "agency:sgfi", "", "The association that led it."));

    // Before the results the public sees counts only, not the nominations.
    let page = anon.get(&cycle);
    assert!(page.body.contains("Cluster: 2 nominations") && page.body.contains("Business association: 1 nomination"), "{}", page.body);
    assert!(!page.body.contains("/nominations/"), "{}", page.body);
    assert_eq!(anon.get(&samalkha).status, 404);
    assert_eq!(a.r.member.get(&samalkha).status, 404);
    assert_eq!(a.r.haryana.get(&samalkha).status, 200);

    // No scoring while nominations are open, and nobody told yet.
    assert_eq!(score(&a.jaya, &samalkha, "30", "20").status, 409);
    assert_eq!(open_scoring(&a), 0);

    // Nominations close: each juror is told once, in a mail naming the deadline.
    close_nominations(&a, id, 1, 10);
    assert_eq!(open_scoring(&a), 3);
    assert_eq!(open_scoring(&a), 0, "told once");
    let told = award_mails(&a, "jaya@example.org");
    assert_eq!(told.len(), 1);
    let told = &told[0];
    assert!(told.subject.contains("scoring is open for Cluster awards 2026"), "{}", told.subject);
    assert!(told.text.contains(&day(10)) && told.text.contains(&cycle), "{}", told.text);
    assert_eq!(award_mails(&a, "kiran@example.org").len(), 1);
    assert_eq!(award_mails(&a, "hr@example.org").len(), 1);

    // A juror sees the nominations and the score sheet; out-of-range points are refused
    // with the criterion named, and nothing is kept.
    let sheet = a.jaya.get(&samalkha);
    assert!(sheet.body.contains("name=\"points-1\"") && sheet.body.contains("Cupolas that halved coke use."), "{}", sheet.body);
    let bad = score(&a.jaya, &samalkha, "41", "x");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Economic benefit: give whole points from 0 to 40.") && bad.body.contains("Social and environmental impact: give whole points from 0 to 30."), "{}", bad.body);

    // Samalkha: 35 + 25 = 60 and 30 + 20 = 50, average 55. Jalandhar: 30 + 20 = 50,
    // 40 + 30 = 70 and 20 + 10 = 30, average 50. The association: 20 + 20 = 40.
    for (who, nomination, e, s) in [(&a.jaya, &samalkha, "35", "25"), (&a.kiran, &samalkha, "30", "20"), (&a.jaya, &jalandhar, "30", "20"), (&a.kiran, &jalandhar, "40", "30"), (&a.r.haryana, &jalandhar, "20", "10"), (&a.jaya, &sgfi, "20", "20")] {
        let resp = score(who, nomination, e, s);
        assert_eq!(resp.status, 303, "{nomination}: {}", resp.body);
    }
    // Scoring again replaces the juror's sheet.
    assert_eq!(score(&a.jaya, &sgfi, "10", "10").status, 303);
    assert_eq!(score(&a.jaya, &sgfi, "20", "20").status, 303);
    assert!(a.jaya.get(&sgfi).body.contains("value=\"20\""));

    // Haryana's focal point made the Samalkha nomination: as a juror it may not score it.
    assert!(a.r.haryana.get(&samalkha).body.contains("You made this nomination"));
    assert_eq!(score(&a.r.haryana, &samalkha, "40", "30").status, 403);
    // A juror who declares a conflict does not score it.
    let resp = a.kiran.post(&format!("{sgfi}/conflict"), &[("reason", "I advised the association")]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    assert!(a.kiran.get(&sgfi).body.contains("You declared a conflict of interest"));
    assert_eq!(score(&a.kiran, &sgfi, "30", "30").status, 403);
    // Those not on the jury may not score at all.
    assert_eq!(score(&a.r.punjab, &samalkha, "40", "30").status, 403);
    assert_eq!(score(&a.r.member, &samalkha, "40", "30").status, 403);
    assert_eq!(score(&a.r.national, &samalkha, "40", "30").status, 403);

    // The national focal point sees the ranking so far; the public does not.
    let provisional = a.r.national.get(&cycle);
    assert!(provisional.body.contains("Ranking so far (not published)") && provisional.body.contains("55.00"), "{}", provisional.body);
    assert!(!anon.get(&cycle).body.contains("55.00"));
    assert_eq!(anon.get(&format!("{cycle}/results")).status, 404);
    assert_eq!(anon.get(&format!("{cycle}/results.csv")).status, 404);
    assert_eq!(a.r.punjab.post(&format!("{cycle}/publish"), &[]).status, 403);

    // Published: the nominators are told where their nominations placed.
    let resp = a.r.national.post(&format!("{cycle}/publish"), &[]);
    assert_eq!(resp.status, 303, "{}", resp.body);
    let results = format!("{cycle}/results");
    assert_eq!(resp.location.as_deref(), Some(format!("{results}?done=published").as_str()));
    let mail = award_mails(&a, "hr@example.org").pop().unwrap();
    assert!(mail.subject.contains("results of Cluster awards 2026"), "{}", mail.subject);
    assert!(mail.text.contains("Samalkha foundry (Cluster): Winner") && mail.text.contains(&results), "{}", mail.text);
    let punjab: Vec<String> = award_mails(&a, "pb@example.org").into_iter().map(|m| m.text).collect();
    assert_eq!(punjab.len(), 2);
    assert!(punjab.iter().any(|t| t.contains("Jalandhar sports goods (Cluster): Runner-up")), "{punjab:?}");
    assert!(punjab.iter().any(|t| t.contains("Sports Goods Foundation of India (Business association): Winner")), "{punjab:?}");
    assert_eq!(award_mails(&a, "jaya@example.org").len(), 1, "jurors who nominated nothing get no results mail");

    // The results page: winners, averages, and the winning practice linked to its record.
    let page = anon.get(&results);
    assert_eq!(page.status, 200);
    for text in ["Winner", "Runner-up", "55.00", "50.00", "40.00", &format!("href=\"{PRACTICE}\""), "href=\"/registry/clusters/samalkha-foundry\""] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    // ... and the best-practice record's page shows the award, linking back to the results.
    let record = anon.get(PRACTICE);
    assert!(record.body.contains("<h2 id=\"awards-h\">Awards</h2>") && record.body.contains(&format!("href=\"{results}\"")), "{}", record.body);
    assert!(record.body.contains("<strong>Winner</strong>, Cluster"), "{}", record.body);
    let cluster = anon.get("/registry/clusters/jalandhar-sports-goods");
    assert!(cluster.body.contains("<strong>Runner-up</strong>, Cluster"), "{}", cluster.body);
    // Nominations and the jurors' sheets are public now.
    let n = anon.get(&samalkha);
    assert_eq!(n.status, 200);
    assert!(n.body.contains("Jaya Juror") && n.body.contains("Seen on the visit") && n.body.contains("<td class=\"num\">60</td>"), "{}", n.body);
    assert!(anon.get(&cycle).body.contains(&samalkha));

    // Nothing changes after publishing.
    assert_eq!(score(&a.jaya, &samalkha, "0", "0").status, 409);
    assert_eq!(a.jaya.post(&format!("{samalkha}/conflict"), &[("reason", "late")]).status, 409);
    assert_eq!(a.r.national.post(&format!("{cycle}/publish"), &[]).status, 409);
    assert_eq!(a.r.haryana.get(&format!("{cycle}/nominate")).status, 409);
    assert!(anon.get(&results).body.contains("55.00"));

    // The exports: CSV and JSON.
    let csv = anon.get(&format!("{results}.csv"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let cd = csv.header("content-disposition").unwrap();
    assert!(cd.starts_with("attachment; filename=\"solex-awards-") && cd.ends_with(&format!("-{}.csv\"", cycle.rsplit('/').next().unwrap())), "{cd}");
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "category,rank,place,nominee_kind,nominee,nominee_title,state,practice,practice_title,average,jurors,max_total");
    assert_eq!(lines[1], "cluster,1,winner,cluster,samalkha-foundry,Samalkha foundry,Haryana,double-blast-cupolas-samalkha,Double-blast cupolas cut coke use in Samalkha,55.00,2,70");
    assert_eq!(lines[2], "cluster,2,runner-up,cluster,jalandhar-sports-goods,Jalandhar sports goods,Punjab,,,50.00,3,70");
    assert_eq!(lines[3], "association,1,winner,agency,sgfi,Sports Goods Foundation of India,Punjab,,,40.00,1,70");
    let json: serde_json::Value = serde_json::from_str(&anon.get(&format!("{results}.json")).body).unwrap();
    assert_eq!(json["year"], 2026);
    assert_eq!(json["criteria"][0]["max_points"], 40);
    let first = &json["categories"][0]["nominations"][0];
    assert_eq!((first["nominee"]["slug"].as_str(), first["place"].as_str(), first["average"].as_f64()), (Some("samalkha-foundry"), Some("winner"), Some(55.0)));
    assert_eq!(first["practice"]["slug"], "double-blast-cupolas-samalkha");

    // In Hindi.
    let hindi = a.r.app.client();
    hindi.get("/lang/hi?next=/");
    let page = hindi.get(&results);
    assert!(page.body.contains("विजेता") && page.body.contains("उपविजेता"), "{}", page.body);
    assert!(hindi.get(PRACTICE).body.contains("पुरस्कार"));
}

#[test]
fn only_the_national_focal_point_opens_cycles_and_a_bad_form_is_shown_again() {
    let a = awards();
    assert_eq!(a.r.member.get("/registry/awards/new").status, 403);
    assert_eq!(a.r.haryana.get("/registry/awards/new").status, 403);
    assert_eq!(a.r.haryana.post("/registry/awards/new", &[("year", "2026")]).status, 403);
    assert!(!a.r.haryana.get("/registry/awards").body.contains("/registry/awards/new"));

    let fields = [
        ("year", "26"),
        ("title", " "),
        ("nominations_open", "2026-05-01"),
        ("nominations_close", "2026-04-01"),
        ("jury_close", "soon"),
        ("criteria", "Economic benefit | 40\nSocial impact | lots"),
        ("jurors", "jaya@example.org\nnobody@example.org"),
    ];
    let resp = a.r.national.submit("/registry/awards/new", "/registry/awards/new", &fields);
    assert_eq!(resp.status, 400);
    for m in ["Give the year, such as 2026.", "Give the cycle a title", "Choose at least one category.", "Give a day as YYYY-MM-DD.", "Line 2: write name | maximum points (1 to 100) | description.", "No account uses nobody@example.org."] {
        assert!(resp.body.contains(m), "{m}: {}", resp.body);
    }
    assert!(resp.body.contains("Economic benefit | 40"), "the form keeps what was typed");
    let fields = [("year", "2026"), ("title", "T"), ("categories", "cluster"), ("nominations_open", "2026-05-01"), ("nominations_close", "2026-04-01"), ("jury_close", "2026-06-01"), ("criteria", "A | 10"), ("jurors", "jaya@example.org")];
    let resp = a.r.national.submit("/registry/awards/new", "/registry/awards/new", &fields);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("Nominations must close on or after the day they open"), "{}", resp.body);
    let mut conn = a.r.app.db();
    assert_eq!(ac::table.count().get_result::<i64>(&mut *conn).unwrap(), 0, "nothing half written");
    drop(conn);

    // In Hindi too.
    a.r.national.get("/lang/hi?next=/");
    let resp = a.r.national.submit("/registry/awards/new", "/registry/awards/new", &[("year", "x")]);
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("कम से कम एक श्रेणी चुनें।"), "{}", resp.body);
}

#[test]
fn nominations_are_checked_for_rights_categories_and_phase() {
    let a = awards();
    // Criteria are published before nominations open; nominating waits for the day.
    let cycle = open_cycle(&a, 3);
    let id = cycle_id(&cycle);
    let page = a.r.app.client().get(&cycle);
    assert!(page.body.contains("Criteria published; nominations not open yet") && page.body.contains("Economic benefit"), "{}", page.body);
    assert_eq!(a.r.haryana.get(&format!("{cycle}/nominate")).status, 409);
    assert_eq!(a.r.haryana.post(&format!("{cycle}/nominate"), &[("category", "cluster"), ("nominee", "cluster:samalkha-foundry"), ("statement", "x")]).status, 409);

    close_nominations(&a, id, -5, 10);
    // A member is no focal point and cannot nominate.
    assert_eq!(a.r.member.get(&format!("{cycle}/nominate")).status, 403);
    assert_eq!(a.r.member.post(&format!("{cycle}/nominate"), &[("category", "cluster"), ("nominee", "cluster:samalkha-foundry"), ("statement", "x")]).status, 403);
    // A state focal point nominates only their state's records, and the nominee must fit
    // the category.
    let form = a.r.haryana.get(&format!("{cycle}/nominate"));
    assert!(form.body.contains("cluster:samalkha-foundry") && !form.body.contains("cluster:jalandhar-sports-goods"), "{}", form.body);
    let resp = nominate(&a.r.haryana, &cycle, "cluster", "cluster:jalandhar-sports-goods", "", "Not mine");
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("Choose a nominee from the registry that you may nominate."), "{}", resp.body);
    let resp = nominate(&a.r.punjab, &cycle, "cluster", "agency:sgfi", "no-such-practice", " ");
    assert_eq!(resp.status, 400);
    for m in ["This nominee does not fit the category", "Choose a published best practice, or none.", "Write the statement."] {
        assert!(resp.body.contains(m), "{m}: {}", resp.body);
    }
    // The national focal point may nominate any state's; a nominee is nominated once a category.
    nomination_path(&nominate(&a.r.national, &cycle, "cluster", "cluster:jalandhar-sports-goods", "", "National choice"));
    let resp = nominate(&a.r.punjab, &cycle, "cluster", "cluster:jalandhar-sports-goods", "", "Again");
    assert_eq!(resp.status, 400);
    assert!(resp.body.contains("already nominated in this category"), "{}", resp.body);
    // Results wait for nominations to close.
    assert_eq!(a.r.national.post(&format!("{cycle}/publish"), &[]).status, 409);

    // After the deadline no more nominations; after the jury's deadline no more scores.
    close_nominations(&a, id, 30, -1);
    assert_eq!(nominate_raw(&a.r.haryana, &cycle).status, 409);
    let n = {
        let mut conn = a.r.app.db();
        solex::models::award::nominations(&mut conn, id).unwrap()[0].id
    };
    let resp = score(&a.jaya, &format!("{cycle}/nominations/{n}"), "10", "10");
    assert_eq!(resp.status, 409);
    assert!(a.jaya.get(&format!("{cycle}/nominations/{n}")).body.contains("Scoring is open only after nominations close"));
    // Publishing after the jury's deadline works, and the cycle says so.
    assert!(a.r.national.get(&cycle).body.contains("Scoring closed; results to be published"));
    assert_eq!(a.r.national.post(&format!("{cycle}/publish"), &[]).status, 303);
    a.r.app.drain();
}

fn nominate_raw(who: &Client, cycle: &str) -> Resp {
    who.post(&format!("{cycle}/nominate"), &[("category", "cluster"), ("nominee", "cluster:samalkha-foundry"), ("statement", "Late")])
}

#[test]
fn a_nominator_withdraws_until_nominations_close_and_the_withdrawn_leave_the_jury_and_results() {
    let a = awards();
    let cycle = open_cycle(&a, 0);
    let id = cycle_id(&cycle);
    let samalkha = nomination_path(&nominate(&a.r.haryana, &cycle, "cluster", "cluster:samalkha-foundry", "", "Cupolas that halved coke use."));
    let jalandhar = nomination_path(&nominate(&a.r.punjab, &cycle, "cluster", "cluster:jalandhar-sports-goods", "", "Child labour ended in stitching."));
    // Only the nominator withdraws, with the form's token.
    assert!(a.r.haryana.get(&samalkha).body.contains(&format!("{samalkha}/withdraw")));
    assert!(!a.r.national.get(&samalkha).body.contains(&format!("{samalkha}/withdraw")));
    assert_eq!(a.r.national.post(&format!("{samalkha}/withdraw"), &[]).status, 403);
    assert_eq!(a.r.punjab.post(&format!("{samalkha}/withdraw"), &[]).status, 403, "not Punjab's nomination");
    assert_eq!(a.jaya.post(&format!("{samalkha}/withdraw"), &[]).status, 403);
    let r = a.r.haryana.post_raw(&format!("{samalkha}/withdraw"), &[]);
    assert!(r.status == 403 || r.status == 400, "no token: {}", r.status);
    let r = a.r.haryana.post(&format!("{samalkha}/withdraw"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(a.r.haryana.get(&r.location.unwrap()).body.contains("Your nomination is withdrawn."));
    assert_eq!(a.r.haryana.get(&samalkha).status, 404);
    assert_eq!(a.r.haryana.post(&format!("{samalkha}/withdraw"), &[]).status, 404, "once");
    let page = a.r.app.client().get(&cycle);
    assert!(page.body.contains("Cluster: 1 nomination"), "{}", page.body);
    // Withdrawn is final: the nominee is not nominated again in this category.
    let r = nominate(&a.r.haryana, &cycle, "cluster", "cluster:samalkha-foundry", "", "Second thoughts.");
    assert!(r.status == 400 && r.body.contains("already nominated"), "{}", r.body);

    // Nominations closed: no more withdrawing; the jury sees only what stands.
    close_nominations(&a, id, 1, 10);
    assert_eq!(a.r.punjab.post(&format!("{jalandhar}/withdraw"), &[]).status, 409);
    let list = a.jaya.get(&cycle);
    assert!(list.body.contains(&jalandhar) && !list.body.contains(&format!("{samalkha}\"")), "{}", list.body);
    assert_eq!(score(&a.jaya, &samalkha, "30", "20").status, 404);
    assert_eq!(score(&a.jaya, &jalandhar, "20", "20").status, 303);
    assert_eq!(a.r.national.post(&format!("{cycle}/publish"), &[]).status, 303);
    let csv = a.r.app.client().get(&format!("{cycle}/results.csv"));
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
    assert!(!csv.body.contains("Cupolas that halved"), "{}", csv.body);
    assert_eq!(award_mails(&a, "hr@example.org").iter().filter(|m| m.subject.contains("results")).count(), 0, "no results mail for a withdrawn nomination");
    assert_eq!(award_mails(&a, "pb@example.org").iter().filter(|m| m.subject.contains("results")).count(), 1);
}

#[test]
fn the_national_focal_point_edits_a_cycle_until_scoring_opens() {
    let a = awards();
    let cycle = open_cycle(&a, 0);
    let id = cycle_id(&cycle);
    let edit = format!("{cycle}/edit");
    assert!(a.r.national.get(&cycle).body.contains(&edit));
    assert!(!a.r.haryana.get(&cycle).body.contains(&edit));
    let form = a.r.national.get(&edit);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"Cluster awards 2026\"") && form.body.contains("Economic benefit | 40 | Turnover"), "{}", form.body);
    assert_eq!(a.r.haryana.get(&edit).status, 403);
    assert_eq!(a.jaya.get(&edit).status, 403);
    let (o, c, j) = (day(-3), day(12), day(30));
    let fields = |title: &'static str, close: &str, criteria: &'static str| -> Vec<(String, String)> {
        [("year", "2026"), ("title", title), ("description", "Revised."), ("nominations_open", o.as_str()), ("nominations_close", close), ("jury_close", j.as_str()), ("criteria", criteria)]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let send = |who: &Client, f: &[(String, String)]| -> Resp {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        who.post(&edit, &f)
    };
    // Mistakes come back with field messages, in Hindi too; a close already past is refused.
    let r = send(&a.r.national, &fields("", &c, "Economic benefit | 400 | x"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Line 1: write name | maximum points") && r.body.contains("Give the cycle a title") && r.body.contains("Revised."), "{}", r.body);
    let r = send(&a.r.national, &fields("Cluster awards 2026", &day(-1), CRITERIA));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Nominations cannot be made to close on a day already past."), "{}", r.body);
    a.r.national.get("/lang/hi?next=/");
    let r = send(&a.r.national, &fields("Cluster awards 2026", &day(-1), CRITERIA));
    assert!(r.status == 400 && r.body.contains("बीता हुआ दिन"), "{}", r.body);
    a.r.national.get("/lang/en?next=/");
    assert_eq!(send(&a.r.haryana, &fields("Hijacked", &c, CRITERIA)).status, 403);
    let r = a.r.national.post_raw(&edit, &[("title", "x")]);
    assert!(r.status == 403 || r.status == 400, "no token: {}", r.status);

    // Saved: new title, days and maxima; the categories and the jury stay.
    let r = send(&a.r.national, &fields("Cluster awards 2026 (revised)", &c, "Economic benefit | 50 | Turnover\nSocial and environmental impact | 30 | Workers"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.unwrap().ends_with("?done=edited"));
    let page = a.r.app.client().get(&cycle);
    for text in ["Cluster awards 2026 (revised)", "<td class=\"num\">50</td>", "<td class=\"num\">80</td>", "Jaya Juror", "Business association", &c] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }

    // Scoring open: no more edits, whatever the form says.
    close_nominations(&a, id, 1, 10);
    assert!(!a.r.national.get(&cycle).body.contains(&edit));
    assert_eq!(a.r.national.get(&edit).status, 409);
    assert_eq!(send(&a.r.national, &fields("Too late", &day(5), CRITERIA)).status, 409);
    assert!(!a.r.app.client().get(&cycle).body.contains("Too late"));
}

#[test]
fn the_jury_is_told_once_even_when_two_schedulers_run_at_once() {
    let a = awards();
    let cycle = open_cycle(&a, 0);
    close_nominations(&a, cycle_id(&cycle), 1, 10);
    let env = a.r.app.env();
    let runs: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let env = env.clone();
                let app = &a.r.app;
                s.spawn(move || {
                    let mut conn = app.db();
                    solex::services::registry::awards::open_scoring(&mut conn, &env, solex::models::now()).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(runs.iter().sum::<usize>(), 3, "{runs:?}");
    assert_eq!(open_scoring(&a), 0);
    for juror in ["jaya@example.org", "kiran@example.org", "hr@example.org"] {
        assert_eq!(award_mails(&a, juror).len(), 1, "{juror}");
    }
}
