//! Members' rights over their data (India's DPDP Act 2023): consent to the data notice at
//! sign-up, a copy of everything kept about them, erasure of the account, and requests that
//! their published posts be taken down, which moderators review.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::*;
use crate::models::{list, moderation, post, removal};
use crate::services::communities::Access;

/// The version of the data notice shown at sign-up; recorded with each member's consent. A
/// new wording of the notice gets a new version.
pub const DATA_NOTICE_VERSION: &str = "2026-12";

/// The address a deleted account keeps: unique, and in the reserved `.invalid` domain, so no
/// mail can reach it. The real address is free again for a new account.
pub fn erased_address(user_id: i64) -> String {
    format!("deleted-{user_id}@deleted.invalid")
}

/// A copy of everything the portal keeps about one member, as they download it.
#[derive(Debug, Serialize)]
pub struct MemberData {
    pub exported_at: NaiveDateTime,
    pub profile: ProfileData,
    pub consent: ConsentData,
    pub posts: Vec<PostData>,
    pub memberships: Vec<MembershipData>,
    pub notification_settings: Vec<SettingData>,
    pub sessions: Vec<SessionData>,
    pub registry_submissions: Vec<SubmissionData>,
    pub removal_requests: Vec<RemovalData>,
    /// Their expert profile, if they offered one.
    pub expert_profile: Option<ExpertProfileData>,
    /// The queries moderators asked them about as an expert.
    pub expert_requests: Vec<ExpertRequestData>,
    /// Their "it worked?" answers, with their notes.
    pub outcomes: Vec<OutcomeData>,
    /// What answered them before they posted ("this answers me"), or closed their query.
    pub answered_by: Vec<AnsweredData>,
    pub funding_posts: Vec<FundingPostData>,
    /// For a facilitator: the unit owners they posted for, with what was recorded of each.
    pub represented_owners: Vec<crate::services::facilitation::OwnerData>,
}

