//! Experts and referral (issue 19). Members list themselves as experts by theme, sector and
//! state with a short profile; they choose whether the public directory shows them and may
//! pause requests. A moderator of a community sees, beside a query of theirs, the experts
//! whose themes meet the community's (those of the query's sector and state first, paused
//! ones left out) and asks up to `MAX_ASKED` of them by name, each once.
//!
//! The rules chosen:
//! - A query may be asked about while it waits in the queue (or is held) and once it is
//!   approved. The mail goes out only for an approved query: asked from the queue, the experts
//!   are mailed in the approval's transaction (`query_approved`); a query rejected instead
//!   mails no one, so nothing a moderator did not approve leaves the portal.
//! - Each mail carries the thread's usual reply address (`reply+TOKEN-THREAD@`, the expert's
//!   own token), so a reply enters the moderation queue as any reply by mail does, and a link
//!   with a token of its own (`MailPurpose::Expert`, that expert and that thread) to read the
//!   thread.
//! - An asked expert who is not a member of the community reads that one thread by the link
//!   (the query and its approved replies, and their own posts) and replies to it by mail; they
//!   gain nothing else: no other thread, no member list, no posting on the web.
//! - The thread shows who was asked and who answered (an approved reply by an asked expert).

use diesel::OptionalExtension;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::expert::{self, Filter, Profile};
use crate::models::mail_outbox::{self, OutboxKind, Outgoing};
use crate::models::{self, community, list, membership, moderation, post, user};
use crate::services::accounts::Principal;
use crate::services::communities::{self, Access, ThreadView};
use crate::services::Env;
use crate::tokens::address::{self, Token};
use crate::tokens::MailPurpose;
use crate::vocab;

/// Experts a moderator may ask about one query.
pub const MAX_ASKED: usize = 5;
const ORGANISATION_MAX: usize = 200;
const EXPERIENCE_MAX: usize = 2000;
/// Experts one directory page lists.
const DIRECTORY_MAX: i64 = 200;
/// Experts offered to a moderator for one query.
const OFFERED_MAX: usize = 20;

/// What a member typed into their expert profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    pub themes: Vec<String>,
    pub sectors: Vec<String>,
    pub states: Vec<String>,
    pub organisation: String,
    pub experience: String,
    pub languages: Vec<String>,
    pub listed: bool,
    pub paused: bool,
}

impl ProfileForm {
    pub fn of(p: &Profile) -> ProfileForm {
        let own = |v: Vec<&str>| v.into_iter().map(str::to_string).collect();
        ProfileForm {
            themes: own(p.theme_list()),
            sectors: own(p.sector_list()),
            states: own(p.state_list()),
            organisation: p.organisation.clone(),
            experience: p.experience.clone(),
            languages: own(p.language_list()),
            listed: p.listed,
            paused: p.paused,
        }
    }
}

/// Each value once, each one `known` turns into its stored form; any other is the field's error.
fn from_list(input: &[String], known: impl Fn(&str) -> Option<String>, field: &'static str, key: &'static str, errors: &mut FieldErrors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in input.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match known(v) {
            Some(k) if !out.contains(&k) => out.push(k),
            Some(_) => {}
            None => {
                errors.insert(field, key.into());
            }
        }
    }
    out
}

