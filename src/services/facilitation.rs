//! Posting on someone's behalf, with consent (issue 19): a facilitator (a cluster development
//! agent, a business association officer) posts for a unit owner who is not online. The owner's
//! name and place are shown with the post; their phone and address only to that facilitator,
//! the community's moderators and administrators. The owner can later claim the posts with a
//! single-use code the facilitator hands over.

use chrono::Duration;

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::{self, membership, post, represented_owner as owner, role};
use crate::services::accounts::Principal;
use crate::services::communities::Access;

/// The statement the facilitator confirms, shown in full in both languages and stored as
/// confirmed with each owner.
pub const CONSENT_STATEMENT: &str = "The person named here asked me to post this for them and agreed that: their question and their name and place are published on the portal; replies come to me and I pass them on; their phone number and address are kept only so that I, the moderators and the administrators can reach them about this question, and are shown to no one else.\n\nयहाँ जिनका नाम है, उन्होंने मुझसे यह उनकी ओर से पोस्ट करने को कहा और सहमति दी कि: उनका प्रश्न, उनका नाम और स्थान पोर्टल पर प्रकाशित हों; उत्तर मेरे पास आएँ और मैं उन्हें पहुँचाऊँ; उनका फ़ोन नंबर और पता केवल इसलिए रखा जाए कि मैं, मॉडरेटर और प्रशासक इस प्रश्न के बारे में उनसे संपर्क कर सकें, और किसी और को न दिखाया जाए।";

/// How long a claim code holds.
pub const CLAIM_DAYS: i64 = 90;

const NAME_CHARS: usize = 100;
const PLACE_CHARS: usize = 100;
const ADDRESS_CHARS: usize = 500;

/// The "I am posting this for someone else" part of a post form, as typed.
#[derive(Debug, Clone, Default)]
pub struct BehalfInput {
    pub for_other: bool,
    /// An owner posted for before (their id), or empty for a new one.
    pub owner: String,
    pub name: String,
    pub place: String,
    pub state: String,
    pub phone: String,
    pub address: String,
    pub consent: bool,
}

impl BehalfInput {
    /// Whether the form asks for anything on someone's behalf (only facilitators may).
    pub fn requested(&self) -> bool {
        self.for_other || !self.owner.trim().is_empty() || !self.name.trim().is_empty() || !self.phone.trim().is_empty() || !self.address.trim().is_empty() || self.consent
    }
}

/// Who a post is for, checked without the database.
#[derive(Debug, Clone)]
pub enum Behalf {
    Known(i64),
    New { name: String, place: String, state: String, phone: String, address: String },
}

/// Checks the behalf part, each mistake by field; None when the post is for the facilitator.
pub fn check(input: &BehalfInput, errors: &mut FieldErrors) -> Option<Behalf> {
    if !input.requested() {
        return None;
    }
    if !input.consent {
        errors.insert("owner_consent", "facilitator-consent-missing".into());
    }
    let chosen = input.owner.trim();
    if !chosen.is_empty() {
        return match chosen.parse::<i64>() {
            Ok(id) => Some(Behalf::Known(id)),
            Err(_) => {
                errors.insert("owner", "facilitator-owner-unknown".into());
                None
            }
        };
    }
    let name = models::single_line(input.name.trim());
    if name.is_empty() {
        errors.insert("owner_name", "facilitator-name-missing".into());
    } else if name.chars().count() > NAME_CHARS {
        errors.insert("owner_name", Message::new("too-long").arg("max", NAME_CHARS));
    }
    let place = models::single_line(input.place.trim());
    if place.is_empty() {
        errors.insert("owner_place", "facilitator-place-missing".into());
    } else if place.chars().count() > PLACE_CHARS {
        errors.insert("owner_place", Message::new("too-long").arg("max", PLACE_CHARS));
    }
    let state = if input.state.trim().is_empty() {
        String::new()
    } else {
        match crate::vocab::canonical_state(&input.state) {
            Some(s) => s.to_string(),
            None => {
                errors.insert("owner_state", "state-choose".into());
                String::new()
            }
        }
    };
    let phone = models::single_line(input.phone.trim());
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !phone.is_empty() && (!phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) || !(7..=15).contains(&digits)) {
        errors.insert("owner_phone", "facilitator-phone-invalid".into());
    }
    let address = input.address.trim().replace("\r\n", "\n");
    if address.chars().count() > ADDRESS_CHARS {
        errors.insert("owner_address", Message::new("too-long").arg("max", ADDRESS_CHARS));
    }
    if phone.is_empty() && address.is_empty() {
        errors.insert("owner_phone", "facilitator-contact-missing".into());
    }
    Some(Behalf::New { name, place, state, phone, address })
}

