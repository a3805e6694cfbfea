//! content/demo/: one demo community with a few approved exchanges, one of them answered by a
//! knowledge page made from it, so a new portal shows the whole loop. Loaded once per
//! database: the record of the load (content_imports, kind `demo`) keeps later starts from
//! adding it again, even when an administrator has since removed parts of it.

use std::path::Path;

use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::content_import::{self, Baseline};
use crate::models::{community, membership, page, post, role, search_outbox, user};
use crate::services::knowledge;

/// The kind under which content_imports records the demo's load.
pub const KIND: &str = "demo";
/// The record's status while the community is in and its page not yet, and once both are.
const STARTED: &str = "started";
const LOADED: &str = "loaded";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    community: Community,
    people: Vec<Person>,
    threads: Vec<Thread>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Community {
    slug: String,
    name: String,
    description: String,
    theme: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Person {
    key: String,
    name: String,
    organisation: String,
    state: String,
    moderator: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Thread {
    author: String,
    title: String,
    body: String,
    days_ago: i64,
    themes: Vec<String>,
    state: String,
    district: String,
    sector: String,
    /// A page file in content/demo/ made from this thread: it is published with the thread
    /// as its source, which marks the thread answered by it.
    page: Option<String>,
    replies: Vec<Reply>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    author: String,
    body: String,
}

/// What a load did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The community, its threads and its page went in (or the page, after an interrupted load).
    Loaded { threads: usize, pages: usize },
    /// Loaded before: nothing changed.
    AlreadyLoaded,
    /// No content/demo/community.toml.
    NoDemo,
}

/// Should this portal load the demo? `setting` is the `demo` setting; unset means only on the
/// embedded default database (the README's run command with no settings), never elsewhere.
pub fn wanted(setting: Option<bool>, database_url: &str) -> bool {
    setting.unwrap_or(database_url == crate::config::Config::default().database_url)
}

/// Loads DIR/community.toml and the page files it names, once per database.
pub fn load(conn: &mut DbConn, dir: &Path) -> Result<Outcome, AppError> {
    let file = dir.join("community.toml");
    if !file.is_file() {
        return Ok(Outcome::NoDemo);
    }
    let text = std::fs::read_to_string(&file)?;
    let demo: Demo = toml::from_str(&text).map_err(|e| AppError::Config(format!("{}: {}", file.display(), e.message())))?;
    let slug = demo.community.slug.clone();
    let record = content_import::find(conn, KIND, &slug)?;
    let (community_id, threads) = match &record {
        Some(r) if r.status == LOADED => return Ok(Outcome::AlreadyLoaded),
        Some(r) => (r.target_id, 0),
        None => {
            let hash = content_import::hash_of(&text);
            let (id, n) = crate::db::write_tx(conn, |tx| {
                let made = add_community(tx, &demo)?;
                let b = Baseline { kind: KIND, name: &slug, target_id: made.0, file: "demo/community.toml", file_hash: &hash, revision: 0, status: STARTED };
                content_import::set_baseline(tx, &b)?;
                Ok::<_, AppError>(made)
            })?;
            (id, n)
        }
    };
    // The pages, each in its own transaction (as an import makes them); a page already there
    // (an interrupted load, or a page someone made under the same name) is left alone.
    let mut pages = 0;
    for t in &demo.threads {
        let Some(name) = &t.page else { continue };
        let parsed = super::parse(&std::fs::read_to_string(dir.join(name))?).map_err(|e| AppError::Config(format!("demo/{name}: {e}")))?;
        if page::slug_exists(conn, &parsed.front.slug)? {
            continue;
        }
        let Some(root) = post::threads(conn, community_id, false, 100, 0)?.into_iter().map(|(p, _)| p).find(|p| p.title == t.title) else { continue };
        let mut form = super::form_of(&parsed, 1);
        form.source_threads = root.id.to_string();
        form.note = "demo content (content/demo)".into();
        knowledge::create(conn, None, &form, page::Status::Published, Some(crate::models::now()))?;
        pages += 1;
    }
    let b = Baseline { kind: KIND, name: &slug, target_id: community_id, file: "demo/community.toml", file_hash: &content_import::hash_of(&text), revision: 0, status: LOADED };
    content_import::set_baseline(conn, &b)?;
    crate::db::cluster::bump_changes(conn, true)?;
    Ok(Outcome::Loaded { threads, pages })
}

/// The community, its people (accounts without a password, so nobody can sign in as them),
/// their memberships, the moderator's grant, and the threads as a moderator approved them.
fn add_community(tx: &mut DbConn, demo: &Demo) -> Result<(i64, usize), AppError> {
    let now = crate::models::now();
    let c = &demo.community;
    let id = community::insert(tx, &community::NewCommunity { slug: &c.slug, name: &c.name, description: &c.description, theme: &c.theme, created_at: now - Duration::days(30) })?;
    let made = community::find(tx, id)?;
    community::update_settings(tx, id, &community::Settings {
        name: made.name,
        description: made.description,
        theme: made.theme,
        join_policy: made.join_policy,
        // Its threads are public: a visitor sees the exchange behind the page.
        public_threads: true,
        premoderation: made.premoderation,
        trusted_after: made.trusted_after,
        hold_rules: made.hold_rules,
        canned_reasons: made.canned_reasons,
        response_days: made.response_days,
        auto_digest: false,
    })?;
    let mut people: Vec<(&str, i64)> = Vec::new();
    let mut moderator = None;
    for p in &demo.people {
        let email = format!("demo-{}@{}.invalid", p.key, c.slug);
        let uid = match user::find_by_email(tx, &email)? {
            Some(u) => u.id,
            None => user::insert(tx, &user::NewUser {
                email: &email,
                password_hash: "",
                name: &p.name,
                organisation: &p.organisation,
                state: &p.state,
                district: "",
                role_title: "",
                language: "en",
                email_verified_at: Some(now),
                created_at: now - Duration::days(30),
                mail_token: None,
            })?,
        };
        let m = membership::insert(tx, &membership::NewMembership { community_id: id, user_id: uid, status: membership::Status::Active, created_at: now, decided_by: None, decided_at: Some(now) })?;
        // Demo people get no mail: their addresses go nowhere.
        membership::set_delivery(tx, m, membership::Delivery::Web)?;
        if p.moderator {
            role::insert(tx, &role::NewRoleGrant { user_id: uid, role: role::Role::Moderator.as_str(), community_id: Some(id), state: "", granted_by: None, granted_at: now })?;
            moderator = moderator.or(Some(uid));
        }
        people.push((&p.key, uid));
    }
    let who = |key: &str| people.iter().find(|(k, _)| *k == key).map(|(_, id)| *id).ok_or_else(|| AppError::Config(format!("demo: no person `{key}`")));
    for t in &demo.threads {
        let at = now - Duration::days(t.days_ago);
        let root = add_post(tx, id, None, who(&t.author)?, &t.title, &t.body, t, at, moderator)?;
        for (i, r) in t.replies.iter().enumerate() {
            let at = at + Duration::hours(3 * (i as i64 + 1));
            add_post(tx, id, Some(root), who(&r.author)?, "", &r.body, t, at, moderator)?;
        }
        search_outbox::push(tx, search_outbox::Kind::Thread, root)?;
    }
    Ok((id, demo.threads.len()))
}

#[allow(clippy::too_many_arguments)]
fn add_post(tx: &mut DbConn, community_id: i64, thread: Option<i64>, author: i64, title: &str, body: &str, t: &Thread, at: NaiveDateTime, moderator: Option<i64>) -> Result<i64, AppError> {
    let html = crate::markdown::to_safe_html(body.trim());
    let themes = crate::models::list::encode(&t.themes);
    let id = post::insert(tx, &post::NewPost {
        community_id,
        thread_id: thread,
        author_id: author,
        title,
        body_md: body.trim(),
        body_html: &html,
        themes: &themes,
        state: &t.state,
        district: &t.district,
        sector: &t.sector,
        status: post::Status::Approved,
        held_reason: "",
        created_at: at,
        updated_at: at,
        approved_at: Some(at + Duration::minutes(40)),
        response_due_at: None,
    })?;
    post::decide(tx, id, 0, post::Decision { approved_by: Some(moderator), ..Default::default() })?;
    Ok(id)
}
