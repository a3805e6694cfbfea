//! A member's own account: password reset and change, credit consent, profile.

use super::*;

/// Always answers the same, so the form does not reveal which addresses have accounts.
pub fn request_password_reset(conn: &mut DbConn, env: &Env, email: &str) -> Result<(), AppError> {
    let email = valid_email(email)?;
    write_tx(conn, |c| {
        if let Some(u) = user::find_by_email(c, &email)? {
            let secret = issue_token(c, u.id, token::Purpose::ResetPassword, RESET_TTL_HOURS)?;
            deliver::one_off(c, env, &u, OutboxKind::ResetPassword, None, Some(Payload::secret(secret)))?;
        }
        Ok(())
    })
}

/// The account a reset link belongs to, if the link is still good.
pub fn check_reset_link(conn: &mut DbConn, secret: &str) -> Result<user::User, AppError> {
    let t = live_token(conn, token::Purpose::ResetPassword, secret)?;
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
        let t = live_token(c, token::Purpose::ResetPassword, secret)?;
        if !token::consume(c, t.id, models::now())? {
            return Err(AppError::BadRequest("link-used".into()));
        }
        user::set_password_hash(c, t.user_id, hash)?;
        // The link came to this mailbox (or from the administrator's console), which proves it.
        user::mark_verified(c, t.user_id, models::now())?;
        session::delete_for_user(c, t.user_id)?;
        security_event(c, security_event::Kind::PasswordReset, Some(t.user_id), address, None)?;
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
    security_event(conn, security_event::Kind::PasswordChangeFailed, Some(user_id), address, Some(Message::new("security-wrong-current-password")))?;
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
        security_event(c, security_event::Kind::PasswordChanged, Some(user_id), address, None)?;
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
