//! Registration, email verification, sign-in sessions, password reset and profiles.

use chrono::Duration;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::mail_outbox::{OutboxKind, Payload};
use crate::models::{self, audit, role, security_event, session, token, user};
use crate::services::{deliver, passwords};
use crate::tokens;
use crate::vocab;
use crate::services::Env;

const VERIFY_TTL_HOURS: i64 = 48;
const RESET_TTL_HOURS: i64 = 2;
const SETUP_TTL_HOURS: i64 = 72;
const MAX_FIELD: usize = 200;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub role_title: String,
    #[serde(default)]
    pub language: String,
    /// The sign-up checkbox "name me as a contributor"; unticked unless the person ticks it.
    #[serde(default)]
    pub credit_consent: Option<String>,
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn check_email(email: &str, errors: &mut FieldErrors) {
    if email.is_empty() {
        errors.insert("email", "email-missing".into());
    } else if email.len() > 254 || email.parse::<lettre::Address>().is_err() {
        errors.insert("email", "email-invalid".into());
    }
}

/// Checks and tidies the profile fields; the state is stored under its official name.
pub fn clean_profile(p: &user::Profile, errors: &mut FieldErrors) -> user::Profile {
    let mut out = user::Profile {
        name: p.name.trim().to_string(),
        organisation: p.organisation.trim().to_string(),
        state: String::new(),
        district: p.district.trim().to_string(),
        role_title: p.role_title.trim().to_string(),
        language: if p.language.is_empty() { "en".into() } else { p.language.clone() },
        credit_consent: p.credit_consent,
    };
    if out.name.is_empty() {
        errors.insert("name", "name-missing".into());
    }
    for (field, value) in [
        ("name", &out.name),
        ("organisation", &out.organisation),
        ("district", &out.district),
        ("role_title", &out.role_title),
    ] {
        if value.chars().count() > MAX_FIELD {
            errors.insert(field, Message::new("too-long").arg("max", MAX_FIELD));
        }
    }
    out.state = super::clean_state(&p.state, errors);
    if !vocab::is_language(&out.language) {
        errors.insert("language", "language-choose".into());
    }
    out
}

/// Writes a one-time token for `user_id` and returns the secret to put in the link.
fn issue_token(conn: &mut DbConn, user_id: i64, purpose: &str, ttl_hours: i64) -> diesel::QueryResult<String> {
    let now = models::now();
    token::retire_unused(conn, user_id, purpose, now)?;
    let secret = tokens::random_token();
    token::insert(
        conn,
        &token::NewAccountToken {
            user_id,
            purpose,
            token_hash: &tokens::hash_token(&secret),
            created_at: now,
            expires_at: now + Duration::hours(ttl_hours),
        },
    )?;
    Ok(secret)
}

fn send_verification(conn: &mut DbConn, env: &Env, u: &user::User) -> diesel::QueryResult<()> {
    let secret = issue_token(conn, u.id, token::VERIFY_EMAIL, VERIFY_TTL_HOURS)?;
    deliver::one_off(conn, env, u, OutboxKind::VerifyEmail, None, Some(Payload::secret(secret)))
}

/// A sign-up that passed every check that needs no database, waiting for its password hash.
pub struct CheckedRegistration {
    email: String,
    profile: user::Profile,
}

/// Checks the form; the password is hashed next, outside any database connection.
pub fn check_registration(reg: &Registration) -> Result<CheckedRegistration, AppError> {
    let email = normalise_email(&reg.email);
    let mut errors = FieldErrors::new();
    check_email(&email, &mut errors);
    let profile = clean_profile(
        &user::Profile {
            name: reg.name.clone(),
            organisation: reg.organisation.clone(),
            state: reg.state.clone(),
            district: reg.district.clone(),
            role_title: reg.role_title.clone(),
            language: reg.language.clone(),
            credit_consent: reg.credit_consent.is_some(),
        },
        &mut errors,
    );
    if let Some(msg) = passwords::weakness(&reg.password, &email) {
        errors.insert("password", msg);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CheckedRegistration { email, profile })
}

