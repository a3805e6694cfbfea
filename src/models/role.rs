//! Role grants. A member holds no grant; every other role is a row: administrator,
//! moderator of one community, focal point for the nation or for one state, knowledge editor,
//! sector focal point (one sector), cluster focal point (one cluster, until an end date) and
//! facilitator (posts for unit owners who are not online).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{communities, registry_records, role_grants, users};
use crate::db::DbConn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Moderator,
    FocalPoint,
    /// Edits and publishes every knowledge page, site-wide.
    KnowledgeEditor,
    /// Technical input on the registry records of one sector (`sector`): comments in their
    /// reviews, never decides.
    SectorFocalPoint,
    /// Chairs one cluster (`cluster_id`, `office_title`) until `ends_on`: proposes updates to
    /// the cluster's records, enters indicator values, answers feedback.
    ClusterFocalPoint,
    /// Posts in their communities for unit owners who are not online, with their consent
    /// (`office_title` optional: "Secretary, Howrah Foundry Association").
    Facilitator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
            Role::FocalPoint => "focal_point",
            Role::KnowledgeEditor => "knowledge_editor",
            Role::SectorFocalPoint => "sector_focal_point",
            Role::ClusterFocalPoint => "cluster_focal_point",
            Role::Facilitator => "facilitator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "moderator" => Some(Role::Moderator),
            "focal_point" => Some(Role::FocalPoint),
            "knowledge_editor" => Some(Role::KnowledgeEditor),
            "sector_focal_point" => Some(Role::SectorFocalPoint),
            "cluster_focal_point" => Some(Role::ClusterFocalPoint),
            "facilitator" => Some(Role::Facilitator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = role_grants)]
pub struct RoleGrant {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub community_id: Option<i64>,
    /// For a focal point: the state, or empty for the national focal point.
    pub state: String,
    pub granted_by: Option<i64>,
    pub granted_at: NaiveDateTime,
    /// For a sector focal point: the sector's code.
    pub sector: String,
    /// For a cluster focal point: the cluster's registry record.
    pub cluster_id: Option<i64>,
    /// For a cluster focal point: the office that chairs it ("District Collector, Panipat").
    pub office_title: String,
    /// The last day the grant holds (YYYY-MM-DD), or empty for no end.
    pub ends_on: String,
}

impl RoleGrant {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    /// Whether the grant's end date has passed on `today`: a lapsed grant gives no right.
    pub fn lapsed_on(&self, today: NaiveDate) -> bool {
        !self.ends_on.is_empty() && NaiveDate::parse_from_str(&self.ends_on, "%Y-%m-%d").map_or(true, |end| end < today)
    }

    pub fn lapsed(&self) -> bool {
        self.lapsed_on(crate::models::now().date())
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = role_grants)]
pub struct NewRoleGrant<'a> {
    pub user_id: i64,
    pub role: &'a str,
    pub community_id: Option<i64>,
    pub state: &'a str,
    pub granted_by: Option<i64>,
    pub granted_at: NaiveDateTime,
}

/// What one signed-in person may do, decided from their grants.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub grants: Vec<RoleGrant>,
}

impl Roles {
    /// The grants of a role that hold today (a lapsed one gives nothing).
    fn has(&self, role: Role) -> impl Iterator<Item = &RoleGrant> {
        let today = crate::models::now().date();
        self.grants.iter().filter(move |g| g.role() == Some(role) && !g.lapsed_on(today))
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin).next().is_some()
    }

    pub fn moderates(&self, community_id: i64) -> bool {
        self.has(Role::Moderator).any(|g| g.community_id == Some(community_id))
    }

    pub fn is_moderator(&self) -> bool {
        self.has(Role::Moderator).next().is_some()
    }

    /// The communities this person moderates.
    pub fn moderated(&self) -> Vec<i64> {
        self.has(Role::Moderator).filter_map(|g| g.community_id).collect()
    }

    pub fn is_knowledge_editor(&self) -> bool {
        self.has(Role::KnowledgeEditor).next().is_some()
    }

    pub fn is_national_focal_point(&self) -> bool {
        self.has(Role::FocalPoint).any(|g| g.state.is_empty())
    }

    /// States this person is focal point for (not counting the national role).
    pub fn focal_point_states(&self) -> Vec<&str> {
        self.has(Role::FocalPoint).filter(|g| !g.state.is_empty()).map(|g| g.state.as_str()).collect()
    }

    pub fn is_focal_point(&self) -> bool {
        self.has(Role::FocalPoint).next().is_some()
    }

    /// The sectors this person is sector focal point for.
    pub fn focal_point_sectors(&self) -> Vec<&str> {
        self.has(Role::SectorFocalPoint).map(|g| g.sector.as_str()).collect()
    }

    /// May post for unit owners who are not online.
    pub fn is_facilitator(&self) -> bool {
        self.has(Role::Facilitator).next().is_some()
    }

    /// The clusters (registry record ids) this person is cluster focal point for today.
    pub fn focal_point_clusters(&self) -> Vec<i64> {
        self.has(Role::ClusterFocalPoint).filter_map(|g| g.cluster_id).collect()
    }
}