/// Inside the post's write transaction: the author must hold the facilitator role, and a known
/// owner must be theirs and not yet claimed. Returns the owner's id for the post.
pub fn record(tx: &mut DbConn, author: i64, behalf: &Behalf) -> Result<i64, AppError> {
    if !role::for_user(tx, author)?.is_facilitator() {
        return Err(AppError::Forbidden);
    }
    let now = models::now();
    match behalf {
        Behalf::Known(id) => {
            let o = owner::find(tx, *id).map_err(|_| AppError::field("owner", "facilitator-owner-unknown"))?;
            if o.facilitator_id != author {
                return Err(AppError::field("owner", "facilitator-owner-unknown"));
            }
            if o.is_claimed() || !owner::reconfirm(tx, o.id, CONSENT_STATEMENT, now)? {
                return Err(AppError::field("owner", "facilitator-owner-claimed"));
            }
            Ok(o.id)
        }
        Behalf::New { name, place, state, phone, address } => Ok(owner::insert(
            tx,
            &owner::NewOwner { facilitator_id: author, name, place, state, phone, postal_address: address, consent_statement: CONSENT_STATEMENT, consented_at: now, created_at: now },
        )?),
    }
}

/// The owners a facilitator may pick on a post form: None for anyone else (no form part).
pub fn offer(conn: &mut DbConn, viewer: Option<&Principal>) -> Result<Option<Vec<owner::Owner>>, AppError> {
    match viewer {
        Some(p) if p.roles.is_facilitator() => Ok(Some(owner::of_facilitator(conn, p.user.id)?.into_iter().filter(|o| !o.is_claimed()).collect())),
        _ => Ok(None),
    }
}

/// "Posted by X for Y (place)" as a reader may see it: the contact only for the facilitator,
/// the community's moderators and administrators.
#[derive(Debug, Clone)]
pub struct ForOwner {
    pub facilitator_id: i64,
    pub facilitator: String,
    pub name: String,
    pub place: String,
    pub state: String,
    pub claimed: bool,
    /// Phone and postal address, when this reader may see them.
    pub contact: Option<(String, String)>,
}

impl ForOwner {
    pub fn of(o: &owner::Owner, facilitator: &str) -> ForOwner {
        ForOwner {
            facilitator_id: o.facilitator_id,
            facilitator: facilitator.to_string(),
            name: o.name.clone(),
            place: o.place.clone(),
            state: o.state.clone(),
            claimed: o.is_claimed(),
            contact: Some((o.phone.clone(), o.postal_address.clone())),
        }
    }

    /// The same, with the contact kept only for those who may see it.
    pub fn for_reader(&self, access: &Access) -> ForOwner {
        let sees = access.moderator || access.admin || access.viewer_id == Some(self.facilitator_id);
        ForOwner { contact: if sees { self.contact.clone() } else { None }, ..self.clone() }
    }
}

/// Who each post was written for, by post id, with the contact (apply `for_reader`).
pub fn for_posts(conn: &mut DbConn, posts: &[&post::Post]) -> Result<Vec<(i64, ForOwner)>, AppError> {
    let ids: Vec<i64> = posts.iter().filter_map(|p| p.on_behalf_of).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let owners = owner::with_facilitator(conn, &ids)?;
    Ok(posts
        .iter()
        .filter_map(|p| {
            let (o, f) = owners.iter().find(|(o, _)| Some(o.id) == p.on_behalf_of)?;
            Some((p.id, ForOwner::of(o, f)))
        })
        .collect())
}

/// One owner on the facilitator's page: the posts made for them and, just after issuing, the
/// claim code (shown once; only its hash is kept).
pub struct OwnerRow {
    pub owner: owner::Owner,
    pub posts: Vec<(post::Post, String)>,
}

/// The facilitator's page: the people they posted for and each one's posts.
pub fn page(conn: &mut DbConn, who: &Principal) -> Result<Vec<OwnerRow>, AppError> {
    let mut rows = Vec::new();
    for o in owner::of_facilitator(conn, who.user.id)? {
        let mut posts = Vec::new();
        for p in owner::posts_for(conn, o.id)? {
            let slug = crate::models::community::find(conn, p.community_id)?.slug;
            posts.push((p, slug));
        }
        rows.push(OwnerRow { owner: o, posts });
    }
    Ok(rows)
}

