//! What a viewer sees: the list of communities, a community, a thread, an attachment, the log
//! and the dashboard.

use super::*;
use diesel::OptionalExtension;

pub struct Listing {
    pub community: community::Community,
    pub membership: Option<membership::Status>,
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
    let mut rows = post::threads(conn, access.community.id, public_only, THREADS_PER_PAGE + 1, crate::services::page_offset(page, THREADS_PER_PAGE))?;
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
        post::count_in_status(conn, access.community.id, post::Status::Pending)? + post::count_in_status(conn, access.community.id, post::Status::Held)?
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
    /// How the query was answered, with the answering page (web name, title) while it is
    /// published.
    pub answer: Option<(post::AnswerKind, Option<(String, String)>)>,
    /// Experts a moderator asked about the query, and whether each answered.
    pub experts: Vec<crate::services::experts::Asked>,
    /// The schemes of Annex I the query points to (retired ones too).
    pub schemes: Vec<crate::models::vocabulary::Term>,
    /// How many members found their answer in this thread before asking.
    pub answered_members: i64,
    /// The posts written for a unit owner, by post id, each with what this reader may see.
    pub behalf: Vec<(i64, crate::services::facilitation::ForOwner)>,
}

/// Everything a thread holds before any reader's rights are applied (replies in every
/// status, all their attachments): read once per change and shown to each reader through
/// `view_for`, so the rule for who sees what stays in one place.
pub struct ThreadData {
    root: post::Post,
    root_author: String,
    replies: Vec<(post::Post, String)>,
    attachments: Vec<attachment::Attachment>,
    registry: Vec<crate::models::registry::Record>,
    answer: Option<(post::AnswerKind, Option<(String, String)>)>,
    experts: Vec<crate::services::experts::Asked>,
    schemes: Vec<crate::models::vocabulary::Term>,
    answered_members: i64,
    behalf: Vec<(i64, crate::services::facilitation::ForOwner)>,
}

pub fn thread_data(conn: &mut DbConn, root_id: i64) -> Result<ThreadData, AppError> {
    let root = post::find(conn, root_id)?;
    if !root.is_query() {
        return Err(AppError::NotFound);
    }
    let root_author = user::find(conn, root.author_id)?.name;
    let replies = post::replies(conn, root.id, None, true)?;
    let mut ids: Vec<i64> = replies.iter().map(|(p, _)| p.id).collect();
    ids.push(root.id);
    let attachments = attachment::for_posts(conn, &ids)?;
    let registry = crate::services::registry::for_thread(conn, root.id)?;
    let answer = match root.answered() {
        Some(kind) => {
            let page = match root.answered_page_id {
                Some(id) => crate::models::page::find(conn, id).optional()?.filter(|p| p.status == crate::models::page::Status::Published).map(|p| (p.slug, p.title)),
                None => None,
            };
            Some((kind, page))
        }
        None => None,
    };
    let experts = crate::services::experts::asked_on(conn, root.id)?;
    let codes = crate::models::scheme_link::of_post(conn, root.id)?;
    let schemes = crate::services::registry::terms_of(conn, &codes)?;
    // Only an approved query's thread (with an approved reply) is offered as an answer.
    let answered_members = if root.status == post::Status::Approved {
        crate::services::similar::answered_count(conn, crate::models::similar_answer::Target { kind: crate::models::similar_answer::TargetKind::Thread, id: root.id })?.members
    } else {
        0
    };
    let all: Vec<&post::Post> = std::iter::once(&root).chain(replies.iter().map(|(p, _)| p)).collect();
    let behalf = crate::services::facilitation::for_posts(conn, &all)?;
    Ok(ThreadData { root, root_author, replies, attachments, registry, answer, experts, schemes, answered_members, behalf })
}

impl ThreadData {
    /// The thread as `access` may see it; anything hidden answers 404, so its existence is
    /// not revealed.
    pub fn view_for(&self, access: &Access) -> Result<ThreadView, AppError> {
        let root = &self.root;
        if root.community_id != access.community.id || !access.may_read(root, root) {
            return Err(AppError::NotFound);
        }
        let replies: Vec<(post::Post, String)> = self.replies.iter().filter(|(p, _)| access.may_read(p, root)).cloned().collect();
        let shown = |post_id: i64| post_id == root.id || replies.iter().any(|(p, _)| p.id == post_id);
        let attachments = self.attachments.iter().filter(|a| shown(a.post_id)).cloned().collect();
        // The owner's contact only for their facilitator, the moderators and administrators.
        let behalf = self.behalf.iter().filter(|(id, _)| shown(*id)).map(|(id, f)| (*id, f.for_reader(access))).collect();
        Ok(ThreadView { root: root.clone(), root_author: self.root_author.clone(), replies, attachments, registry: self.registry.clone(), answer: self.answer.clone(), experts: self.experts.clone(), schemes: self.schemes.clone(), answered_members: self.answered_members, behalf })
    }
}

/// A thread as `access` may see it, read afresh.
pub fn thread(conn: &mut DbConn, access: &Access, root_id: i64) -> Result<ThreadView, AppError> {
    thread_data(conn, root_id)?.view_for(access)
}

/// The communities whose members-only threads `user_id` (holding `roles`) reads as a member:
/// active memberships and moderated communities, sorted, each once.
pub fn member_or_moderator_of(conn: &mut DbConn, user_id: i64, roles: &crate::models::role::Roles) -> Result<Vec<i64>, AppError> {
    let mut communities = membership::active_community_ids(conn, user_id)?;
    communities.extend(roles.moderated());
    communities.sort_unstable();
    communities.dedup();
    Ok(communities)
}

/// Whose members-only threads `viewer` finds in search, by the thread page's rule
/// (`Access::may_read`): administrators every community's, members and moderators their own
/// communities'. Read once per search from the memberships as they are now, so a member who
/// leaves or is removed no longer finds them at their next search.
pub fn search_audience(conn: &mut DbConn, viewer: &Principal) -> Result<crate::search::Audience, AppError> {
    let communities = member_or_moderator_of(conn, viewer.user.id, &viewer.roles)?;
    Ok(crate::search::Audience { all: viewer.roles.is_admin(), communities })
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
            Some(post::count_in_status(conn, c.id, post::Status::Pending)? + post::count_in_status(conn, c.id, post::Status::Held)?)
        } else {
            None
        };
        communities.push((c, queue));
    }
    let sent_back = post::by_author(conn, p.user.id)?.into_iter().filter(|x| x.status == post::Status::ChangesRequested).collect();
    Ok(Dashboard { communities, sent_back })
}
