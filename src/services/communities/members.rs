//! Joining, leaving, invitations, membership decisions and the member list.

use super::*;

/// Asks to join (or accepts an invitation). Returns the new membership status.
pub fn join(conn: &mut DbConn, env: &crate::services::Env, access: &Access, user_id: i64) -> Result<membership::Status, AppError> {
    write_tx(conn, |c| join_in(c, env, &access.community, user_id))
}

/// `join` inside a write already open: also used when an owner claims the posts a facilitator
/// made for them, so the claim follows the community's policy like any request to join.
pub(crate) fn join_in(c: &mut DbConn, env: &crate::services::Env, community: &community::Community, user_id: i64) -> Result<membership::Status, AppError> {
    let cid = community.id;
    {
        let now = models::now();
        let existing = membership::find(c, cid, user_id)?;
        let status = match existing {
            Some(m) if m.status == membership::Status::Active || m.status == membership::Status::Requested => return Ok(m.status),
            Some(m) if m.status == membership::Status::Invited => {
                membership::set_status(c, m.id, membership::Status::Active, Some(user_id), now)?;
                log(c, cid, None, Some(user_id), moderation::Action::InvitationAccepted, "")?;
                membership::Status::Active
            }
            _ if community.join_policy == community::JoinPolicy::Invite => {
                return Err(AppError::BadRequest("community-invite-only".into()))
            }
            Some(m) => {
                membership::set_status(c, m.id, membership::Status::Requested, None, now)?;
                log(c, cid, None, Some(user_id), moderation::Action::MembershipRequested, "")?;
                membership::Status::Requested
            }
            None => {
                membership::insert(c, &membership::NewMembership { community_id: cid, user_id, status: membership::Status::Requested, created_at: now, decided_by: None, decided_at: None })?;
                log(c, cid, None, Some(user_id), moderation::Action::MembershipRequested, "")?;
                membership::Status::Requested
            }
        };
        if status == membership::Status::Requested {
            let name = crate::models::user::find(c, user_id)?.name;
            crate::services::notify::queue_item(c, env, cid, Some(user_id), crate::models::mail_outbox::QueueWhat::Join, &name)?;
        }
        Ok(status)
    }
}

pub fn leave(conn: &mut DbConn, access: &Access, user_id: i64) -> Result<(), AppError> {
    let cid = access.community.id;
    write_tx(conn, |c| {
        if let Some(m) = membership::find(c, cid, user_id)? {
            membership::set_status(c, m.id, membership::Status::Declined, Some(user_id), models::now())?;
            log(c, cid, None, Some(user_id), moderation::Action::LeftTheCommunity, "")?;
        }
        Ok(())
    })
}

crate::text_enum! {
    /// What a moderator does with a request to join.
    pub enum MemberDecision {
        Approve,
        Decline,
    }
}

/// A moderator approves or declines a request to join.
pub fn decide_membership(conn: &mut DbConn, access: &Access, actor: i64, user_id: i64, approve: bool) -> Result<(), AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    write_tx(conn, |c| {
        let m = membership::find(c, cid, user_id)?.filter(|m| m.status == membership::Status::Requested).ok_or(AppError::NotFound)?;
        let (status, action) = if approve { (membership::Status::Active, moderation::Action::MembershipApproved) } else { (membership::Status::Declined, moderation::Action::MembershipDeclined) };
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
            Some(m) if m.status == membership::Status::Active => return Err(AppError::field("email", "invite-already-member")),
            // Someone who asked to join and is invited is simply let in.
            Some(m) if m.status == membership::Status::Requested => {
                membership::set_status(c, m.id, membership::Status::Active, Some(actor), now)?;
            }
            Some(m) => {
                membership::set_status(c, m.id, membership::Status::Invited, Some(actor), now)?;
            }
            None => {
                membership::insert(c, &membership::NewMembership { community_id: cid, user_id: u.id, status: membership::Status::Invited, created_at: now, decided_by: Some(actor), decided_at: Some(now) })?;
            }
        }
        log(c, cid, None, Some(actor), moderation::Action::MemberInvited, "")?;
        Ok(())
    })
}

/// A moderator restarts mail to a member of the community whose mail stopped after bounces
/// (the member fixed their mailbox and said so). Logged in the community's log.
pub fn restart_member_mail(conn: &mut DbConn, access: &Access, actor: i64, user_id: i64) -> Result<(), AppError> {
    access.require_moderator()?;
    let cid = access.community.id;
    write_tx(conn, |c| {
        membership::find(c, cid, user_id)?.filter(|m| m.status == membership::Status::Active).ok_or(AppError::NotFound)?;
        user::resume_mail(c, user_id)?;
        log(c, cid, None, Some(actor), moderation::Action::MemberMailRestarted, "")?;
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
        requests: membership::list(conn, cid, membership::Status::Requested)?,
        invited: membership::list(conn, cid, membership::Status::Invited)?,
        active: membership::list(conn, cid, membership::Status::Active)?,
    })
}
