//! Communities: creation and settings, membership, and who may read what.
//! Rule: an approved post is readable by the community's members and moderators (and by
//! everyone when the thread is public); any other post only by its author and the community's
//! moderators.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::{self, attachment, audit, community, membership, moderation, post, role, user};
use crate::services::accounts::Principal;
use crate::vocab;

/// What one viewer may do in one community.
#[derive(Debug, Clone)]
pub struct Access {
    pub community: community::Community,
    pub viewer_id: Option<i64>,
    pub membership: Option<String>,
    pub moderator: bool,
    pub admin: bool,
}

impl Access {
    pub fn is_member(&self) -> bool {
        self.moderator || self.membership.as_deref() == Some(membership::ACTIVE)
    }
    /// May read the approved threads of the community (not only public ones).
    pub fn reads_all_threads(&self) -> bool {
        self.is_member() || self.admin || self.community.public_threads
    }
    pub fn may_read_approved(&self, root: &post::Post) -> bool {
        self.reads_all_threads() || root.is_public
    }
    /// The full rule for one post, given its thread's root.
    pub fn may_read(&self, p: &post::Post, root: &post::Post) -> bool {
        if self.moderator || self.viewer_id == Some(p.author_id) {
            return true;
        }
        p.status == post::APPROVED && root.status == post::APPROVED && self.may_read_approved(root)
    }
    pub fn require_moderator(&self) -> Result<(), AppError> {
        if self.moderator { Ok(()) } else { Err(AppError::Forbidden) }
    }
    /// Moderators and administrators change a community's settings.
    pub fn require_steward(&self) -> Result<(), AppError> {
        if self.moderator || self.admin { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

pub fn access(conn: &mut DbConn, slug: &str, viewer: Option<&Principal>) -> Result<Access, AppError> {
    let c = community::find_by_slug(conn, slug)?;
    let (membership, moderator, admin) = match viewer {
        Some(p) => (
            membership::find(conn, c.id, p.user.id)?.map(|m| m.status),
            p.roles.moderates(c.id),
            p.roles.is_admin(),
        ),
        None => (None, false, false),
    };
    Ok(Access { viewer_id: viewer.map(|p| p.user.id), community: c, membership, moderator, admin })
}

fn log(conn: &mut DbConn, community_id: i64, post_id: Option<i64>, actor: Option<i64>, action: &str, reason: &str) -> diesel::QueryResult<usize> {
    moderation::log(
        conn,
        &moderation::NewLogEntry { community_id, post_id, actor_id: actor, action, reason, created_at: models::now() },
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CommunityForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub join_policy: String,
    #[serde(default)]
    pub public_threads: Option<String>,
    /// Email addresses of the first moderators, separated by commas or lines.
    #[serde(default)]
    pub moderators: String,
}

pub fn create(conn: &mut DbConn, actor: &Principal, form: &CommunityForm) -> Result<String, AppError> {
    if !actor.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.insert("name", "community-name-invalid".into());
    }
    let slug = if form.slug.trim().is_empty() { super::slugify(name, 60) } else { super::slugify(&form.slug, 60) };
    if slug.is_empty() {
        errors.insert("slug", "community-slug-invalid".into());
    } else if community::slug_taken(conn, &slug)? {
        errors.insert("slug", Message::new("slug-taken").arg("slug", &slug));
    }
    if !vocab::is_theme(&form.theme) {
        errors.insert("theme", "theme-choose".into());
    }
    if form.description.chars().count() > 2000 {
        errors.insert("description", Message::new("too-long").arg("max", 2000));
    }
    let policy = if form.join_policy == community::JOIN_INVITE { community::JOIN_INVITE } else { community::JOIN_REQUEST };
    let mut moderator_ids = Vec::new();
    let mut unknown = Vec::new();
    for email in form.moderators.split([',', '\n', ';', ' ']).map(str::trim).filter(|e| !e.is_empty()) {
        match user::find_by_email(conn, &email.to_lowercase())? {
            Some(u) => moderator_ids.push(u.id),
            None => unknown.push(email.to_string()),
        }
    }
    if !unknown.is_empty() {
        errors.insert("moderators", Message::new("community-moderators-unknown").arg("addresses", unknown.join(", ")));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |c| {
        let now = models::now();
        let id = community::insert(c, &community::NewCommunity { slug: &slug, name, description: form.description.trim(), theme: &form.theme, created_at: now })?;
        let mut settings = settings_of(&community::find(c, id)?);
        settings.join_policy = policy.into();
        settings.public_threads = form.public_threads.is_some();
        settings.canned_reasons = crate::services::moderate::STANDARD_REASONS.iter().map(|(text, _)| *text).collect::<Vec<_>>().join("\n");
        community::update_settings(c, id, &settings)?;
        for uid in moderator_ids {
            role::insert(c, &role::NewRoleGrant { user_id: uid, role: role::Role::Moderator.as_str(), community_id: Some(id), state: "", granted_by: Some(actor.user.id), granted_at: now })?;
            audit::insert(c, &audit::NewAuditEntry { actor_id: Some(actor.user.id), action: "grant", subject_user_id: Some(uid), detail: &Message::new("audit-moderator-of").arg("community", name.to_string()).to_stored(), created_at: now })?;
            ensure_active(c, id, uid, actor.user.id)?;
        }
        log(c, id, None, Some(actor.user.id), "community created", "")?;
        Ok(slug.clone())
    })
}

fn ensure_active(conn: &mut DbConn, community_id: i64, user_id: i64, by: i64) -> diesel::QueryResult<()> {
    let now = models::now();
    match membership::find(conn, community_id, user_id)? {
        Some(m) if m.status == membership::ACTIVE => {}
        Some(m) => {
            membership::set_status(conn, m.id, membership::ACTIVE, Some(by), now)?;
        }
        None => {
            membership::insert(conn, &membership::NewMembership { community_id, user_id, status: membership::ACTIVE, created_at: now, decided_by: Some(by), decided_at: Some(now) })?;
        }
    }
    Ok(())
}

pub fn settings_of(c: &community::Community) -> community::Settings {
    community::Settings {
        name: c.name.clone(),
        description: c.description.clone(),
        theme: c.theme.clone(),
        join_policy: c.join_policy.clone(),
        public_threads: c.public_threads,
        premoderation: c.premoderation.clone(),
        trusted_after: c.trusted_after,
        hold_rules: c.hold_rules.clone(),
        canned_reasons: c.canned_reasons.clone(),
        response_days: c.response_days,
        auto_digest: c.auto_digest,
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub join_policy: String,
    #[serde(default)]
    pub public_threads: Option<String>,
    #[serde(default)]
    pub premoderation: String,
    #[serde(default)]
    pub trusted_after: String,
    #[serde(default)]
    pub hold_rules: String,
    #[serde(default)]
    pub canned_reasons: String,
    #[serde(default)]
    pub response_days: String,
    #[serde(default)]
    pub auto_digest: Option<String>,
}

impl SettingsForm {
    pub fn from_settings(s: &community::Settings) -> Self {
        SettingsForm {
            name: s.name.clone(),
            description: s.description.clone(),
            theme: s.theme.clone(),
            join_policy: s.join_policy.clone(),
            public_threads: s.public_threads.then(|| "on".into()),
            premoderation: s.premoderation.clone(),
            trusted_after: s.trusted_after.to_string(),
            hold_rules: s.hold_rules.clone(),
            canned_reasons: s.canned_reasons.clone(),
            response_days: s.response_days.to_string(),
            auto_digest: s.auto_digest.then(|| "on".into()),
        }
    }
}

pub fn update_settings(conn: &mut DbConn, access: &Access, actor: i64, form: &SettingsForm) -> Result<(), AppError> {
    access.require_steward()?;
    let mut errors = FieldErrors::new();
    if form.name.trim().is_empty() {
        errors.insert("name", "community-name-missing".into());
    }
    if !vocab::is_theme(&form.theme) {
        errors.insert("theme", "theme-choose".into());
    }
    let trusted_after = match form.trusted_after.trim().parse::<i32>() {
        Ok(n) if (0..=100).contains(&n) => n,
        _ => {
            errors.insert("trusted_after", "trusted-after-invalid".into());
            0
        }
    };
    let response_days = match form.response_days.trim().parse::<i32>() {
        Ok(n) if (1..=365).contains(&n) => n,
        _ => {
            errors.insert("response_days", "response-days-invalid".into());
            10
        }
    };
    if let Err(msg) = crate::services::posting::HoldRules::parse(&form.hold_rules) {
        errors.insert("hold_rules", msg);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let settings = community::Settings {
        name: form.name.trim().into(),
        description: form.description.trim().into(),
        theme: form.theme.clone(),
        join_policy: if form.join_policy == community::JOIN_INVITE { community::JOIN_INVITE.into() } else { community::JOIN_REQUEST.into() },
        public_threads: form.public_threads.is_some(),
        premoderation: if form.premoderation == community::PREMODERATE_NEW { community::PREMODERATE_NEW.into() } else { community::PREMODERATE_ALL.into() },
        trusted_after,
        hold_rules: form.hold_rules.trim().into(),
        canned_reasons: form.canned_reasons.trim().into(),
        response_days,
        auto_digest: form.auto_digest.is_some(),
    };
    write_tx(conn, |c| {
        community::update_settings(c, access.community.id, &settings)?;
        log(c, access.community.id, None, Some(actor), "settings changed", "")?;
        Ok(())
    })
}

/// Asks to join (or accepts an invitation). Returns the new membership status.
pub fn join(conn: &mut DbConn, access: &Access, user_id: i64) -> Result<String, AppError> {
    let cid = access.community.id;
    write_tx(conn, |c| {
        let now = models::now();
        let existing = membership::find(c, cid, user_id)?;
        let status = match existing {
            Some(m) if m.status == membership::ACTIVE || m.status == membership::REQUESTED => return Ok(m.status),
            Some(m) if m.status == membership::INVITED => {
                membership::set_status(c, m.id, membership::ACTIVE, Some(user_id), now)?;
                log(c, cid, None, Some(user_id), "invitation accepted", "")?;
                membership::ACTIVE
            }
            _ if access.community.join_policy == community::JOIN_INVITE => {
                return Err(AppError::BadRequest("community-invite-only".into()))
            }
            Some(m) => {
                membership::set_status(c, m.id, membership::REQUESTED, None, now)?;
                log(c, cid, None, Some(user_id), "membership requested", "")?;
                membership::REQUESTED
            }
            None => {
                membership::insert(c, &membership::NewMembership { community_id: cid, user_id, status: membership::REQUESTED, created_at: now, decided_by: None, decided_at: None })?;
                log(c, cid, None, Some(user_id), "membership requested", "")?;
                membership::REQUESTED
            }
        };
        Ok(status.to_string())
    })
}

pub fn leave(conn: &mut DbConn, access: &Access, user_id: i64) -> Result<(), AppError> {
    let cid = access.community.id;
    write_tx(conn, |c| {
        if let Some(m) = membership::find(c, cid, user_id)? {
            membership::set_status(c, m.id, membership::DECLINED, Some(user_id), models::now())?;
            log(c, cid, None, Some(user_id), "left the community", "")?;
        }
        Ok(())
    })
}

/// A moderator approves or declines a request to join.
pub fn decide_membership(conn: &mut DbConn, access: &Access, actor: i64, user_id: i64, approve: bool) -> Result<(), AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    write_tx(conn, |c| {
        let m = membership::find(c, cid, user_id)?.filter(|m| m.status == membership::REQUESTED).ok_or(AppError::NotFound)?;
        let (status, action) = if approve { (membership::ACTIVE, "membership approved") } else { (membership::DECLINED, "membership declined") };
        membership::set_status(c, m.id, status, Some(actor), models::now())?;
        log(c, cid, None, Some(actor), action, "")?;
        Ok(())
    })
}

pub fn invite(conn: &mut DbConn, access: &Access, actor: i64, email: &str) -> Result<(), AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    let u = user::find_by_email(conn, &email.trim().to_lowercase())?
        .ok_or_else(|| AppError::field("email", "invite-no-account"))?;
    write_tx(conn, |c| {
        let now = models::now();
        match membership::find(c, cid, u.id)? {
            Some(m) if m.status == membership::ACTIVE => return Err(AppError::field("email", "invite-already-member")),
            // Someone who asked to join and is invited is simply let in.
            Some(m) if m.status == membership::REQUESTED => {
                membership::set_status(c, m.id, membership::ACTIVE, Some(actor), now)?;
            }
            Some(m) => {
                membership::set_status(c, m.id, membership::INVITED, Some(actor), now)?;
            }
            None => {
                membership::insert(c, &membership::NewMembership { community_id: cid, user_id: u.id, status: membership::INVITED, created_at: now, decided_by: Some(actor), decided_at: Some(now) })?;
            }
        }
        log(c, cid, None, Some(actor), "member invited", "")?;
        Ok(())
    })
}

pub struct MembersView {
    pub requests: Vec<(membership::Membership, user::User)>,
    pub invited: Vec<(membership::Membership, user::User)>,
    pub active: Vec<(membership::Membership, user::User)>,
}

pub fn members(conn: &mut DbConn, access: &Access) -> Result<MembersView, AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    Ok(MembersView {
        requests: membership::list(conn, cid, membership::REQUESTED)?,
        invited: membership::list(conn, cid, membership::INVITED)?,
        active: membership::list(conn, cid, membership::ACTIVE)?,
    })
}

pub struct Listing {
    pub community: community::Community,
    pub membership: Option<String>,
    pub members: i64,
}

pub fn list(conn: &mut DbConn, viewer: Option<&Principal>) -> Result<Vec<Listing>, AppError> {
    let mut out = Vec::new();
    for c in community::list(conn)? {
        let membership = match viewer {
            Some(p) => membership::find(conn, c.id, p.user.id)?.map(|m| m.status),
            None => None,
        };
        let members = membership::count_active(conn, c.id)?;
        out.push(Listing { community: c, membership, members });
    }
    Ok(out)
}

pub struct ThreadSummary {
    pub root: post::Post,
    pub author: String,
    pub replies: i64,
}

pub struct CommunityPage {
    pub threads: Vec<ThreadSummary>,
    pub has_next: bool,
    pub queue_size: i64,
}

pub const THREADS_PER_PAGE: i64 = 30;

pub fn community_page(conn: &mut DbConn, access: &Access, page: i64) -> Result<CommunityPage, AppError> {
    let public_only = !access.reads_all_threads();
    let mut rows = post::threads(conn, access.community.id, public_only, THREADS_PER_PAGE + 1, super::page_offset(page, THREADS_PER_PAGE))?;
    let has_next = rows.len() as i64 > THREADS_PER_PAGE;
    rows.truncate(THREADS_PER_PAGE as usize);
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let counts = post::reply_counts(conn, &ids)?;
    let threads = rows
        .into_iter()
        .map(|(root, author)| {
            let replies = counts.iter().find(|(t, _)| *t == Some(root.id)).map(|(_, n)| *n).unwrap_or(0);
            ThreadSummary { root, author, replies }
        })
        .collect();
    let queue_size = if access.moderator {
        post::count_in_status(conn, access.community.id, post::PENDING)? + post::count_in_status(conn, access.community.id, post::HELD)?
    } else {
        0
    };
    Ok(CommunityPage { threads, has_next, queue_size })
}

pub struct ThreadView {
    pub root: post::Post,
    pub root_author: String,
    pub replies: Vec<(post::Post, String)>,
    pub attachments: Vec<attachment::Attachment>,
    /// Published registry records that name this thread.
    pub registry: Vec<crate::models::registry::Record>,
}

/// A thread as `access` may see it; anything hidden answers 404, so its existence is not revealed.
pub fn thread(conn: &mut DbConn, access: &Access, root_id: i64) -> Result<ThreadView, AppError> {
    let root = post::find(conn, root_id)?;
    if root.community_id != access.community.id || !root.is_query() || !access.may_read(&root, &root) {
        return Err(AppError::NotFound);
    }
    let root_author = user::find(conn, root.author_id)?.name;
    let replies = post::replies(conn, root.id, access.viewer_id, access.moderator)?
        .into_iter()
        .filter(|(p, _)| access.may_read(p, &root))
        .collect::<Vec<_>>();
    let mut ids: Vec<i64> = replies.iter().map(|(p, _)| p.id).collect();
    ids.push(root.id);
    let attachments = attachment::for_posts(conn, &ids)?;
    let registry = super::registry::for_thread(conn, root.id)?;
    Ok(ThreadView { root, root_author, replies, attachments, registry })
}

/// An attachment and the post it hangs on, if `viewer` may read that post.
pub fn attachment_for(conn: &mut DbConn, viewer: Option<&Principal>, id: i64) -> Result<attachment::Attachment, AppError> {
    let a = attachment::find(conn, id)?;
    let p = post::find(conn, a.post_id)?;
    let root = if p.is_query() { p.clone() } else { post::find(conn, p.root_id())? };
    let c = community::find(conn, p.community_id)?;
    let acc = access(conn, &c.slug, viewer)?;
    if !acc.may_read(&p, &root) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

pub fn moderation_log(
    conn: &mut DbConn,
    access: &Access,
) -> Result<Vec<(moderation::LogEntry, Option<String>, Option<(String, String, Option<i64>)>)>, AppError> {
    if !(access.is_member() || access.admin) {
        return Err(if access.viewer_id.is_some() { AppError::Forbidden } else { AppError::Unauthorized });
    }
    let rows = moderation::log_for_community(conn, access.community.id, 300)?;
    Ok(rows
        .into_iter()
        .map(|(mut e, who, post)| {
            // A reason given about a post (why it was rejected, held or flagged) is for its
            // author and the moderators; other members see only what happened.
            let author = post.as_ref().map(|p| p.3);
            if e.post_id.is_some() && !access.moderator && (author.is_none() || author != access.viewer_id) {
                e.reason.clear();
            }
            (e, who, post.map(|(title, status, thread, _)| (title, status, thread)))
        })
        .collect())
}

/// What the dashboard shows a signed-in person: their communities (with the queue size where
/// they moderate) and their posts a moderator sent back.
pub struct Dashboard {
    pub communities: Vec<(community::Community, Option<i64>)>,
    pub sent_back: Vec<post::Post>,
}

pub fn dashboard(conn: &mut DbConn, p: &Principal) -> Result<Dashboard, AppError> {
    let mut list: Vec<community::Community> = membership::communities_of(conn, p.user.id)?;
    for g in &p.roles.grants {
        if let Some(cid) = g.community_id {
            if !list.iter().any(|c| c.id == cid) {
                list.push(community::find(conn, cid)?);
            }
        }
    }
    let mut communities = Vec::with_capacity(list.len());
    for c in list {
        let queue = if p.roles.moderates(c.id) {
            Some(post::count_in_status(conn, c.id, post::PENDING)? + post::count_in_status(conn, c.id, post::HELD)?)
        } else {
            None
        };
        communities.push((c, queue));
    }
    let sent_back = post::by_author(conn, p.user.id)?.into_iter().filter(|x| x.status == post::CHANGES_REQUESTED).collect();
    Ok(Dashboard { communities, sent_back })
}

/// A person's communities with how each sends them mail.
pub fn deliveries(conn: &mut DbConn, user_id: i64) -> Result<Vec<(membership::Membership, community::Community)>, AppError> {
    Ok(membership::of_user(conn, user_id)?)
}

fn check_mode(mode: &str) -> Result<(), AppError> {
    if membership::DELIVERY_MODES.contains(&mode) {
        Ok(())
    } else {
        Err(AppError::field("delivery", "delivery-choose-missing"))
    }
}

/// Changes delivery for the member's own memberships: (membership id, mode) pairs.
pub fn set_deliveries(conn: &mut DbConn, user_id: i64, changes: &[(i64, String)]) -> Result<(), AppError> {
    for (_, mode) in changes {
        check_mode(mode)?;
    }
    write_tx(conn, |tx| {
        let mine = membership::of_user(tx, user_id)?;
        for (id, mode) in changes {
            if mine.iter().any(|(m, _)| m.id == *id) {
                membership::set_delivery(tx, *id, mode)?;
            }
        }
        Ok(())
    })
}

/// The membership an unsubscribe link names; the link's token is the only credential, and it
/// is valid only for unsubscribing from this one community.
pub fn by_mail_token(conn: &mut DbConn, token: &str, slug: &str) -> Result<(user::User, community::Community, membership::Membership), AppError> {
    let t = crate::tokens::address::Token::parse(token).ok_or(AppError::NotFound)?;
    let c = community::find_by_slug(conn, slug)?;
    let u = crate::services::mail_identity::member_for(conn, &t, crate::tokens::MailPurpose::Unsubscribe, c.id)?.ok_or(AppError::NotFound)?;
    let m = membership::find(conn, c.id, u.id)?.ok_or(AppError::NotFound)?;
    Ok((u, c, m))
}

/// One-click unsubscribe (RFC 8058) and the delivery choice on the unsubscribe page.
pub fn set_delivery_by_token(conn: &mut DbConn, token: &str, slug: &str, mode: &str) -> Result<community::Community, AppError> {
    check_mode(mode)?;
    let (u, c, m) = by_mail_token(conn, token, slug)?;
    write_tx(conn, |tx| {
        membership::set_delivery(tx, m.id, mode)?;
        let action = if mode == "web" { "unsubscribed from mail" } else { "changed mail delivery" };
        log(tx, c.id, None, Some(u.id), action, "")?;
        Ok::<_, AppError>(())
    })?;
    Ok(c)
}

pub fn resume_mail(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    user::resume_mail(conn, user_id)?;
    Ok(())
}
