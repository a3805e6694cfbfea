//! Communities: creation and settings, membership, and who may read what.
//! Rule: an approved post is readable by the community's members and moderators (and by
//! everyone when the thread is public); any other post only by its author and the community's
//! moderators.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::{self, attachment, audit, community, membership, moderation, post, role, user};
use crate::services::accounts::Principal;

// Split by concern; each part shares this module's imports and helpers (`use super::*`).
mod settings;
mod members;
mod read;
mod deliveries;

pub use settings::*;
pub use members::*;
pub use read::*;
pub use deliveries::*;

/// What one viewer may do in one community.
#[derive(Debug, Clone)]
pub struct Access {
    pub community: community::Community,
    pub viewer_id: Option<i64>,
    pub membership: Option<membership::Status>,
    pub moderator: bool,
    pub admin: bool,
}

impl Access {
    pub fn is_member(&self) -> bool {
        self.moderator || self.membership == Some(membership::Status::Active)
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
        p.status == post::Status::Approved && root.status == post::Status::Approved && self.may_read_approved(root)
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

fn log(conn: &mut DbConn, community_id: i64, post_id: Option<i64>, actor: Option<i64>, action: moderation::Action, reason: &str) -> diesel::QueryResult<usize> {
    moderation::log(
        conn,
        &moderation::NewLogEntry { community_id, post_id, actor_id: actor, action, reason, created_at: models::now() },
    )
}
