//! Registration and email verification.

use super::*;

fn send_verification(conn: &mut DbConn, env: &Env, u: &user::User) -> diesel::QueryResult<()> {
    let secret = issue_token(conn, u.id, token::Purpose::VerifyEmail, VERIFY_TTL_HOURS)?;
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
    if reg.data_consent.is_none() {
        errors.insert("data_consent", "data-consent-missing".into());
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
        // Checked in check_registration: no account opens without consent to the notice.
        user::set_data_consent(c, id, DATA_NOTICE_VERSION, models::now())?;
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
pub(crate) fn live_token(conn: &mut DbConn, purpose: token::Purpose, secret: &str) -> Result<token::AccountToken, AppError> {
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
        let t = live_token(c, token::Purpose::VerifyEmail, secret)?;
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
