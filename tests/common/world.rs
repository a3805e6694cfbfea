//! A populated portal for community and mail tests.
#![allow(dead_code)]

use super::{Client, Resp, TestApp};

pub const PW: &str = "samalkha foundry cupola";

pub struct World {
    pub app: TestApp,
    pub admin: Client,
    pub moderator: Client,
    pub alice: Client,
    pub bob: Client,
    pub outsider: Client,
    pub other_moderator: Client,
    pub slug: String,
}

pub fn create_community(admin: &Client, name: &str, slug: &str, moderators: &str, extra: &[(&str, &str)]) -> Resp {
    let mut fields = vec![("name", name), ("slug", slug), ("description", "Cutting coke use in cupolas"), ("theme", "energy-efficiency"), ("moderators", moderators)];
    fields.extend_from_slice(extra);
    admin.submit("/admin/communities", "/admin/communities", &fields)
}

pub fn join_and_approve(app: &TestApp, slug: &str, member: &Client, email: &str, moderator: &Client) {
    let r = member.post(&format!("/c/{slug}/join"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let uid = app.user_id(email);
    let r = moderator.submit(&format!("/c/{slug}/members"), &format!("/c/{slug}/members/{uid}"), &[("decision", "approve")]);
    assert_eq!(r.status, 303, "{}", r.body);
}

pub fn world() -> World {
    world_with(&[])
}

pub fn world_with(extra: &[(&str, &str)]) -> World {
    world_on(TestApp::start(), extra)
}

/// Two communities (foundry-energy, theme energy-efficiency, moderated by mod@; child-labour,
/// theme child-labour, by othermod@), with
/// alice and bob as approved members of foundry-energy.
pub fn world_on(app: TestApp, extra: &[(&str, &str)]) -> World {
    let admin = app.admin("admin@example.org", PW);
    let moderator = app.member("mod@example.org", PW, "Meena Moderator");
    let alice = app.member("alice@example.org", PW, "Alice Ahuja");
    let bob = app.member("bob@example.org", PW, "Bob Bhatt");
    let outsider = app.member("out@example.org", PW, "Olga Outsider");
    let other_moderator = app.member("othermod@example.org", PW, "Omar Other");
    let r = create_community(&admin, "Energy efficiency in foundries", "foundry-energy", "mod@example.org", extra);
    assert_eq!(r.status, 303, "{}", r.body);
    // The second community's theme differs from the first's, so each moderator edits the
    // knowledge pages of their own theme only.
    let fields = [("name", "Child labour and working conditions"), ("slug", "child-labour"), ("description", "Children out of work"), ("theme", "child-labour"), ("moderators", "othermod@example.org")];
    assert_eq!(admin.submit("/admin/communities", "/admin/communities", &fields).status, 303);
    let slug = "foundry-energy".to_string();
    join_and_approve(&app, &slug, &alice, "alice@example.org", &moderator);
    join_and_approve(&app, &slug, &bob, "bob@example.org", &moderator);
    World { app, admin, moderator, alice, bob, outsider, other_moderator, slug }
}

/// Posts a query and returns its id.
pub fn ask(w: &World, who: &Client, title: &str, body: &str) -> i64 {
    let r = who.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", title), ("body", body), ("themes", "energy-efficiency")], &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    id_from(&r)
}

pub fn id_from(r: &Resp) -> i64 {
    let loc = r.location.as_deref().unwrap();
    let tail = loc.split("/t/").nth(1).unwrap();
    tail.split(['?', '#']).next().unwrap().parse().unwrap()
}

pub fn version_of(w: &World, id: i64) -> i32 {
    let mut conn = w.app.db();
    solex::models::post::find(&mut conn, id).unwrap().version
}

pub fn decide(w: &World, who: &Client, id: i64, fields: &[(&str, &str)]) -> Resp {
    let v = version_of(w, id).to_string();
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    who.post(&format!("/c/{}/queue/{id}/decide", w.slug), &all)
}


/// A populated portal that sends its mail by SMTP to `smtp` and takes inbound mail over HTTP
/// with the bearer token "relay-secret".
pub fn world_with_smtp(smtp: &super::smtp::SmtpServer) -> World {
    let app = TestApp::with_smtp(smtp, |c| {
        c.mail_retry_secs = 1;
        c.inbound_token = Some("relay-secret".into());
    });
    world_on(app, &[])
}

/// The token the portal puts in this member's addresses for one purpose and object.
pub fn mail_token(w: &World, email: &str, purpose: solex::tokens::MailPurpose, object_id: i64) -> String {
    let mut conn = w.app.db();
    let u = solex::models::user::find_by_email(&mut conn, email).unwrap().unwrap();
    solex::tokens::address::Token::derive(u.mail_token.as_deref().unwrap(), purpose, u.id, object_id).to_string()
}

/// `solex mail ingest` as an MTA runs it, on the world's database: (exit code, what it said).
pub fn ingest_as_mta(w: &World, raw: &[u8], recipient: Option<&str>) -> (i32, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_solex"));
    cmd.args(["mail", "ingest"]).env("DATABASE_URL", &w.app.config.database_url).env("SOLEX_ATTACHMENTS_DIR", &w.app.config.attachments_dir).env("RUST_LOG", "error").env_remove("ORIGINAL_RECIPIENT");
    if let Some(r) = recipient {
        cmd.args(["--recipient", r]);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // A child that stops reading early (it never should) must not fail the test here.
    let _ = child.stdin.take().unwrap().write_all(raw);
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

/// A portal with registry focal points signed in: national, Haryana's and Punjab's, beside an
/// administrator and a plain member. The registry's tests share it.
pub struct FocalPoints {
    pub app: TestApp,
    pub admin: Client,
    pub national: Client,
    pub haryana: Client,
    pub punjab: Client,
    pub member: Client,
}

pub fn focal_points(password: &str) -> FocalPoints {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", password);
    let national = app.member("nfp@example.org", password, "Nalini National");
    let haryana = app.member("hr@example.org", password, "Harish Haryana");
    let punjab = app.member("pb@example.org", password, "Preet Punjab");
    let member = app.member("member@example.org", password, "Mohan Member");
    app.grant_focal_point(&admin, "nfp@example.org", "national");
    app.grant_focal_point(&admin, "hr@example.org", "Haryana");
    app.grant_focal_point(&admin, "pb@example.org", "Punjab");
    FocalPoints { app, admin, national, haryana, punjab, member }
}

/// Haryana's focal point submits the Panipat initiative (Metal and foundry) for review, as
/// /registry/initiatives/panipat-energy-audits.
pub fn submit_panipat(r: &FocalPoints) {
    let fields = [
        ("slug", "panipat-energy-audits"),
        ("title", "Energy audits for Panipat foundries"),
        ("state", "Haryana"),
        ("district", "Panipat"),
        ("sector", "Metal and foundry"),
        ("start_year", "2024"),
        ("stage", "implementation"),
        ("see_issues", "energy"),
        ("action", "submit"),
    ];
    let resp = r.haryana.submit("/registry/initiatives/new", "/registry/initiatives/new", &fields);
    assert_eq!(resp.status, 303, "{}", resp.body);
}

/// ESR score cards: the seven SEE issues and five economic parameters of a card's form.
pub const ISSUES: [&str; 7] = ["wages-benefits", "collective-bargaining", "hours-of-work", "working-conditions", "air-pollution", "water-pollution", "noise-pollution"];
pub const ECONOMIC: [&str; 5] = ["value-chain", "raw-materials", "turnover", "exports", "employment"];

/// A card's form fields: every existence and diversity score `high`, efforts 1,1,1,1,1,0,0
/// (a total of 5, the book's highest engagement), every economic score `econ`.
pub fn card(day: &str, high: &str, econ: &str, action: &str) -> Vec<(String, String)> {
    let mut f = vec![("assessed_on".to_string(), day.to_string()), ("note".to_string(), "Scored with the foundry association.".to_string()), ("action".to_string(), action.to_string())];
    for (i, issue) in ISSUES.iter().enumerate() {
        f.push((format!("existence-{issue}"), high.to_string()));
        f.push((format!("diversity-{issue}"), high.to_string()));
        f.push((format!("efforts-{issue}"), if i < 5 { "1" } else { "0" }.to_string()));
    }
    for p in ECONOMIC {
        f.push((format!("economic-{p}"), econ.to_string()));
    }
    f
}

pub fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
