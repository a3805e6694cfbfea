//! Who gets mail when something happens. Called inside the transaction of the change, so the
//! mail rows commit (or roll back) with it.

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::mail_outbox::{self, OutboxKind, Outgoing, Payload};
use crate::models::{membership, post, user};
use crate::tokens::address;
use crate::services::Env;

/// An approved post goes to every member who takes each message, except its author.
pub fn post_approved(conn: &mut DbConn, env: &Env, p: &post::Post) -> Result<usize, AppError> {
    // Experts asked about a query while it waited hear of it now that it is approved.
    crate::services::experts::query_approved(conn, env, p)?;
    let mut queued = 0;
    for (uid, email) in membership::recipients(conn, p.community_id, membership::Delivery::Each)? {
        if uid == p.author_id {
            continue;
        }
        let message_id = address::post_message_id(&env.mail_domain, p.id, uid);
        let mail = Outgoing { message_id: &message_id, recipient: &email, kind: OutboxKind::Post, ref_id: Some(p.id), user_id: Some(uid), payload: None };
        if mail_outbox::enqueue_once(conn, &mail)? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues one mail to `u` in the caller's transaction: an account mail, a held-mail
/// confirmation, a registry notice. It is rendered when sent, in the member's language then;
/// what the rows it names cannot tell (a link's one-time secret, a decision) waits in the
/// payload until then. Its Message-ID names the portal's web host.
pub fn one_off(conn: &mut DbConn, env: &Env, u: &user::User, kind: OutboxKind, ref_id: Option<i64>, payload: Option<Payload>) -> diesel::QueryResult<()> {
    let message_id = address::new_message_id(&address::web_host(&env.base_url));
    mail_outbox::enqueue(conn, &Outgoing { message_id: &message_id, recipient: &u.email, kind, ref_id, user_id: Some(u.id), payload })?;
    Ok(())
}

/// Tells the author what a moderator decided (approved, sent back, rejected, edited,
/// removed), as they chose to hear of their posts.
pub fn notify_author(conn: &mut DbConn, env: &Env, p: &post::Post) -> Result<(), AppError> {
    crate::services::notify::notify(conn, env, p.author_id, OutboxKind::Notice, Some(p.id), None)?;
    Ok(())
}
