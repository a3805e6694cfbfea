//! Sign-in, sessions and the principal behind a session token.

use super::*;

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

/// `detail` is stored as a message (empty when `None`), so the log reads in each
/// administrator's language.
pub(super) fn security_event(conn: &mut DbConn, kind: security_event::Kind, user_id: Option<i64>, address: &str, detail: Option<Message>) -> diesel::QueryResult<()> {
    let address: String = address.chars().take(64).collect();
    let detail = detail.map(|m| m.to_stored()).unwrap_or_default();
    security_event::insert(
        conn,
        &security_event::NewSecurityEvent { kind, user_id, address: &address, detail: &detail, created_at: models::now() },
    )?;
    Ok(())
}

/// The first sign-in refused by the limit in a window, for the security log: for the account
/// named (when there is one) or, with no account, for the address.
pub fn sign_in_limited(conn: &mut DbConn, email: Option<&str>, address: &str) -> Result<(), AppError> {
    let (user_id, detail) = match email {
        Some(email) => (find_for_sign_in(conn, email)?.map(|u| u.id), "security-limited-account"),
        None => (None, "security-limited-address"),
    };
    if email.is_some() && user_id.is_none() {
        return Ok(());
    }
    security_event(conn, security_event::Kind::SignInLimited, user_id, address, Some(Message::new(detail)))?;
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
        security_event(conn, security_event::Kind::SignInFailed, None, attempt.address, Some(Message::new("security-unknown-account")))?;
        return Err(wrong());
    };
    if !password_ok {
        security_event(conn, security_event::Kind::SignInFailed, Some(u.id), attempt.address, Some(Message::new("security-wrong-password")))?;
        return Err(wrong());
    }
    if u.is_disabled() {
        security_event(conn, security_event::Kind::SignInFailed, Some(u.id), attempt.address, Some(Message::new("security-disabled-account")))?;
        return Err(AppError::field("email", "account-disabled"));
    }
    if !u.is_verified() {
        resend_verification(conn, env, &u.email)?;
        security_event(conn, security_event::Kind::SignInFailed, Some(u.id), attempt.address, Some(Message::new("security-address-unconfirmed")))?;
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
        security_event(c, security_event::Kind::SignIn, Some(u.id), attempt.address, None)?;
        Ok::<_, AppError>(true)
    })?;
    if !opened {
        security_event(conn, security_event::Kind::SignInFailed, Some(u.id), attempt.address, Some(Message::new("security-account-changed")))?;
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
    /// When the session ends if it is not used again (idle limit or absolute lifetime, the
    /// earlier), so a principal kept between requests is not used past it.
    pub session_ends_at: chrono::NaiveDateTime,
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
    let session_ends_at = s.expires_at.min(s.last_seen_at + Duration::days(SESSION_IDLE_DAYS));
    Ok(Some(Principal { session_id: s.id, user: u, roles, session_ends_at }))
}

pub fn sign_out(conn: &mut DbConn, secret: &str) -> Result<(), AppError> {
    session::delete_by_hash(conn, &tokens::hash_token(secret))?;
    Ok(())
}

pub fn sign_out_everywhere(conn: &mut DbConn, user_id: i64) -> Result<usize, AppError> {
    Ok(session::delete_for_user(conn, user_id)?)
}
