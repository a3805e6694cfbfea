//! Creating a community and changing its settings.

use super::*;

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
    let slug = if form.slug.trim().is_empty() { crate::services::slugify(name, 60) } else { crate::services::slugify(&form.slug, 60) };
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
    // Anything but a known policy means the open default, as the form offers no other.
    let policy: community::JoinPolicy = form.join_policy.parse().unwrap_or(community::JoinPolicy::Request);
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
        settings.join_policy = policy;
        settings.public_threads = form.public_threads.is_some();
        settings.canned_reasons = crate::models::list::encode(crate::services::moderate::STANDARD_REASONS.iter().map(|(text, _)| *text));
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
            join_policy: s.join_policy.to_string(),
            public_threads: s.public_threads.then(|| "on".into()),
            premoderation: s.premoderation.to_string(),
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
        join_policy: form.join_policy.parse().unwrap_or(community::JoinPolicy::Request),
        public_threads: form.public_threads.is_some(),
        premoderation: form.premoderation.parse().unwrap_or(community::Premoderation::All),
        trusted_after,
        hold_rules: form.hold_rules.trim().into(),
        canned_reasons: crate::models::list::encode(form.canned_reasons.lines()),
        response_days,
        auto_digest: form.auto_digest.is_some(),
    };
    write_tx(conn, |c| {
        community::update_settings(c, access.community.id, &settings)?;
        log(c, access.community.id, None, Some(actor), "settings changed", "")?;
        Ok(())
    })
}