/// The form checked: every mistake by field, or the profile to store.
/// Themes and sectors are terms of the database's lists: active ones, or retired ones the
/// profile already has (`kept`).
fn check(user_id: i64, form: &ProfileForm, created_at: chrono::NaiveDateTime, vocabs: &crate::services::registry::Vocabs, kept: Option<&Profile>) -> Result<Profile, AppError> {
    let mut errors = FieldErrors::new();
    let kept_themes: Vec<&str> = kept.map(|p| list::decode(&p.themes).collect()).unwrap_or_default();
    let kept_sectors: Vec<&str> = kept.map(|p| list::decode(&p.sectors).collect()).unwrap_or_default();
    let themes = from_list(&form.themes, |t| vocabs.chosen("theme", t, &kept_themes).filter(|c| c == t), "themes", "experts-themes-choose", &mut errors);
    if themes.is_empty() {
        errors.insert("themes", "experts-themes-choose".into());
    }
    let sectors = from_list(&form.sectors, |s| vocabs.chosen("sector", s, &kept_sectors), "sectors", "experts-sectors-invalid", &mut errors);
    let states = from_list(&form.states, |s| vocab::canonical_state(s).map(str::to_string), "states", "experts-states-invalid", &mut errors);
    let languages = from_list(&form.languages, |l| vocab::EXPERT_LANGUAGES.iter().any(|(c, _)| *c == l).then(|| l.to_string()), "languages", "experts-languages-choose", &mut errors);
    if languages.is_empty() {
        errors.insert("languages", "experts-languages-choose".into());
    }
    let organisation = models::single_line(form.organisation.trim());
    if organisation.chars().count() > ORGANISATION_MAX {
        errors.insert("organisation", Message::new("too-long").arg("max", ORGANISATION_MAX));
    }
    let experience = models::storable(form.experience.trim()).into_owned();
    if experience.is_empty() {
        errors.insert("experience", "experts-experience-missing".into());
    } else if experience.chars().count() > EXPERIENCE_MAX {
        errors.insert("experience", Message::new("too-long").arg("max", EXPERIENCE_MAX));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Profile {
        user_id,
        themes: list::encode(&themes),
        sectors: list::encode(&sectors),
        states: list::encode(&states),
        organisation,
        experience,
        languages: list::encode(&languages),
        listed: form.listed,
        paused: form.paused,
        created_at,
        updated_at: models::now(),
    })
}

/// The member's own profile, if they have one.
pub fn my_profile(conn: &mut DbConn, who: &Principal) -> Result<Option<Profile>, AppError> {
    Ok(expert::find(conn, who.user.id)?)
}

/// Creates or changes the member's profile; nothing is stored when the form has a mistake.
pub fn save_profile(conn: &mut DbConn, who: &Principal, form: &ProfileForm) -> Result<(), AppError> {
    let uid = who.user.id;
    write_tx(conn, |tx| {
        let kept = expert::find(tx, uid)?;
        let created_at = kept.as_ref().map_or_else(models::now, |p| p.created_at);
        let vocabs = crate::services::registry::Vocabs::load(tx)?;
        let p = check(uid, form, created_at, &vocabs, kept.as_ref())?;
        expert::save(tx, &p)?;
        Ok(())
    })
}

/// Deletes the member's profile: they are no longer listed nor offered (requests already made
/// stay on their threads).
pub fn delete_profile(conn: &mut DbConn, who: &Principal) -> Result<(), AppError> {
    expert::delete(conn, who.user.id)?;
    Ok(())
}

/// The public directory: listed experts only, filtered; no mail addresses are read.
pub fn directory(conn: &mut DbConn, filter: &Filter) -> Result<Vec<(Profile, String)>, AppError> {
    Ok(expert::search(conn, filter, true, DIRECTORY_MAX)?)
}

/// An expert a moderator may ask about a query.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub user_id: i64,
    pub name: String,
    pub organisation: String,
    pub sector_match: bool,
    pub state_match: bool,
}

/// An expert asked about a query, and whether they answered (an approved reply).
#[derive(Debug, Clone)]
pub struct Asked {
    pub name: String,
    pub answered: bool,
}

/// What a moderator sees beside a query: who was asked, whom they may still ask.
#[derive(Debug, Clone)]
pub struct Panel {
    pub root_id: i64,
    pub asked: Vec<Asked>,
    pub offered: Vec<Candidate>,
    /// How many more may be asked.
    pub remaining: usize,
    /// The query waits in the queue: the experts are mailed when it is approved.
    pub waiting: bool,
}

/// A query of this community experts may be asked about: waiting or approved.
fn askable(conn: &mut DbConn, access: &Access, root_id: i64) -> Result<post::Post, AppError> {
    access.require_moderator()?;
    let root = post::find(conn, root_id).optional()?.ok_or(AppError::NotFound)?;
    if root.community_id != access.community.id || !root.is_query() {
        return Err(AppError::NotFound);
    }
    if !matches!(root.status, post::Status::Pending | post::Status::Held | post::Status::Approved) {
        return Err(AppError::Conflict("experts-not-askable".into()));
    }
    Ok(root)
}