/// The facilitator's page requires the role (an administrator is not a facilitator unless granted).
pub fn require(who: &Principal) -> Result<(), AppError> {
    if who.roles.is_facilitator() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A new claim code for one of the facilitator's owners, replacing any earlier one; the code is
/// returned once and only its hash is stored.
pub fn issue_claim(conn: &mut DbConn, who: &Principal, owner_id: i64) -> Result<(owner::Owner, String), AppError> {
    require(who)?;
    write_tx(conn, |tx| {
        let o = owner::find(tx, owner_id).map_err(|_| AppError::NotFound)?;
        if o.facilitator_id != who.user.id {
            return Err(AppError::NotFound);
        }
        if o.is_claimed() {
            return Err(AppError::Conflict("facilitator-claim-finished".into()));
        }
        let code = crate::tokens::mail_token();
        owner::set_claim(tx, o.id, &crate::tokens::hash_token(&code), models::now() + Duration::days(CLAIM_DAYS))?;
        Ok((owner::find(tx, o.id)?, code))
    })
}

/// What the claim page shows: whose posts, posted by whom, how many.
pub struct ClaimView {
    pub owner_name: String,
    pub place: String,
    pub facilitator: String,
    pub posts: usize,
}

/// The owner behind a claim code, if the code is good: a clear refusal for an unknown, used
/// or expired one.
fn claimable(conn: &mut DbConn, code: &str) -> Result<owner::Owner, AppError> {
    // Cheap check before any lookup: codes are 32 hexadecimal characters.
    if code.len() != 32 || !code.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::BadRequest("facilitator-claim-invalid".into()));
    }
    let o = owner::by_claim_hash(conn, &crate::tokens::hash_token(code))?.ok_or_else(|| AppError::BadRequest("facilitator-claim-invalid".into()))?;
    if o.is_claimed() {
        return Err(AppError::BadRequest("facilitator-claim-used".into()));
    }
    if o.claim_expires_at.is_none_or(|at| at < models::now()) {
        return Err(AppError::BadRequest("facilitator-claim-expired".into()));
    }
    Ok(o)
}

/// The claim page's data; reads only.
pub fn claim_view(conn: &mut DbConn, code: &str) -> Result<ClaimView, AppError> {
    let o = claimable(conn, code)?;
    let facilitator = crate::models::user::find(conn, o.facilitator_id)?.name;
    let posts = owner::posts_for(conn, o.id)?.len();
    Ok(ClaimView { owner_name: o.name, place: o.place, facilitator, posts })
}

/// The owner, signed in, claims the posts made for them: authorship moves to their account
/// and the code is used up. Where a post of theirs was published, they ask to join its
/// community as anyone would (the moderators decide; an invitation waiting for them is taken
/// up): a claim link is no way around a community's own door. The facilitator cannot claim
/// their own owner. Returns how many communities they asked to join or joined.
pub fn claim(conn: &mut DbConn, env: &crate::services::Env, who: &Principal, code: &str) -> Result<usize, AppError> {
    write_tx(conn, |tx| {
        let o = claimable(tx, code)?;
        if o.facilitator_id == who.user.id {
            return Err(AppError::BadRequest("facilitator-claim-self".into()));
        }
        let now = models::now();
        if !owner::mark_claimed(tx, o.id, who.user.id, now)? {
            return Err(AppError::BadRequest("facilitator-claim-used".into()));
        }
        owner::move_authorship(tx, o.id, o.facilitator_id, who.user.id)?;
        let mut asked = 0;
        for cid in owner::published_communities(tx, o.id)? {
            let community = models::community::find(tx, cid)?;
            let status = membership::find(tx, cid, who.user.id)?.map(|m| m.status);
            let may_ask = match status {
                // Already in, already asking, or declined or left: their own or a moderator's
                // decision stands.
                Some(membership::Status::Active | membership::Status::Requested | membership::Status::Declined) => false,
                Some(membership::Status::Invited) => true,
                None => community.join_policy != models::community::JoinPolicy::Invite,
            };
            if may_ask {
                crate::services::communities::join_in(tx, env, &community, who.user.id)?;
                asked += 1;
            }
        }
        // The threads now show the owner as author: the index is brought up to date.
        for p in owner::posts_for(tx, o.id)? {
            if p.is_query() {
                crate::models::search_outbox::push(tx, crate::models::search_outbox::Kind::Thread, p.id)?;
            }
        }
        Ok(asked)
    })
}

/// What a facilitator's data export holds about the people they posted for.
#[derive(Debug, serde::Serialize)]
pub struct OwnerData {
    pub name: String,
    pub place: String,
    pub state: String,
    pub phone: String,
    pub postal_address: String,
    pub consent_statement: String,
    pub consented_at: chrono::NaiveDateTime,
    pub claimed: bool,
    pub posts: Vec<i64>,
}

pub fn export(conn: &mut DbConn, user_id: i64) -> Result<Vec<OwnerData>, AppError> {
    let mut out = Vec::new();
    for o in owner::of_facilitator(conn, user_id)? {
        let posts = owner::posts_for(conn, o.id)?.into_iter().map(|p| p.id).collect();
        out.push(OwnerData { claimed: o.is_claimed(), name: o.name, place: o.place, state: o.state, phone: o.phone, postal_address: o.postal_address, consent_statement: o.consent_statement, consented_at: o.consented_at, posts });
    }
    Ok(out)
}

/// Account deletion, both sides: a deleted facilitator's owners lose their contact and claim
/// code; an owner who claimed and deletes their account loses name and place like the account.
pub fn erase_for(tx: &mut DbConn, user_id: i64) -> Result<(), AppError> {
    owner::erase_for_facilitator(tx, user_id)?;
    owner::erase_claimed_by(tx, user_id)?;
    Ok(())
}
