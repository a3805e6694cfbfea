//! Console users, administrators disabling and enabling accounts, the security log.

use super::*;

/// Creates (or promotes) an administrator from the command line and returns a one-time link
/// to set the password. No default password ever exists.
pub fn add_user_from_console(
    conn: &mut DbConn,
    env: &Env,
    email: &str,
    name: Option<&str>,
    admin: bool,
) -> Result<String, AppError> {
    let email = valid_email(email)?;
    write_tx(conn, |c| {
        let id = match user::find_by_email(c, &email)? {
            Some(u) => u.id,
            None => {
                let fallback = email.split('@').next().unwrap_or("Administrator").to_string();
                user::insert(
                    c,
                    &user::NewUser {
                        email: &email,
                        password_hash: "",
                        name: name.unwrap_or(&fallback),
                        organisation: "",
                        state: "",
                        district: "",
                        role_title: "",
                        language: "en",
                        email_verified_at: None,
                        created_at: models::now(),
                        mail_token: Some(&tokens::mail_token()),
                    },
                )?
            }
        };
        if admin && role::find_same(c, id, role::Role::Admin, None, "", "", None)?.is_none() {
            role::insert(
                c,
                &role::NewRoleGrant {
                    user_id: id,
                    role: role::Role::Admin.as_str(),
                    community_id: None,
                    state: "",
                    granted_by: None,
                    granted_at: models::now(),
                },
            )?;
            audit::insert(
                c,
                &audit::NewAuditEntry {
                    actor_id: None,
                    action: "grant",
                    subject_user_id: Some(id),
                    detail: &Message::new("audit-admin-from-command-line").to_stored(),
                    created_at: models::now(),
                },
            )?;
        }
        let secret = issue_token(c, id, token::Purpose::ResetPassword, SETUP_TTL_HOURS)?;
        Ok(env.url(&crate::paths::password_reset(&secret)))
    })
}

pub fn has_admin(conn: &mut DbConn) -> Result<bool, AppError> {
    Ok(role::count_role(conn, role::Role::Admin)? > 0)
}

pub fn sessions_of(conn: &mut DbConn, user_id: i64) -> Result<Vec<session::Session>, AppError> {
    Ok(session::list_for_user(conn, user_id, models::now())?)
}

/// An administrator disables an account: it cannot sign in, its sessions end at once and it
/// gets no list mail. Not one's own account, and never the last administrator.
pub fn disable(conn: &mut DbConn, actor_id: i64, user_id: i64, address: &str) -> Result<(), AppError> {
    if actor_id == user_id {
        return Err(AppError::Conflict("account-disable-self".into()));
    }
    write_tx(conn, |c| {
        crate::db::lock_admins(c)?;
        let u = user::find(c, user_id)?;
        if u.is_disabled() {
            return Ok(());
        }
        if role::for_user(c, user_id)?.is_admin() && role::count_enabled(c, role::Role::Admin)? <= 1 {
            return Err(AppError::Conflict("account-disable-last-admin".into()));
        }
        user::set_disabled(c, user_id, Some(models::now()))?;
        session::delete_for_user(c, user_id)?;
        note_access_change(c, actor_id, user_id, address, "disable", security_event::Kind::AccountDisabled)
    })
}

/// An administrator enables a disabled account again.
pub fn enable(conn: &mut DbConn, actor_id: i64, user_id: i64, address: &str) -> Result<(), AppError> {
    write_tx(conn, |c| {
        let u = user::find(c, user_id)?;
        if u.is_deleted() {
            return Err(AppError::Conflict("account-already-deleted".into()));
        }
        if !u.is_disabled() {
            return Ok(());
        }
        user::set_disabled(c, user_id, None)?;
        note_access_change(c, actor_id, user_id, address, "enable", security_event::Kind::AccountEnabled)
    })
}

/// An administrator restarts mail to a member whose mail stopped after bounces. Audited.
pub fn restart_mail(conn: &mut DbConn, actor_id: i64, user_id: i64) -> Result<(), AppError> {
    write_tx(conn, |c| {
        user::find(c, user_id)?;
        user::resume_mail(c, user_id)?;
        let detail = Message::new("audit-by-admin").to_stored();
        audit::insert(c, &audit::NewAuditEntry { actor_id: Some(actor_id), action: "mail restarted", subject_user_id: Some(user_id), detail: &detail, created_at: models::now() })?;
        Ok(())
    })
}

/// Writes a disable or enable to both the audit log and the security log.
fn note_access_change(c: &mut DbConn, actor_id: i64, user_id: i64, address: &str, action: &str, kind: security_event::Kind) -> Result<(), AppError> {
    let detail = Message::new(if action == "disable" { "audit-account-disabled" } else { "audit-account-enabled" }).to_stored();
    audit::insert(
        c,
        &audit::NewAuditEntry { actor_id: Some(actor_id), action, subject_user_id: Some(user_id), detail: &detail, created_at: models::now() },
    )?;
    security_event(c, kind, Some(user_id), address, Some(Message::new("security-by-account").arg("id", actor_id)))?;
    Ok(())
}

pub const SECURITY_EVENTS_PER_PAGE: i64 = 50;

/// One page of the security log, newest first; the flag says whether another page follows.
pub fn security_events_page(
    conn: &mut DbConn,
    filter: &security_event::Filter,
    page: i64,
) -> Result<(Vec<security_event::Row>, bool), AppError> {
    // A page number too large for an offset is simply past the end.
    let offset = crate::services::page_offset(page, SECURITY_EVENTS_PER_PAGE);
    let mut rows = security_event::page(conn, filter, offset, SECURITY_EVENTS_PER_PAGE + 1)?;
    let has_next = rows.len() as i64 > SECURITY_EVENTS_PER_PAGE;
    rows.truncate(SECURITY_EVENTS_PER_PAGE as usize);
    Ok((rows, has_next))
}
