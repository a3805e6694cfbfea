//! How each member receives a community's mail: per member, by mail token, resumed after bounces.

use super::*;

/// A person's communities with how each sends them mail.
pub fn deliveries(conn: &mut DbConn, user_id: i64) -> Result<Vec<(membership::Membership, community::Community)>, AppError> {
    Ok(membership::of_user(conn, user_id)?)
}

/// Changes delivery for the member's own memberships: (membership id, mode) pairs.
pub fn set_deliveries(conn: &mut DbConn, user_id: i64, changes: &[(i64, membership::Delivery)]) -> Result<(), AppError> {
    write_tx(conn, |tx| {
        let mine = membership::of_user(tx, user_id)?;
        for (id, mode) in changes {
            if mine.iter().any(|(m, _)| m.id == *id) {
                membership::set_delivery(tx, *id, *mode)?;
            }
        }
        Ok(())
    })
}

/// The membership an unsubscribe link names; the link's token is the only credential, and it
/// is valid only for unsubscribing from this one community.
pub fn by_mail_token(conn: &mut DbConn, token: &str, slug: &str) -> Result<(user::User, community::Community, membership::Membership), AppError> {
    let t = crate::tokens::address::Token::parse(token).ok_or(AppError::NotFound)?;
    let c = community::find_by_slug(conn, slug)?;
    let u = crate::services::mail_identity::member_for(conn, &t, crate::tokens::MailPurpose::Unsubscribe, c.id)?.ok_or(AppError::NotFound)?;
    let m = membership::find(conn, c.id, u.id)?.ok_or(AppError::NotFound)?;
    Ok((u, c, m))
}

/// One-click unsubscribe (RFC 8058) and the delivery choice on the unsubscribe page.
pub fn set_delivery_by_token(conn: &mut DbConn, token: &str, slug: &str, mode: membership::Delivery) -> Result<community::Community, AppError> {
    let (u, c, m) = by_mail_token(conn, token, slug)?;
    write_tx(conn, |tx| {
        membership::set_delivery(tx, m.id, mode)?;
        let action = if mode == membership::Delivery::Web { moderation::Action::UnsubscribedFromMail } else { moderation::Action::ChangedMailDelivery };
        log(tx, c.id, None, Some(u.id), action, "")?;
        Ok::<_, AppError>(())
    })?;
    Ok(c)
}

pub fn resume_mail(conn: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    user::resume_mail(conn, user_id)?;
    Ok(())
}
