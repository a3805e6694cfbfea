//! Granting and revoking roles; every change is written to the audit log in the same transaction.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::{self, audit, community, registry, role, user, vocabulary};
use crate::vocab;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GrantRequest {
    pub role: String,
    #[serde(default)]
    pub community_id: String,
    /// A state name, or "national" for the national focal point.
    #[serde(default)]
    pub state: String,
    /// A sector focal point's sector (a code or label of the registry's sector vocabulary).
    #[serde(default)]
    pub sector: String,
    /// A cluster focal point's cluster, by its registry web name.
    #[serde(default)]
    pub cluster: String,
    /// The office that chairs the cluster focal point ("District Collector, Panipat").
    #[serde(default)]
    pub office_title: String,
    /// The cluster focal point's last day (YYYY-MM-DD).
    #[serde(default)]
    pub ends_on: String,
}

/// The longest office title a grant keeps.
const OFFICE_TITLE_CHARS: usize = 200;

/// A grant's scope beyond community and state: (sector, cluster, office title, end date).
type Scope = (String, Option<i64>, String, String);

/// A sector or cluster focal point's scope checked, every mistake by field: the sector must be
/// a term of the registry's sector vocabulary in use; the cluster a cluster record, the office
/// title given and the end date today or later.
fn check_scope(conn: &mut DbConn, r: role::Role, req: &GrantRequest) -> Result<Scope, AppError> {
    let mut errors = FieldErrors::new();
    match r {
        role::Role::SectorFocalPoint => {
            let wanted = req.sector.trim();
            let terms = vocabulary::of(conn, "sector")?;
            let term = terms.iter().filter(|t| !t.retired).find(|t| t.code == wanted || t.code.eq_ignore_ascii_case(wanted) || t.label.eq_ignore_ascii_case(wanted));
            match term {
                Some(t) => return Ok((t.code.clone(), None, String::new(), String::new())),
                None if wanted.is_empty() => errors.insert("sector", "levels-sector-choose".into()),
                None => errors.insert("sector", Message::new("levels-sector-unknown").arg("value", wanted)),
            };
            Err(AppError::Validation(errors))
        }
        role::Role::ClusterFocalPoint => {
            let slug = req.cluster.trim();
            let cluster = if slug.is_empty() {
                errors.insert("cluster", "levels-cluster-choose".into());
                None
            } else {
                let found = registry::find_by_slug(conn, "cluster", slug)?;
                if found.is_none() {
                    errors.insert("cluster", Message::new("levels-cluster-unknown").arg("value", slug));
                }
                found
            };
            let office = models::single_line(req.office_title.trim());
            if office.is_empty() {
                errors.insert("office_title", "levels-office-missing".into());
            } else if office.chars().count() > OFFICE_TITLE_CHARS {
                errors.insert("office_title", Message::new("too-long").arg("max", OFFICE_TITLE_CHARS));
            }
            let ends = req.ends_on.trim();
            let end = match chrono::NaiveDate::parse_from_str(ends, "%Y-%m-%d") {
                _ if ends.is_empty() => {
                    errors.insert("ends_on", "levels-ends-missing".into());
                    None
                }
                Ok(d) if d < models::now().date() => {
                    errors.insert("ends_on", "levels-ends-past".into());
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert("ends_on", Message::new("levels-ends-invalid").arg("value", ends));
                    None
                }
            };
            match (cluster, end) {
                (Some(c), Some(d)) if errors.is_empty() => Ok((String::new(), Some(c.id), office, d.format("%Y-%m-%d").to_string())),
                _ => Err(AppError::Validation(errors)),
            }
        }
        // A facilitator's office is optional ("Secretary, Howrah Foundry Association").
        role::Role::Facilitator => {
            let office = models::single_line(req.office_title.trim());
            if office.chars().count() > OFFICE_TITLE_CHARS {
                errors.insert("office_title", Message::new("too-long").arg("max", OFFICE_TITLE_CHARS));
                return Err(AppError::Validation(errors));
            }
            Ok((String::new(), None, office, String::new()))
        }
        _ => Ok((String::new(), None, String::new(), String::new())),
    }
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
        Some(role::Role::SectorFocalPoint) => Message::new("levels-audit-sector").arg("sector", &g.sector),
        Some(role::Role::ClusterFocalPoint) => {
            let cluster = match g.cluster_id {
                Some(id) => registry::find(conn, id)?.title,
                None => "?".into(),
            };
            Message::new("levels-audit-cluster").arg("cluster", cluster).arg("office", &g.office_title).arg("date", &g.ends_on)
        }
        Some(role::Role::Facilitator) if g.office_title.is_empty() => Message::new("facilitator-audit"),
        Some(role::Role::Facilitator) => Message::new("facilitator-audit-office").arg("office", &g.office_title),
        None => return Ok(g.role.clone()),
    };
    Ok(m.to_stored())
}

pub fn grant(conn: &mut DbConn, actor_id: i64, user_id: i64, req: &GrantRequest) -> Result<i64, AppError> {
    let r = role::Role::parse(&req.role).ok_or_else(|| AppError::field("role", "role-choose"))?;
    let (community_id, state) = match r {
        role::Role::Admin | role::Role::KnowledgeEditor | role::Role::SectorFocalPoint | role::Role::ClusterFocalPoint | role::Role::Facilitator => (None, String::new()),
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
    let (sector, cluster_id, office_title, ends_on) = check_scope(conn, r, req)?;
    write_tx(conn, |c| {
        user::find(c, user_id)?;
        if role::find_same(c, user_id, r, community_id, &state, &sector, cluster_id)?.is_some() {
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
        role::set_scope(c, id, &sector, cluster_id, &office_title, &ends_on)?;
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
    /// The registry's sectors, for granting a sector focal point.
    pub sectors: Vec<vocabulary::Term>,
    pub history: Vec<audit::AuditEntry>,
}

pub fn user_overview(conn: &mut DbConn, user_id: i64) -> Result<UserOverview, AppError> {
    Ok(UserOverview {
        user: user::find(conn, user_id)?,
        grants: role::for_user_with_names(conn, user_id)?,
        communities: community::list(conn)?,
        sectors: vocabulary::of(conn, "sector")?,
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
