//! Granting and revoking roles; every change is written to the audit log in the same transaction.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, Message};
use crate::models::{self, audit, community, role, user};
use crate::vocab;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GrantRequest {
    pub role: String,
    #[serde(default)]
    pub community_id: String,
    /// A state name, or "national" for the national focal point.
    #[serde(default)]
    pub state: String,
}

/// The audit log's detail of a grant, stored as a message so each administrator reads it in
/// their language.
fn describe(conn: &mut DbConn, g: &role::RoleGrant) -> Result<String, AppError> {
    let m = match g.role() {
        Some(role::Role::Admin) => Message::new("audit-role-admin"),
        Some(role::Role::Moderator) => {
            let name = match g.community_id {
                Some(id) => community::find(conn, id)?.name,
                None => "?".into(),
            };
            Message::new("audit-moderator-of").arg("community", name)
        }
        Some(role::Role::FocalPoint) if g.state.is_empty() => Message::new("audit-role-national-focal-point"),
        Some(role::Role::FocalPoint) => Message::new("audit-role-focal-point").arg("state", &g.state),
        Some(role::Role::KnowledgeEditor) => Message::new("audit-role-knowledge-editor"),
        None => return Ok(g.role.clone()),
    };
    Ok(m.to_stored())
}

pub fn grant(conn: &mut DbConn, actor_id: i64, user_id: i64, req: &GrantRequest) -> Result<i64, AppError> {
    let r = role::Role::parse(&req.role).ok_or_else(|| AppError::field("role", "role-choose"))?;
    let (community_id, state) = match r {
        role::Role::Admin | role::Role::KnowledgeEditor => (None, String::new()),
        role::Role::Moderator => {
            let id: i64 = req
                .community_id
                .trim()
                .parse()
                .map_err(|_| AppError::field("community_id", "role-community-choose"))?;
            community::find(conn, id)
                .map_err(|_| AppError::field("community_id", "role-community-unknown"))?;
            (Some(id), String::new())
        }
        role::Role::FocalPoint => {
            let s = req.state.trim();
            if s.eq_ignore_ascii_case("national") {
                (None, String::new())
            } else {
                let state = vocab::canonical_state(s).ok_or_else(|| {
                    AppError::field("state", "role-state-choose")
                })?;
                (None, state.to_string())
            }
        }
    };
    write_tx(conn, |c| {
        user::find(c, user_id)?;
        if role::find_same(c, user_id, r, community_id, &state)?.is_some() {
            return Err(AppError::field("role", "role-held"));
        }
        let id = role::insert(
            c,
            &role::NewRoleGrant {
                user_id,
                role: r.as_str(),
                community_id,
                state: &state,
                granted_by: Some(actor_id),
                granted_at: models::now(),
            },
        )?;
        let granted = role::find(c, id)?;
        let detail = describe(c, &granted)?;
        audit::insert(
            c,
            &audit::NewAuditEntry {
                actor_id: Some(actor_id),
                action: "grant",
                subject_user_id: Some(user_id),
                detail: &detail,
                created_at: models::now(),
            },
        )?;
        Ok(id)
    })
}

/// Revokes one grant. The last administrator cannot be removed, so the portal is never orphaned.
pub fn revoke(conn: &mut DbConn, actor_id: i64, grant_id: i64) -> Result<i64, AppError> {
    write_tx(conn, |c| {
        crate::db::lock_admins(c)?;
        let g = role::find(c, grant_id)?;
        // Counted among administrators who can still sign in: a disabled one administers nothing.
        let holder_enabled = !user::find(c, g.user_id)?.is_disabled();
        if g.role() == Some(role::Role::Admin) && holder_enabled && role::count_enabled(c, role::Role::Admin)? <= 1 {
            return Err(AppError::Conflict("role-last-admin".into()));
        }
        let detail = describe(c, &g)?;
        role::delete(c, grant_id)?;
        audit::insert(
            c,
            &audit::NewAuditEntry {
                actor_id: Some(actor_id),
                action: "revoke",
                subject_user_id: Some(g.user_id),
                detail: &detail,
                created_at: models::now(),
            },
        )?;
        Ok(g.user_id)
    })
}

/// One person's grants with community names, for display.
pub fn grants_of(conn: &mut DbConn, user_id: i64) -> Result<Vec<(role::RoleGrant, Option<String>)>, AppError> {
    Ok(role::for_user_with_names(conn, user_id)?)
}

pub struct UserOverview {
    pub user: user::User,
    pub grants: Vec<(role::RoleGrant, Option<String>)>,
    pub communities: Vec<community::Community>,
    pub history: Vec<audit::AuditEntry>,
}

pub fn user_overview(conn: &mut DbConn, user_id: i64) -> Result<UserOverview, AppError> {
    Ok(UserOverview {
        user: user::find(conn, user_id)?,
        grants: role::for_user_with_names(conn, user_id)?,
        communities: community::list(conn)?,
        history: audit::for_subject(conn, user_id)?,
    })
}

pub const USERS_PER_PAGE: i64 = 50;

/// One page of people with their grants; the flag says whether another page follows.
pub fn users_page(conn: &mut DbConn, page: i64) -> Result<(Vec<(user::User, Vec<role::RoleGrant>)>, bool), AppError> {
    let mut users = user::list(conn, super::page_offset(page, USERS_PER_PAGE), USERS_PER_PAGE + 1)?;
    let has_next = users.len() as i64 > USERS_PER_PAGE;
    users.truncate(USERS_PER_PAGE as usize);
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let grants = role::for_users(conn, &ids)?;
    let rows = users
        .into_iter()
        .map(|u| {
            let mine = grants.iter().filter(|g| g.user_id == u.id).cloned().collect();
            (u, mine)
        })
        .collect();
    Ok((rows, has_next))
}

pub fn audit_log(conn: &mut DbConn, limit: i64) -> Result<Vec<(audit::AuditEntry, Option<String>, Option<String>)>, AppError> {
    Ok(audit::recent(conn, limit)?)
}