/// Sets a new grant's scope (sector, cluster, office, end date), in the granting transaction.
pub fn set_scope(conn: &mut DbConn, id: i64, sector: &str, cluster_id: Option<i64>, office_title: &str, ends_on: &str) -> QueryResult<usize> {
    diesel::update(role_grants::table.find(id))
        .set((role_grants::sector.eq(sector), role_grants::cluster_id.eq(cluster_id), role_grants::office_title.eq(office_title), role_grants::ends_on.eq(ends_on)))
        .execute(conn)
}

/// The grants of one role that hold today, e.g. the sector focal points of a sector.
pub fn holding(conn: &mut DbConn, role: Role) -> QueryResult<Vec<RoleGrant>> {
    let today = crate::models::now().date();
    let all: Vec<RoleGrant> = role_grants::table.filter(role_grants::role.eq(role.as_str())).select(RoleGrant::as_select()).load(conn)?;
    Ok(all.into_iter().filter(|g| !g.lapsed_on(today)).collect())
}

pub fn insert(conn: &mut DbConn, new: &NewRoleGrant) -> QueryResult<i64> {
    diesel::insert_into(role_grants::table).values(new).returning(role_grants::id).get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<RoleGrant> {
    role_grants::table.find(id).select(RoleGrant::as_select()).first(conn)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(role_grants::table.find(id)).execute(conn)
}

pub fn for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Roles> {
    let grants = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .order(role_grants::id.asc())
        .select(RoleGrant::as_select())
        .load(conn)?;
    Ok(Roles { grants })
}

/// Grants of one user with, for display, the community's name of a moderator grant or the
/// cluster's title of a cluster focal point's.
pub fn for_user_with_names(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(RoleGrant, Option<String>)>> {
    let rows: Vec<(RoleGrant, Option<String>, Option<String>)> = role_grants::table
        .left_join(communities::table)
        .left_join(registry_records::table.on(role_grants::cluster_id.eq(registry_records::id.nullable())))
        .filter(role_grants::user_id.eq(user_id))
        .order(role_grants::id.asc())
        .select((RoleGrant::as_select(), communities::name.nullable(), registry_records::title.nullable()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(g, community, cluster)| (g, community.or(cluster))).collect())
}

/// Grants of many users at once (for the admin list), in one query.
pub fn for_users(conn: &mut DbConn, user_ids: &[i64]) -> QueryResult<Vec<RoleGrant>> {
    role_grants::table
        .filter(role_grants::user_id.eq_any(user_ids))
        .order(role_grants::id.asc())
        .select(RoleGrant::as_select())
        .load(conn)
}

/// An identical grant, if one exists (so granting twice is refused).
pub fn find_same(
    conn: &mut DbConn,
    user_id: i64,
    role: Role,
    community_id: Option<i64>,
    state: &str,
    sector: &str,
    cluster_id: Option<i64>,
) -> QueryResult<Option<i64>> {
    let mut q = role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .filter(role_grants::role.eq(role.as_str()))
        .filter(role_grants::state.eq(state))
        .filter(role_grants::sector.eq(sector))
        .select(role_grants::id)
        .into_boxed();
    q = match community_id {
        Some(c) => q.filter(role_grants::community_id.eq(c)),
        None => q.filter(role_grants::community_id.is_null()),
    };
    q = match cluster_id {
        Some(c) => q.filter(role_grants::cluster_id.eq(c)),
        None => q.filter(role_grants::cluster_id.is_null()),
    };
    q.first(conn).optional()
}

pub fn count_role(conn: &mut DbConn, role: Role) -> QueryResult<i64> {
    role_grants::table.filter(role_grants::role.eq(role.as_str())).count().get_result(conn)
}

/// Holders of a role whose accounts are not disabled (who can still use it).
pub fn count_enabled(conn: &mut DbConn, role: Role) -> QueryResult<i64> {
    role_grants::table
        .inner_join(users::table.on(users::id.eq(role_grants::user_id)))
        .filter(role_grants::role.eq(role.as_str()))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)
}

/// Every focal-point grant (state "" is national).
pub fn focal_points(conn: &mut DbConn) -> QueryResult<Vec<RoleGrant>> {
    role_grants::table.filter(role_grants::role.eq(Role::FocalPoint.as_str())).select(RoleGrant::as_select()).load(conn)
}

/// Every (moderator, community) pair whose moderator's account is enabled.
pub fn moderator_grants(conn: &mut DbConn) -> QueryResult<Vec<(i64, i64)>> {
    role_grants::table
        .inner_join(users::table.on(users::id.eq(role_grants::user_id)))
        .filter(role_grants::role.eq(Role::Moderator.as_str()))
        .filter(users::disabled_at.is_null())
        .filter(role_grants::community_id.is_not_null())
        .select((role_grants::user_id, role_grants::community_id.assume_not_null()))
        .load(conn)
}

/// The enabled moderators of one community.
pub fn moderators_of(conn: &mut DbConn, community_id: i64) -> QueryResult<Vec<i64>> {
    role_grants::table
        .inner_join(users::table.on(users::id.eq(role_grants::user_id)))
        .filter(role_grants::role.eq(Role::Moderator.as_str()))
        .filter(role_grants::community_id.eq(community_id))
        .filter(users::disabled_at.is_null())
        .select(role_grants::user_id)
        .distinct()
        .load(conn)
}
