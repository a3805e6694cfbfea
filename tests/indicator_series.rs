//! Indicators over time and cluster ratings, over HTTP on the database the run uses: focal
//! points who may edit an initiative enter dated values; the page draws each indicator as a
//! line chart with the table of its values; the values go out as CSV and JSON and come back
//! in through the import, which reports bad rows by line and column; the national focal point
//! rates clusters, and the national table sorts by each factor.

mod common;

use common::TestApp;

const PW: &str = "double blast cupola";
const SAMALKHA: &str = "/registry/initiatives/samalkha-innovative-cluster";
const ENTRY: &str = "/registry/initiatives/samalkha-innovative-cluster/indicators";

use common::world::{focal_points, FocalPoints as Portal};

fn portal() -> Portal {
    focal_points(PW)
}

fn value_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.db();
    solex::db::schema::indicator_values::table.count().get_result::<i64>(&mut *conn).unwrap()
}

/// The rows of the export that belong to one initiative, with the header.
fn rows_of(csv: &str, slug: &str) -> String {
    let mut out: Vec<&str> = csv.lines().take(1).collect();
    out.extend(csv.lines().filter(|l| l.starts_with(&format!("{slug},"))));
    out.join("\r\n") + "\r\n"
}

#[test]
fn a_fresh_portal_draws_the_shipped_series_as_charts_with_tables() {
    let p = portal();
    let page = p.app.client().get(SAMALKHA);
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("Indicators over time"), "{body}");
    // One chart per indicator, each named by its title, none with a role of its own.
    assert_eq!(body.matches("<svg class=\"series\"").count(), 2, "{body}");
    assert!(body.contains("<title id=\"series-1-t\">Line chart of Coke saved by the 29 units: 13 values"), "{body}");
    assert!(!body.contains("<svg class=\"series\" role"), "no role on the chart's svg");
    // The table beside it carries every value: the baseline and twelve quarters over three years.
    assert!(body.contains("<caption>Coke saved by the 29 units (tonnes a year)</caption>"), "{body}");
    for date in ["2020-12-31", "2021-03-31", "2022-06-30", "2023-12-31"] {
        assert!(body.contains(&format!("datetime=\"{date}\"")), "{date} in the table");
    }
    assert!(body.contains("742.93"), "the last value is the book's figure");
    // An initiative whose record held only a baseline and a latest value has them as its
    // series' first values.
    let kalady = p.app.client().get("/registry/initiatives/kalady-effluent-treatment").body;
    assert!(kalady.contains("Baseline in the registry record") && kalady.contains("Latest value in the registry record"), "{kalady}");
    assert!(kalady.contains("datetime=\"2008-01-01\""), "the baseline is dated the start year");
    // Hindi readers get the chart's name in Hindi.
    let hindi = p.app.client();
    hindi.get("/lang/hi?next=/");
    assert!(hindi.get(SAMALKHA).body.contains("का रेखा चार्ट"));
}

