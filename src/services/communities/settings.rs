//! Creating a community and changing its settings.

use super::*;

/// What creating a community and changing its settings share.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub theme: String,
    pub join_policy: community::JoinPolicy,
    pub public_threads: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { name: String::new(), description: String::new(), theme: String::new(), join_policy: community::JoinPolicy::Request, public_threads: false }
    }
}

impl Profile {
    /// The name, theme and description rules, the same for a new community and a changed one.
    /// The theme is an active term of the database's list, or the one the community already
    /// has (`kept`: a retired theme stays on its community).
    fn check(&self, conn: &mut DbConn, kept: &str, errors: &mut FieldErrors) -> Result<(), AppError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            errors.insert("name", "community-name-invalid".into());
        }
        let vocabs = crate::services::registry::Vocabs::load(conn)?;
        if vocabs.chosen("theme", &self.theme, &[kept]).as_deref() != Some(self.theme.as_str()) {
            errors.insert("theme", "theme-choose".into());
        }
        if self.description.chars().count() > 2000 {
            errors.insert("description", Message::new("too-long").arg("max", 2000));
        }
        Ok(())
    }
}

/// An administrator's new community.
#[derive(Debug, Clone, Default)]
pub struct NewCommunity {
    pub profile: Profile,
    /// Made from the name when empty.
    pub slug: String,
    /// Email addresses of the first moderators.
    pub moderators: Vec<String>,
}

pub fn create(conn: &mut DbConn, actor: &Principal, new: &NewCommunity) -> Result<String, AppError> {
    if !actor.roles.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let profile = &new.profile;
    profile.check(conn, "", &mut errors)?;
    let name = profile.name.trim();
    let slug = if new.slug.trim().is_empty() { crate::services::slugify(name, 60) } else { crate::services::slugify(&new.slug, 60) };
    if slug.is_empty() {
        errors.insert("slug", "community-slug-invalid".into());
    } else if community::slug_taken(conn, &slug)? {
        errors.insert("slug", Message::new("slug-taken").arg("slug", &slug));
    }
    let mut moderator_ids = Vec::new();
    let mut unknown = Vec::new();
    for email in new.moderators.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
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
        let id = community::insert(c, &community::NewCommunity { slug: &slug, name, description: profile.description.trim(), theme: &profile.theme, created_at: now })?;
        let mut settings = SettingsChange::of(&community::find(c, id)?);
        settings.profile = profile.clone();
        settings.canned_reasons = crate::models::list::encode(crate::services::moderate::STANDARD_REASONS.iter().map(|(text, _)| *text));
        community::update_settings(c, id, &settings.row())?;
        for uid in moderator_ids {
            role::insert(c, &role::NewRoleGrant { user_id: uid, role: role::Role::Moderator.as_str(), community_id: Some(id), state: "", granted_by: Some(actor.user.id), granted_at: now })?;
            audit::insert(c, &audit::NewAuditEntry { actor_id: Some(actor.user.id), action: "grant", subject_user_id: Some(uid), detail: &Message::new("audit-moderator-of").arg("community", name.to_string()).to_stored(), created_at: now })?;
            ensure_active(c, id, uid, actor.user.id)?;
        }
        log(c, id, None, Some(actor.user.id), moderation::Action::CommunityCreated, "")?;
        Ok(slug.clone())
    })
}

fn ensure_active(conn: &mut DbConn, community_id: i64, user_id: i64, by: i64) -> diesel::QueryResult<()> {
    let now = models::now();
    match membership::find(conn, community_id, user_id)? {
        Some(m) if m.status == membership::Status::Active => {}
        Some(m) => {
            membership::set_status(conn, m.id, membership::Status::Active, Some(by), now)?;
        }
        None => {
            membership::insert(conn, &membership::NewMembership { community_id, user_id, status: membership::Status::Active, created_at: now, decided_by: Some(by), decided_at: Some(now) })?;
        }
    }
    Ok(())
}

/// What moderators and administrators change on the settings page.
#[derive(Debug, Clone)]
pub struct SettingsChange {
    pub profile: Profile,
    pub premoderation: community::Premoderation,
    pub trusted_after: i32,
    pub hold_rules: String,
    pub canned_reasons: String,
    pub response_days: i32,
    pub auto_digest: bool,
}

impl SettingsChange {
    /// The settings as they are, for the form.
    pub fn of(c: &community::Community) -> Self {
        SettingsChange {
            profile: Profile { name: c.name.clone(), description: c.description.clone(), theme: c.theme.clone(), join_policy: c.join_policy, public_threads: c.public_threads },
            premoderation: c.premoderation,
            trusted_after: c.trusted_after,
            hold_rules: c.hold_rules.clone(),
            canned_reasons: c.canned_reasons.clone(),
            response_days: c.response_days,
            auto_digest: c.auto_digest,
        }
    }

    /// The row's columns, trimmed.
    fn row(&self) -> community::Settings {
        let p = &self.profile;
        community::Settings {
            name: p.name.trim().into(),
            description: p.description.trim().into(),
            theme: p.theme.clone(),
            join_policy: p.join_policy,
            public_threads: p.public_threads,
            premoderation: self.premoderation,
            trusted_after: self.trusted_after,
            hold_rules: self.hold_rules.trim().into(),
            canned_reasons: crate::models::list::encode(self.canned_reasons.lines()),
            response_days: self.response_days,
            auto_digest: self.auto_digest,
        }
    }
}

pub fn update_settings(conn: &mut DbConn, access: &Access, actor: i64, change: &SettingsChange) -> Result<(), AppError> {
    access.require_steward()?;
    let mut errors = FieldErrors::new();
    change.profile.check(conn, &access.community.theme, &mut errors)?;
    if !(0..=100).contains(&change.trusted_after) {
        errors.insert("trusted_after", "trusted-after-invalid".into());
    }
    if !(1..=365).contains(&change.response_days) {
        errors.insert("response_days", "response-days-invalid".into());
    }
    if let Err(msg) = crate::services::posting::HoldRules::parse(&change.hold_rules) {
        errors.insert("hold_rules", msg);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let settings = change.row();
    write_tx(conn, |c| {
        let was_public = community::find(c, access.community.id)?.public_threads;
        community::update_settings(c, access.community.id, &settings)?;
        log(c, access.community.id, None, Some(actor), moderation::Action::SettingsChanged, "")?;
        if settings.public_threads != was_public {
            // Who may find each thread in search changes with it.
            let roots: Vec<i64> = post::threads(c, access.community.id, false, i64::MAX, 0)?.into_iter().map(|(p, _)| p.id).collect();
            models::search_outbox::push_many(c, models::search_outbox::Kind::Thread, &roots)?;
        }
        Ok(())
    })
}