#[derive(Debug, Serialize)]
pub struct ExpertProfileData {
    pub themes: Vec<String>,
    pub sectors: Vec<String>,
    pub states: Vec<String>,
    pub organisation: String,
    pub experience: String,
    pub languages: Vec<String>,
    pub listed: bool,
    pub paused: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct ExpertRequestData {
    pub query_id: i64,
    pub query_title: String,
    pub asked_at: NaiveDateTime,
    pub mailed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeData {
    /// "page" or "practice".
    pub subject: String,
    pub subject_id: i64,
    pub verdict: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct AnsweredData {
    /// "page", "record" or "thread".
    pub target_kind: String,
    pub target_id: i64,
    /// "member" (their own mark) or "moderator" (their query closed as answered).
    pub source: String,
    pub query_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct FundingPostData {
    pub id: i64,
    /// "offer" or "proposal".
    pub kind: String,
    pub title: String,
    pub scheme: String,
    pub funder: String,
    pub partners: String,
    pub amount_min: i64,
    pub amount_max: i64,
    pub budget: i64,
    pub sectors: Vec<String>,
    pub states: Vec<String>,
    pub deadline: String,
    pub body: String,
    pub contact: String,
    pub status: String,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct ProfileData {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub organisation: String,
    pub state: String,
    pub district: String,
    pub role_title: String,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub email_verified_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct ConsentData {
    pub data_notice_version: String,
    pub data_consent_at: Option<NaiveDateTime>,
    pub named_as_contributor: bool,
    pub contributor_choice_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct PostData {
    pub id: i64,
    pub community: String,
    /// The query this replies to; none for a query.
    pub reply_to: Option<i64>,
    pub title: String,
    pub body: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub approved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct MembershipData {
    pub community: String,
    pub status: String,
    pub delivery: String,
    pub since: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct SettingData {
    pub topic: String,
    pub mode: String,
}

/// A session without its token (only its hash is kept, and not even that is given out).
#[derive(Debug, Serialize)]
pub struct SessionData {
    pub user_agent: String,
    pub started: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub expires: NaiveDateTime,
}

#[derive(Debug, Serialize)]
pub struct SubmissionData {
    pub kind: String,
    pub record: String,
    pub title: String,
    pub version: i32,
    pub status: String,
    /// The fields as submitted (JSON as stored).
    pub fields: String,
    pub created_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize)]
pub struct RemovalData {
    pub post_id: i64,
    pub status: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

/// Everything kept about `user_id`, for that member only (the caller passes the signed-in id).
pub fn export(conn: &mut DbConn, user_id: i64) -> Result<MemberData, AppError> {
    let u = user::find(conn, user_id)?;
    let posts = removal::posts_of(conn, user_id)?
        .into_iter()
        .map(|(p, community)| PostData { id: p.id, community, reply_to: p.thread_id, title: p.title, body: p.body_md, status: p.status.as_str().to_string(), created_at: p.created_at, approved_at: p.approved_at })
        .collect();
    let memberships = removal::memberships_of(conn, user_id)?
        .into_iter()
        .map(|(community, status, delivery, since)| MembershipData { community, status, delivery, since })
        .collect();
    let notification_settings = crate::services::notify::settings(conn, user_id)?
        .into_iter()
        .map(|(t, m)| SettingData { topic: t.as_str().to_string(), mode: m.as_str().to_string() })
        .collect();
    let sessions = session::list_for_user(conn, user_id, models::now())?
        .into_iter()
        .map(|s| SessionData { user_agent: s.user_agent, started: s.created_at, last_seen: s.last_seen_at, expires: s.expires_at })
        .collect();
    let registry_submissions = removal::registry_versions_of(conn, user_id)?
        .into_iter()
        .map(|(kind, record, title, version, status, fields, created_at, submitted_at)| SubmissionData { kind, record, title, version, status, fields, created_at, submitted_at })
        .collect();
    let removal_requests = removal::of_user(conn, user_id)?
        .into_iter()
        .map(|r| RemovalData { post_id: r.post_id, status: r.status.as_str().to_string(), reason: r.reason, created_at: r.created_at })
        .collect();
    let owned = |l: &str| list::decode(l).map(str::to_string).collect::<Vec<_>>();
    let expert_profile = crate::models::expert::find(conn, user_id)?.map(|e| ExpertProfileData {
        themes: owned(&e.themes),
        sectors: owned(&e.sectors),
        states: owned(&e.states),
        organisation: e.organisation,
        experience: e.experience,
        languages: owned(&e.languages),
        listed: e.listed,
        paused: e.paused,
        created_at: e.created_at,
        updated_at: e.updated_at,
    });
    let expert_requests = crate::models::expert::requests_to(conn, user_id)?
        .into_iter()
        .map(|(r, query_title)| ExpertRequestData { query_id: r.post_id, query_title, asked_at: r.asked_at, mailed_at: r.mailed_at })
        .collect();
    let outcomes = crate::models::outcome::by_member(conn, user_id)?
        .into_iter()
        .map(|o| OutcomeData { subject: o.subject.as_str().to_string(), subject_id: o.subject_id, verdict: o.verdict.as_str().to_string(), note: o.note, created_at: o.created_at, updated_at: o.updated_at })
        .collect();
    let answered_by = crate::models::similar_answer::of_member(conn, user_id)?
        .into_iter()
        .map(|(target_kind, target_id, source, query_id, created_at)| AnsweredData { target_kind, target_id, source, query_id, created_at })
        .collect();
    let funding_posts = crate::models::funding::by_author(conn, user_id)?
        .into_iter()
        .map(|f| FundingPostData {
            id: f.id,
            kind: f.kind.as_str().to_string(),
            sectors: owned(&f.sectors),
            states: owned(&f.states),
            title: f.title,
            scheme: f.scheme,
            funder: f.funder,
            partners: f.partners,
            amount_min: f.amount_min,
            amount_max: f.amount_max,
            budget: f.budget,
            deadline: f.deadline,
            body: f.body,
            contact: f.contact,
            status: f.status.as_str().to_string(),
            comment: f.comment,
            created_at: f.created_at,
            published_at: f.published_at,
        })
        .collect();
    Ok(MemberData {
        exported_at: models::now(),
        consent: ConsentData { data_notice_version: u.data_notice_version.clone(), data_consent_at: u.data_consent_at, named_as_contributor: u.credit_consent, contributor_choice_at: u.credit_consent_at },
        profile: ProfileData { id: u.id, email: u.email, name: u.name, organisation: u.organisation, state: u.state, district: u.district, role_title: u.role_title, language: u.language, created_at: u.created_at, email_verified_at: u.email_verified_at },
        posts,
        memberships,
        notification_settings,
        sessions,
        registry_submissions,
        removal_requests,
        expert_profile,
        expert_requests,
        outcomes,
        answered_by,
        funding_posts,
        represented_owners: crate::services::facilitation::export(conn, user_id)?,
    })
}

/// The export as a JSON document.
pub fn export_json(data: &MemberData) -> Result<String, AppError> {
    serde_json::to_string_pretty(data).map_err(|e| AppError::Internal(e.to_string()))
}

/// Who asks for an account to be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedBy {
    /// The member, on their own account page (password checked before).
    Member,
    /// An administrator, carrying out the member's request.
    Admin(i64),
}

/// Deletes an account: sessions end, personal data and the mail address are erased (and with
/// them mail identities, links, held and queued mail), published posts stay under "former
/// member". With `remove_posts`, unpublished posts are withdrawn at once and each published one
/// gets a removal request for its community's moderators. The audit log names the account by
/// id only. Never the last administrator.
pub fn delete_account(conn: &mut DbConn, user_id: i64, by: DeletedBy, remove_posts: bool, address: &str) -> Result<(), AppError> {
    if by == DeletedBy::Admin(user_id) {
        return Err(AppError::Conflict("account-delete-self-admin".into()));
    }
    write_tx(conn, |c| {
        crate::db::lock_admins(c)?;
        let u = user::find(c, user_id)?;
        if u.is_deleted() {
            return Err(AppError::Conflict("account-already-deleted".into()));
        }
        if role::for_user(c, user_id)?.is_admin() && role::count_enabled(c, role::Role::Admin)? <= 1 {
            return Err(AppError::Conflict("account-delete-last-admin".into()));
        }
        let now = models::now();
        // Named contributors on knowledge pages become "former member" there too.
        if u.credit_consent {
            let credit = if u.organisation.is_empty() { u.name.clone() } else { format!("{} | {}", u.name, u.organisation) };
            for (page_id, contributors) in removal::pages_crediting(c, &credit)? {
                let lines: Vec<&str> = list::decode(&contributors).map(|l| if l == credit { user::FORMER_MEMBER } else { l }).collect();
                removal::set_contributors(c, page_id, &list::encode(lines))?;
                search_outbox_page(c, page_id)?;
            }
        }
        if remove_posts {
            removal::withdraw_unpublished(c, user_id, now)?;
            removal::request_for_published(c, user_id, now)?;
        }
        session::delete_for_user(c, user_id)?;
        // An expert profile goes with the account: no longer listed nor offered, and their
        // name leaves the moderation log's "experts asked" entries.
        crate::models::expert::delete(c, user_id)?;
        crate::models::moderation::erase_expert_name(c, user_id, &u.name)?;
        removal::erase_traces(c, user_id, &u.email)?;
        crate::services::facilitation::erase_for(c, user_id)?;
        user::erase(c, user_id, &erased_address(user_id), &tokens::mail_token(), now)?;
        let (actor, detail) = match by {
            DeletedBy::Member => (Some(user_id), Message::new("audit-account-deleted-by-member")),
            DeletedBy::Admin(admin) => (Some(admin), Message::new("audit-account-deleted-on-request")),
        };
        audit::insert(c, &audit::NewAuditEntry { actor_id: actor, action: "account deleted", subject_user_id: Some(user_id), detail: &detail.to_stored(), created_at: now })?;
        security_event(c, security_event::Kind::AccountDeleted, Some(user_id), address, None)?;
        Ok(())
    })
}

fn search_outbox_page(c: &mut DbConn, page_id: i64) -> diesel::QueryResult<usize> {
    models::search_outbox::push(c, models::search_outbox::Kind::Page, page_id)
}

/// What a moderator sees of one removal request.
pub struct RemovalItem {
    pub request: removal::Request,
    pub post: post::Post,
}

/// The pending removal requests of a community, for its moderators.
pub fn removal_queue(conn: &mut DbConn, access: &Access) -> Result<Vec<RemovalItem>, AppError> {
    access.require_moderator()?;
    Ok(removal::pending_in(conn, access.community.id)?.into_iter().map(|(request, post)| RemovalItem { request, post }).collect())
}

/// A moderator approves (the post is withdrawn) or declines (with a reason) a removal request.
/// A withdrawn reply leaves the thread; a withdrawn query keeps its title and the replies of
/// others, its text replaced by a note, so the thread and the pages citing it stay coherent.
pub fn decide_removal(conn: &mut DbConn, access: &Access, actor: i64, request_id: i64, approve: bool, reason: &str) -> Result<(), AppError> {
    access.require_moderator()?;
    let reason = models::storable(reason.trim()).into_owned();
    if !approve && reason.is_empty() {
        return Err(AppError::field("reason", "removal-reason-missing"));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::field("reason", Message::new("too-long").arg("max", 1000)));
    }
    write_tx(conn, |c| {
        let r = removal::find(c, request_id)?.filter(|r| r.community_id == access.community.id).ok_or(AppError::NotFound)?;
        let now = models::now();
        let status = if approve { removal::Status::Approved } else { removal::Status::Declined };
        if !removal::decide(c, r.id, status, &reason, actor, now)? {
            return Err(AppError::Conflict("removal-decided-already".into()));
        }
        if !approve {
            return Ok(());
        }
        let p = post::find(c, r.post_id)?;
        let mut d = post::Decision { updated_at: Some(now), ..Default::default() };
        if p.is_query() {
            d.body_md = Some(WITHDRAWN_TEXT.to_string());
            d.body_html = Some(crate::markdown::to_safe_html(WITHDRAWN_TEXT));
            d.original_title = Some(None);
            d.original_body_md = Some(None);
        } else {
            d.status = Some(post::Status::Removed);
        }
        if !post::decide(c, p.id, p.version, d)? {
            return Err(AppError::Conflict("removal-decided-already".into()));
        }
        models::search_outbox::push(c, models::search_outbox::Kind::Thread, p.root_id())?;
        moderation::log(c, &moderation::NewLogEntry { community_id: p.community_id, post_id: Some(p.id), actor_id: Some(actor), action: moderation::Action::RemovedOnRequest, reason: "", created_at: now })?;
        Ok(())
    })
}

/// What a withdrawn query says instead of its text, in both languages of the portal (it is
/// stored once and read by everyone).
pub const WITHDRAWN_TEXT: &str = "*Withdrawn at the request of its author, a former member.*\n\n*पूर्व सदस्य, इसके लेखक, के अनुरोध पर हटाया गया।*";