/// Opens the account, or, when the address already has one, tells its owner by mail. The
/// person at the form gets the same answer either way ("check your mail"), so the form does
/// not reveal which addresses have accounts.
pub fn register_checked(conn: &mut DbConn, env: &Env, reg: &CheckedRegistration, hash: &str) -> Result<(), AppError> {
    let result = write_tx(conn, |c| {
        if let Some(owner) = user::find_by_email(c, &reg.email)? {
            deliver::one_off(c, env, &owner, OutboxKind::AlreadyRegistered, None, None)?;
            return Ok(());
        }
        let profile = &reg.profile;
        let id = user::insert(
            c,
            &user::NewUser {
                email: &reg.email,
                password_hash: hash,
                name: &profile.name,
                organisation: &profile.organisation,
                state: &profile.state,
                district: &profile.district,
                role_title: &profile.role_title,
                language: &profile.language,
                email_verified_at: None,
                created_at: models::now(),
                mail_token: Some(&tokens::mail_token()),
            },
        )?;
        // The sign-up form asked; the answer (ticked or not) is this person's choice.
        user::set_credit_consent(c, id, profile.credit_consent, models::now())?;
        let u = user::find(c, id)?;
        send_verification(c, env, &u)?;
        Ok::<_, AppError>(())
    });
    match result {
        // Two sign-ups with one address at once: the unique index decides; both get the same answer.
        Err(AppError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => Ok(()),
        other => other,
    }
}

/// Registration in one call, for the console and tests (the web form hashes outside the pool).
pub fn register(conn: &mut DbConn, env: &Env, reg: &Registration) -> Result<(), AppError> {
    let checked = check_registration(reg)?;
    let hash = passwords::hash(&reg.password)?;
    register_checked(conn, env, &checked, &hash)
}

/// Checks a mailed link: unknown, used and expired links each get their own message.
pub(crate) fn live_token(conn: &mut DbConn, purpose: &str, secret: &str) -> Result<token::AccountToken, AppError> {
    let t = token::find(conn, purpose, &tokens::hash_token(secret.trim()))?
        .ok_or_else(|| AppError::BadRequest("link-invalid".into()))?;
    if t.used_at.is_some() {
        return Err(AppError::BadRequest("link-used".into()));
    }
    if t.expires_at <= models::now() {
        return Err(AppError::BadRequest("link-expired".into()));
    }
    Ok(t)
}

pub fn verify_email(conn: &mut DbConn, secret: &str) -> Result<i64, AppError> {
    write_tx(conn, |c| {
        let t = live_token(c, token::VERIFY_EMAIL, secret)?;
        if !token::consume(c, t.id, models::now())? {
            return Err(AppError::BadRequest("link-used".into()));
        }
        user::mark_verified(c, t.user_id, models::now())?;
        Ok(t.user_id)
    })
}

/// A new verification link for an unverified account; silent for anything else.
pub fn resend_verification(conn: &mut DbConn, env: &Env, email: &str) -> Result<(), AppError> {
    let email = normalise_email(email);
    write_tx(conn, |c| {
        if let Some(u) = user::find_by_email(c, &email)? {
            if !u.is_verified() {
                send_verification(c, env, &u)?;
            }
        }
        Ok(())
    })
}

pub struct SignedIn {
    pub token: String,
    pub user: user::User,
}

/// Step one of signing in (a short use of a connection): the account behind the address.
pub fn find_for_sign_in(conn: &mut DbConn, email: &str) -> Result<Option<user::User>, AppError> {
    Ok(user::find_by_email(conn, &normalise_email(email))?)
}

/// Where a sign-in comes from, for the security log.
pub struct Attempt<'a> {
    pub user_agent: &'a str,
    pub address: &'a str,
}