/// Experts whose themes meet the community's, not paused, reachable by mail, not the asker,
/// not asked yet: those of the query's sector and state (the asker's state when the query
/// names none) first.
fn matching(conn: &mut DbConn, c: &community::Community, root: &post::Post, asked: &[i64]) -> Result<Vec<Candidate>, AppError> {
    let asker_state = if root.state.is_empty() { user::find(conn, root.author_id)?.state } else { root.state.clone() };
    let mut out: Vec<(Profile, String)> = Vec::new();
    for theme in c.themes() {
        for (p, name) in expert::search(conn, &Filter { theme: theme.to_string(), ..Filter::default() }, false, 1000)? {
            if !out.iter().any(|(q, _)| q.user_id == p.user_id) {
                out.push((p, name));
            }
        }
    }
    let mut candidates = Vec::new();
    for (p, name) in out {
        if p.paused || p.user_id == root.author_id || asked.contains(&p.user_id) {
            continue;
        }
        let u = user::find(conn, p.user_id)?;
        if !u.is_verified() || u.mail_stopped_at.is_some() {
            continue;
        }
        let sector_match = !root.sector.is_empty() && list::holds(&p.sectors, &root.sector);
        let state_match = !asker_state.is_empty() && list::holds(&p.states, &asker_state);
        candidates.push(Candidate { user_id: p.user_id, name, organisation: p.organisation, sector_match, state_match });
    }
    candidates.sort_by_key(|c| (std::cmp::Reverse(u8::from(c.sector_match) + u8::from(c.state_match)), c.name.to_lowercase()));
    Ok(candidates)
}

/// Who was asked about a query and who answered.
pub fn asked_on(conn: &mut DbConn, root_id: i64) -> Result<Vec<Asked>, AppError> {
    let requests = expert::requests_on(conn, root_id)?;
    let ids: Vec<i64> = requests.iter().map(|(r, _)| r.expert_id).collect();
    let answered = if ids.is_empty() { vec![] } else { expert::answered_by(conn, root_id, &ids)? };
    Ok(requests.into_iter().map(|(r, name)| Asked { answered: answered.contains(&r.expert_id), name }).collect())
}

/// The panel for a moderator of the community, for a query experts may be asked about; None
/// for anyone else and for other posts.
pub fn panel(conn: &mut DbConn, access: &Access, root_id: i64) -> Result<Option<Panel>, AppError> {
    let root = match askable(conn, access, root_id) {
        Ok(root) => root,
        Err(e @ AppError::Db(_)) => return Err(e),
        Err(_) => return Ok(None),
    };
    let asked_ids: Vec<i64> = expert::requests_on(conn, root_id)?.into_iter().map(|(r, _)| r.expert_id).collect();
    let remaining = MAX_ASKED.saturating_sub(asked_ids.len());
    let mut offered = if remaining == 0 { vec![] } else { matching(conn, &access.community, &root, &asked_ids)? };
    offered.truncate(OFFERED_MAX);
    Ok(Some(Panel { root_id, asked: asked_on(conn, root_id)?, offered, remaining, waiting: root.status != post::Status::Approved }))
}