#[test]
fn focal_points_who_may_edit_the_initiative_enter_values_and_others_are_refused() {
    let p = portal();
    let before = value_count(&p.app);

    // Every field has its message, and nothing is written.
    let r = p.haryana.submit(ENTRY, ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "31/03/2024"), ("value", "lots"), ("source", " ")]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("is not a date: write it as YYYY-MM-DD"), "{}", r.body);
    assert!(r.body.contains("\"lots\" is not a number") || r.body.contains("&quot;lots&quot; is not a number") || r.body.contains("lots is not a number"), "{}", r.body);
    assert!(r.body.contains("Say where the value comes from."), "{}", r.body);
    let r = p.haryana.submit(ENTRY, ENTRY, &[("indicator", "Tonnes of slag"), ("date", "2024-03-31"), ("value", "1"), ("source", "Survey")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("is not one of this initiative&#39;s indicators") || r.body.contains("is not one of this initiative's indicators"), "{}", r.body);
    assert_eq!(value_count(&p.app), before, "nothing half-written");

    // A right value is saved and shows on the public page.
    let r = p.haryana.submit(ENTRY, ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-03-31"), ("value", "760.5"), ("source", "Monitoring visit, March 2024")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(value_count(&p.app), before + 1);
    let page = p.app.client().get(SAMALKHA).body;
    assert!(page.contains("760.5") && page.contains("Monitoring visit, March 2024"), "{page}");
    assert!(page.contains("14 values"), "the chart counts the new value");
    // The same date again corrects the value rather than adding one.
    let r = p.haryana.submit(ENTRY, ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-03-31"), ("value", "761"), ("source", "Monitoring visit, March 2024")]);
    assert_eq!(r.status, 303);
    assert_eq!(value_count(&p.app), before + 1);

    // The national focal point may edit every state's records, so may enter values too.
    assert_eq!(p.national.get(ENTRY).status, 200);
    // Another state's focal point, a member and the public may not.
    assert_eq!(p.punjab.get(ENTRY).status, 403);
    assert_eq!(p.punjab.post(ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-06-30"), ("value", "1"), ("source", "x")]).status, 403);
    assert_eq!(p.member.post(ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-06-30"), ("value", "1"), ("source", "x")]).status, 403);
    let anon = p.app.client().post(ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-06-30"), ("value", "1"), ("source", "x")]);
    assert!(anon.status == 303 || anon.status == 403 || anon.status == 401, "{}", anon.status);
    // Without the CSRF token nothing is written either.
    assert_eq!(p.haryana.post_raw(ENTRY, &[("indicator", "Coke saved by the 29 units"), ("date", "2024-06-30"), ("value", "1"), ("source", "x")]).status, 403);
    assert_eq!(value_count(&p.app), before + 1);
    // Only those who may enter values see the link to the form.
    assert!(p.haryana.get(SAMALKHA).body.contains(ENTRY));
    assert!(!p.punjab.get(SAMALKHA).body.contains(ENTRY));
}

#[test]
fn the_series_go_out_as_csv_and_json_and_come_back_in() {
    let p = portal();
    let (status, bytes, ct, cd) = p.app.client().get_bytes("/registry/indicator_values.csv");
    assert_eq!(status, 200);
    assert!(ct.unwrap_or_default().starts_with("text/csv"));
    assert_eq!(cd.unwrap_or_default(), "attachment; filename=\"solex-indicator_values.csv\"");
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with("initiative,indicator,date,value,source\r\n"), "{csv}");
    assert!(csv.contains("samalkha-innovative-cluster,Units with double-blast cupolas,2023-12-31,11,"), "{csv}");

    // JSON nests each indicator's dated values under it.
    let json: serde_json::Value = serde_json::from_str(&p.app.client().get("/registry/initiatives.json").body).unwrap();
    let samalkha = json.as_array().unwrap().iter().find(|i| i["slug"] == "samalkha-innovative-cluster").unwrap();
    let coke = samalkha["indicators"].as_array().unwrap().iter().find(|i| i["name"] == "Coke saved by the 29 units").unwrap();
    let values = coke["values"].as_array().unwrap();
    assert_eq!(values.len(), 13);
    assert_eq!(values[0]["date"], "2020-12-31");
    assert_eq!(values[12]["value"], 742.93);

    // Haryana's rows, one value corrected and one added, are checked and then imported.
    let mut mine = rows_of(&csv, "samalkha-innovative-cluster").replace(",2023-12-31,11,", ",2023-12-31,12,");
    mine.push_str("samalkha-innovative-cluster,Units with double-blast cupolas,2024-03-31,13,\"Survey, April 2024\"\r\n");
    let before = value_count(&p.app);
    let check = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "check")], &[("file", "indicator_values.csv", mine.as_bytes())]);
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("Rows to create: 1; to update: 1; unchanged: 25."), "{}", check.body);
    assert_eq!(value_count(&p.app), before, "a check writes nothing");
    let done = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "import")], &[("file", "indicator_values.csv", mine.as_bytes())]);
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(value_count(&p.app), before + 1);
    let again = String::from_utf8(p.app.client().get_bytes("/registry/indicator_values.csv").1).unwrap();
    assert!(again.contains("samalkha-innovative-cluster,Units with double-blast cupolas,2023-12-31,12,"));
    assert!(again.contains("samalkha-innovative-cluster,Units with double-blast cupolas,2024-03-31,13,\"Survey, April 2024\""));
    // Exported again and imported unchanged, it changes nothing.
    let same = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "check")], &[("file", "v.csv", rows_of(&again, "samalkha-innovative-cluster").as_bytes())]);
    assert!(same.body.contains("Rows to create: 0; to update: 0; unchanged: 27."), "{}", same.body);

    // Another state's initiative is not Haryana's to change; a member may not import at all.
    let kollegal = rows_of(&again, "kollegal-child-labour-project");
    let r = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "import")], &[("file", "v.csv", kollegal.as_bytes())]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("kollegal-child-labour-project"), "{}", r.body);
    assert_eq!(p.member.post_multipart("/registry/indicator-values/import", &[("mode", "import")], &[("file", "v.csv", mine.as_bytes())]).status, 403);
}