fn security_event(conn: &mut DbConn, kind: &str, user_id: Option<i64>, address: &str, detail: &str) -> diesel::QueryResult<()> {
    let address: String = address.chars().take(64).collect();
    security_event::insert(
        conn,
        &security_event::NewSecurityEvent { kind, user_id, address: &address, detail, created_at: models::now() },
    )?;
    Ok(())
}

/// The first sign-in refused by the limit in a window, for the security log: for the account
/// named (when there is one) or, with no account, for the address.
pub fn sign_in_limited(conn: &mut DbConn, email: Option<&str>, address: &str) -> Result<(), AppError> {
    let (user_id, detail) = match email {
        Some(email) => (find_for_sign_in(conn, email)?.map(|u| u.id), "account"),
        None => (None, "address"),
    };
    if email.is_some() && user_id.is_none() {
        return Ok(());
    }
    security_event(conn, security_event::SIGN_IN_LIMITED, user_id, address, detail)?;
    Ok(())
}

/// Step three of signing in, after the password was checked outside the pool (step two):
/// writes the outcome to the security log and, for a right password, opens a new session
/// (a new token, so a planted cookie is useless).
pub fn finish_sign_in(
    conn: &mut DbConn,
    env: &Env,
    account: Option<user::User>,
    password_ok: bool,
    attempt: &Attempt,
    session_days: i64,
) -> Result<SignedIn, AppError> {
    let wrong = || AppError::field("password", "sign-in-wrong");
    let Some(u) = account else {
        security_event(conn, security_event::SIGN_IN_FAILED, None, attempt.address, "unknown account")?;
        return Err(wrong());
    };
    if !password_ok {
        security_event(conn, security_event::SIGN_IN_FAILED, Some(u.id), attempt.address, "wrong password")?;
        return Err(wrong());
    }
    if u.is_disabled() {
        security_event(conn, security_event::SIGN_IN_FAILED, Some(u.id), attempt.address, "account disabled")?;
        return Err(AppError::field("email", "account-disabled"));
    }
    if !u.is_verified() {
        resend_verification(conn, env, &u.email)?;
        security_event(conn, security_event::SIGN_IN_FAILED, Some(u.id), attempt.address, "address not confirmed")?;
        return Err(AppError::field("email", "account-unconfirmed"));
    }
    let secret = tokens::random_token();
    let now = models::now();
    let agent: String = attempt.user_agent.chars().take(200).collect();
    let opened = write_tx(conn, |c| {
        // The password was checked against the account as read before the wait for a worker:
        // if it has been reset, changed or disabled since, that check is stale.
        let current = match user::find(c, u.id) {
            Ok(current) => Some(current),
            Err(diesel::result::Error::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if current.is_none_or(|cur| cur.password_hash != u.password_hash || cur.is_disabled()) {
            return Ok(false);
        }
        session::delete_expired(c, now)?;
        session::insert(
            c,
            &session::NewSession {
                token_hash: &tokens::hash_token(&secret),
                user_id: u.id,
                user_agent: &agent,
                created_at: now,
                last_seen_at: now,
                expires_at: now + Duration::days(session_days),
            },
        )?;
        security_event(c, security_event::SIGN_IN, Some(u.id), attempt.address, "")?;
        Ok::<_, AppError>(true)
    })?;
    if !opened {
        security_event(conn, security_event::SIGN_IN_FAILED, Some(u.id), attempt.address, "account changed during the check")?;
        return Err(wrong());
    }
    Ok(SignedIn { token: secret, user: u })
}

/// Signing in in one call, for the console and tests (the web form checks outside the pool).
pub fn sign_in(
    conn: &mut DbConn,
    env: &Env,
    email: &str,
    password: &str,
    user_agent: &str,
    session_days: i64,
) -> Result<SignedIn, AppError> {
    let account = find_for_sign_in(conn, email)?;
    let ok = passwords::check(password, account.as_ref().map(|u| u.password_hash.as_str()));
    finish_sign_in(conn, env, account, ok, &Attempt { user_agent, address: "" }, session_days)
}

/// The signed-in person behind a session cookie, with their roles.
pub struct Principal {
    pub session_id: i64,
    pub user: user::User,
    pub roles: role::Roles,
}

/// A session unused this long ends, whatever its absolute lifetime (`session_days`): long
/// enough for a member who reads the portal weekly, short enough that a forgotten shared
/// computer does not stay signed in for a month.
pub const SESSION_IDLE_DAYS: i64 = 14;

pub fn principal_for_token(conn: &mut DbConn, secret: &str) -> Result<Option<Principal>, AppError> {
    let now = models::now();
    let Some((s, u)) = session::find_live(conn, &tokens::hash_token(secret), now)? else {
        return Ok(None);
    };
    if now - s.last_seen_at > Duration::days(SESSION_IDLE_DAYS) {
        session::delete_by_hash(conn, &tokens::hash_token(secret))?;
        return Ok(None);
    }
    // Writing last_seen on every request would serialise readers on SQLite; once a minute is enough.
    if now - s.last_seen_at > Duration::minutes(1) {
        session::touch(conn, s.id, now)?;
    }
    let roles = role::for_user(conn, u.id)?;
    Ok(Some(Principal { session_id: s.id, user: u, roles }))
}

pub fn sign_out(conn: &mut DbConn, secret: &str) -> Result<(), AppError> {
    session::delete_by_hash(conn, &tokens::hash_token(secret))?;
    Ok(())
}

pub fn sign_out_everywhere(conn: &mut DbConn, user_id: i64) -> Result<usize, AppError> {
    Ok(session::delete_for_user(conn, user_id)?)
}

/// Always answers the same, so the form does not reveal which addresses have accounts.
pub fn request_password_reset(conn: &mut DbConn, env: &Env, email: &str) -> Result<(), AppError> {
    let email = normalise_email(email);
    let mut errors = FieldErrors::new();
    check_email(&email, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |c| {
        if let Some(u) = user::find_by_email(c, &email)? {
            let secret = issue_token(c, u.id, token::RESET_PASSWORD, RESET_TTL_HOURS)?;
            deliver::one_off(c, env, &u, OutboxKind::ResetPassword, None, Some(Payload::secret(secret)))?;
        }
        Ok(())
    })
}

/// The account a reset link belongs to, if the link is still good.
pub fn check_reset_link(conn: &mut DbConn, secret: &str) -> Result<user::User, AppError> {
    let t = live_token(conn, token::RESET_PASSWORD, secret)?;
    Ok(user::find(conn, t.user_id)?)
}

/// Checks a new password against the rules, before it is hashed.
pub fn check_new_password(password: &str, email: &str) -> Result<(), AppError> {
    match passwords::weakness(password, email) {
        Some(msg) => Err(AppError::field("password", msg)),
        None => Ok(()),
    }
}

/// Sets a new password (already hashed, outside the pool) from a reset link and signs the
/// account out everywhere.
pub fn reset_password_hashed(conn: &mut DbConn, secret: &str, hash: &str, address: &str) -> Result<i64, AppError> {
    write_tx(conn, |c| {
        let t = live_token(c, token::RESET_PASSWORD, secret)?;
        if !token::consume(c, t.id, models::now())? {
            return Err(AppError::BadRequest("link-used".into()));
        }
        user::set_password_hash(c, t.user_id, hash)?;
        // The link came to this mailbox (or from the administrator's console), which proves it.
        user::mark_verified(c, t.user_id, models::now())?;
        session::delete_for_user(c, t.user_id)?;
        security_event(c, security_event::PASSWORD_RESET, Some(t.user_id), address, "")?;
        Ok(t.user_id)
    })
}

/// Reset in one call, for the console and tests.
pub fn reset_password(conn: &mut DbConn, secret: &str, password: &str) -> Result<i64, AppError> {
    let u = check_reset_link(conn, secret)?;
    check_new_password(password, &u.email)?;
    let hash = passwords::hash(password)?;
    reset_password_hashed(conn, secret, &hash, "")
}

/// Step one of changing a password: a wrong current password is logged and refused. The
/// check itself ran outside the pool.
pub fn refuse_password_change(conn: &mut DbConn, user_id: i64, address: &str) -> Result<(), AppError> {
    security_event(conn, security_event::PASSWORD_CHANGE_FAILED, Some(user_id), address, "wrong current password")?;
    Err(AppError::field("current_password", "current-password-wrong"))
}

/// Sets the new password (hashed outside the pool), ends every other session of this person
/// and tells them by mail.
pub fn change_password_hashed(
    conn: &mut DbConn,
    env: &Env,
    user_id: i64,
    keep_session: i64,
    hash: &str,
    address: &str,
) -> Result<(), AppError> {
    write_tx(conn, |c| {
        user::set_password_hash(c, user_id, hash)?;
        session::delete_others(c, user_id, keep_session)?;
        security_event(c, security_event::PASSWORD_CHANGED, Some(user_id), address, "")?;
        let u = user::find(c, user_id)?;
        deliver::one_off(c, env, &u, OutboxKind::PasswordChanged, None, None)?;
        Ok(())
    })
}

/// Records a member's answer to "may we name you as a contributor?".
pub fn choose_credit(conn: &mut DbConn, user_id: i64, consent: bool) -> Result<(), AppError> {
    user::set_credit_consent(conn, user_id, consent, models::now())?;
    Ok(())
}

pub fn update_profile(conn: &mut DbConn, user_id: i64, profile: &user::Profile) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let clean = clean_profile(profile, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |c| {
        user::update_profile(c, user_id, &clean)?;
        // The profile shows the question with its current answer: saving it is a choice.
        user::set_credit_consent(c, user_id, clean.credit_consent, models::now())?;
        Ok(())
    })
}

/// Creates (or promotes) an administrator from the command line and returns a one-time link
/// to set the password. No default password ever exists.
pub fn add_user_from_console(
    conn: &mut DbConn,
    env: &Env,
    email: &str,
    name: Option<&str>,
    admin: bool,
) -> Result<String, AppError> {
    let email = normalise_email(email);
    let mut errors = FieldErrors::new();
    check_email(&email, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
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
        if admin && role::find_same(c, id, role::Role::Admin, None, "")?.is_none() {
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
        let secret = issue_token(c, id, token::RESET_PASSWORD, SETUP_TTL_HOURS)?;
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
        note_access_change(c, actor_id, user_id, address, "disable", security_event::ACCOUNT_DISABLED)
    })
}

/// An administrator enables a disabled account again.
pub fn enable(conn: &mut DbConn, actor_id: i64, user_id: i64, address: &str) -> Result<(), AppError> {
    write_tx(conn, |c| {
        if !user::find(c, user_id)?.is_disabled() {
            return Ok(());
        }
        user::set_disabled(c, user_id, None)?;
        note_access_change(c, actor_id, user_id, address, "enable", security_event::ACCOUNT_ENABLED)
    })
}

/// Writes a disable or enable to both the audit log and the security log.
fn note_access_change(c: &mut DbConn, actor_id: i64, user_id: i64, address: &str, action: &str, kind: &str) -> Result<(), AppError> {
    let detail = Message::new(if action == "disable" { "audit-account-disabled" } else { "audit-account-enabled" }).to_stored();
    audit::insert(
        c,
        &audit::NewAuditEntry { actor_id: Some(actor_id), action, subject_user_id: Some(user_id), detail: &detail, created_at: models::now() },
    )?;
    security_event(c, kind, Some(user_id), address, &format!("by account {actor_id}"))?;
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