/// A moderator asks experts, by their ids, for their input on a query. Refused as a whole
/// (nothing asked) when none is chosen, one was asked before or is not offered (paused, not
/// an expert of the theme), or the query would have more than `MAX_ASKED`. Returns how many
/// were asked.
pub fn ask(conn: &mut DbConn, env: &Env, access: &Access, actor: i64, root_id: i64, chosen: &[i64]) -> Result<usize, AppError> {
    let root = askable(conn, access, root_id)?;
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::field("experts", "experts-choose"));
    }
    write_tx(conn, |tx| {
        // Two moderators asking at once on PostgreSQL: the second counts after the first.
        crate::db::lock_user(tx, crate::db::EXPERT_REQUESTS_LOCK, root.id)?;
        let asked: Vec<i64> = expert::requests_on(tx, root.id)?.into_iter().map(|(r, _)| r.expert_id).collect();
        if chosen.iter().any(|id| asked.contains(id)) {
            return Err(AppError::field("experts", "experts-asked-before"));
        }
        if asked.len() + chosen.len() > MAX_ASKED {
            return Err(AppError::field("experts", Message::new("experts-too-many").arg("max", MAX_ASKED)));
        }
        let offered = matching(tx, &access.community, &root, &asked)?;
        if chosen.iter().any(|id| !offered.iter().any(|c| c.user_id == *id)) {
            return Err(AppError::field("experts", "experts-not-offered"));
        }
        let now = models::now();
        for &expert_id in &chosen {
            let id = expert::insert_request(tx, root.id, expert_id, actor, now)?;
            if root.status == post::Status::Approved {
                mail_request(tx, env, id, expert_id, root.id)?;
            }
        }
        // The log says who asked whom about which query, like any other moderator's act.
        let names: Vec<&str> = chosen.iter().filter_map(|id| offered.iter().find(|c| c.user_id == *id)).map(|c| c.name.as_str()).collect();
        // One name a line, so that deleting an expert's account can erase their name here.
        let reason = crate::models::list::encode(names);
        moderation::log(tx, &moderation::NewLogEntry { community_id: access.community.id, post_id: Some(root.id), actor_id: Some(actor), action: moderation::Action::ExpertsAsked, reason: &reason, created_at: now })?;
        Ok(chosen.len())
    })
}

/// Queues the request mail to an expert, once, and marks the request mailed.
fn mail_request(tx: &mut DbConn, env: &Env, request_id: i64, expert_id: i64, root_id: i64) -> Result<(), AppError> {
    let u = user::find(tx, expert_id)?;
    if u.is_verified() && u.mail_stopped_at.is_none() && !u.is_disabled() {
        let message_id = address::keyed_message_id(&address::web_host(&env.base_url), &format!("expert.q{root_id}.u{expert_id}"));
        mail_outbox::enqueue_once(tx, &Outgoing { message_id: &message_id, recipient: &u.email, kind: OutboxKind::ExpertRequest, ref_id: Some(request_id), user_id: Some(u.id), payload: None })?;
    }
    expert::mark_mailed(tx, request_id, models::now())?;
    Ok(())
}

/// A query was approved (in the caller's transaction): the experts asked while it waited are
/// mailed now.
pub fn query_approved(tx: &mut DbConn, env: &Env, root: &post::Post) -> Result<(), AppError> {
    if !root.is_query() {
        return Ok(());
    }
    for (r, _) in expert::requests_on(tx, root.id)? {
        if r.mailed_at.is_none() {
            mail_request(tx, env, r.id, r.expert_id, root.id)?;
        }
    }
    Ok(())
}

/// `access` widened for an expert asked about the thread `root_id`: they read and reply to
/// that one thread as a member would. Made only after their token was checked, for that thread
/// alone, and never kept; None when they were not asked about it.
pub fn as_asked_expert(conn: &mut DbConn, access: &Access, root_id: i64, user_id: i64) -> Result<Option<Access>, AppError> {
    if expert::request_for(conn, root_id, user_id)?.is_none() {
        return Ok(None);
    }
    Ok(Some(Access { viewer_id: Some(user_id), membership: Some(membership::Status::Active), moderator: false, admin: false, community: access.community.clone() }))
}

/// The thread an expert was asked about, by the token in their request mail: the query and
/// its approved replies (and the expert's own). 404 for a wrong token, a thread they were not
/// asked about, or one not approved.
pub fn asked_thread(conn: &mut DbConn, root_id: i64, token: &str) -> Result<(community::Community, ThreadView), AppError> {
    let t = Token::parse(token).ok_or(AppError::NotFound)?;
    let u = crate::services::mail_identity::member_for(conn, &t, MailPurpose::Expert, root_id)?.ok_or(AppError::NotFound)?;
    let root = post::find(conn, root_id).optional()?.ok_or(AppError::NotFound)?;
    let c = community::find(conn, root.community_id)?;
    let outside = Access { community: c.clone(), viewer_id: None, membership: None, moderator: false, admin: false };
    let access = as_asked_expert(conn, &outside, root_id, u.id)?.ok_or(AppError::NotFound)?;
    let view = communities::thread(conn, &access, root_id)?;
    Ok((c, view))
}