#[test]
fn a_bad_import_row_is_reported_by_line_and_column_and_nothing_is_written() {
    let p = portal();
    let before = value_count(&p.app);
    let csv = "initiative,indicator,date,value,source\r\n\
        samalkha-innovative-cluster,Units with double-blast cupolas,2024-06-30,14,Survey\r\n\
        samalkha-innovative-cluster,Units with double-blast cupolas,2024-13-01,15,Survey\r\n\
        samalkha-innovative-cluster,Units with double-blast cupolas,2024-09-30,many,Survey\r\n";
    let r = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "import")], &[("file", "bad.csv", csv.as_bytes())]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("<td>3</td><td>3</td><td>date</td>"), "line 3, column 3: {}", r.body);
    assert!(r.body.contains("<td>4</td><td>4</td><td>value</td>"), "line 4, column 4: {}", r.body);
    assert_eq!(value_count(&p.app), before, "the good row waits for the file to be clean");
    // A column the import does not know is named on line 1.
    let r = p.haryana.post_multipart("/registry/indicator-values/import", &[("mode", "check")], &[("file", "bad.csv", b"initiative,indicator,day,value,source\r\n")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<td>1</td><td>3</td><td>day</td>"), "{}", r.body);
}

/// Where each cluster's row starts in the national table, by its rating history's link.
fn order(body: &str, slugs: &[&str]) -> Vec<usize> {
    slugs.iter().map(|s| body.find(&format!("href=\"/registry/clusters/{s}/ratings\"")).unwrap_or_else(|| panic!("{s} in the table"))).collect()
}

#[test]
fn the_national_focal_point_rates_clusters_and_the_table_sorts_by_each_factor() {
    let p = portal();
    let public = p.app.client();
    // Shipped ratings: by total by default, by a factor when asked, highest first.
    let table = public.get("/registry/ratings").body;
    let by_total = order(&table, &["tirupur-knitwear", "samalkha-foundry", "kalady-rice-mills", "kollegal-silk", "howrah-foundry"]);
    assert!(by_total.windows(2).all(|w| w[0] < w[1]), "{by_total:?}");
    let water = public.get("/registry/ratings?sort=water").body;
    let by_water = order(&water, &["samalkha-foundry", "howrah-foundry", "kalady-rice-mills", "kollegal-silk", "tirupur-knitwear"]);
    assert!(by_water.windows(2).all(|w| w[0] < w[1]), "{by_water:?}");
    assert!(water.contains("aria-sort=\"descending\""));
    let csv = String::from_utf8(public.get_bytes("/registry/ratings.csv?sort=water").1).unwrap();
    assert!(csv.starts_with("cluster,title,state,rated_on,energy,air,water,solid_waste,social,synergy,capacity,private_drive,inclusive,total\r\nsamalkha-foundry,"), "{csv}");

    // A bad rating is refused with a message beside the score, and nothing is stored.
    let path = "/registry/clusters/samalkha-foundry/ratings";
    let mut fields = vec![("date", "2025-03-31"), ("note", "After the second round of audits")];
    let scores = [("score_energy", "4"), ("score_air", "4"), ("score_water", "4"), ("score_solid_waste", "3"), ("score_social", "3"), ("score_synergy", "4"), ("score_capacity", "3"), ("score_private_drive", "3"), ("score_inclusive", "9")];
    fields.extend_from_slice(&scores);
    let r = p.national.submit(path, path, &fields);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Give a whole number from 0 to 5."), "{}", r.body);
    assert_eq!(public.get(path).body.matches("<th scope=\"row\">").count(), 3, "still the three shipped ratings");

    // A good one is stored with who rated, and comes first in the history.
    let fixed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| if *k == "score_inclusive" { (*k, "3") } else { (*k, *v) }).collect();
    let r = p.national.submit(path, path, &fixed);
    assert_eq!(r.status, 303, "{}", r.body);
    let history = public.get(path).body;
    assert_eq!(history.matches("<th scope=\"row\">").count(), 4);
    let newest = history.find("datetime=\"2025-03-31\"").unwrap();
    assert!(newest < history.find("datetime=\"2024-03-31\"").unwrap(), "newest first");
    assert!(history.contains("Nalini National") && history.contains("<strong>31</strong>"), "who rated and the total: {history}");
    // The national table shows the newest rating.
    assert!(public.get("/registry/ratings?sort=energy").body.contains("datetime=\"2025-03-31\""));

    // Only the national focal point rates.
    assert_eq!(p.haryana.post(path, &fixed).status, 403);
    assert_eq!(p.member.post(path, &fixed).status, 403);
    assert!(!p.haryana.get(path).body.contains("Rate this cluster"));
}
