//! The funding clearing house (book 001:3172-3176, 3223-3224, 5897-5940): funders post
//! offers, clusters and agencies post proposals, the portal matches them, mails both sides a
//! weekly list of new matches, and shows the national focal point the national picture.
//!
//! Who posts and who reviews (the rule the README states):
//! - an offer posted by a focal point (of a state or the nation) is published at once; an
//!   offer by any other member waits for a focal point of one of the offer's states (an offer
//!   open to every state: the national focal point), who publishes or returns it;
//! - a proposal is for a published registry cluster and has its cluster's state; any member
//!   posts one, and it waits for that state's focal point (or the national one) unless its
//!   author is one of them, when it is published at once.
//!
//! The match score (`score`), out of 100: the same scheme 40, sectors shared 30 × the share
//! of the proposal's sectors the offer names, the offer open to the proposal's state 20, the
//! budget within the offer's range 10. A pair matches when the offer is open (published, its
//! deadline not passed), the proposal published, the state fits, and the scheme or a sector
//! is shared.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::funding::{self as fp, FundingPost, Kind, NewFundingPost, Status};
use crate::models::mail_outbox::{FundingMatch, OutboxKind, Payload};
use crate::models::registry::{self, Record};
use crate::models::{self, list, role, user};
use crate::paths;
use crate::services::accounts::Principal;
use crate::services::{notify, Env};

use super::vocabularies::{audit_entry, Vocabs};
use super::workflow::{is_reviewer, may_draft_in, Decision};

pub const TITLE_CHARS: usize = 200;
pub const BODY_CHARS: usize = 4000;
pub const SHORT_CHARS: usize = 300;
/// The largest amount taken, in rupees (a hundred thousand crore).
pub const MAX_RUPEES: i64 = 1_000_000_000_000;

/// The weights of the match score.
pub const SCHEME_POINTS: u32 = 40;
pub const SECTOR_POINTS: u32 = 30;
pub const STATE_POINTS: u32 = 20;
pub const BUDGET_POINTS: u32 = 10;

/// What matching reads of an offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferTerms<'a> {
    pub scheme: &'a str,
    pub sectors: Vec<&'a str>,
    /// Empty: every state.
    pub states: Vec<&'a str>,
    pub amount_min: i64,
    pub amount_max: i64,
}

/// What matching reads of a proposal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProposalTerms<'a> {
    pub scheme: &'a str,
    pub sectors: Vec<&'a str>,
    pub state: &'a str,
    pub budget: i64,
}

/// How an offer and a proposal fit, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Score {
    pub scheme: bool,
    pub sectors_shared: usize,
    pub state: bool,
    pub budget: bool,
    pub total: u32,
}

impl Score {
    /// Does the pair count as a match (the state fits, and the scheme or a sector is shared)?
    pub fn is_match(&self) -> bool {
        self.state && (self.scheme || self.sectors_shared > 0)
    }
}

fn same_scheme(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// The score of an offer for a proposal (see the module's notes).
pub fn score(o: &OfferTerms, p: &ProposalTerms) -> Score {
    let scheme = same_scheme(o.scheme, p.scheme);
    let shared = p.sectors.iter().filter(|s| o.sectors.contains(s)).count();
    let state = o.states.is_empty() || o.states.contains(&p.state);
    let budget = p.budget >= o.amount_min && p.budget <= o.amount_max;
    let sector_points = if p.sectors.is_empty() { 0 } else { SECTOR_POINTS * shared as u32 / p.sectors.len() as u32 };
    let total = if scheme { SCHEME_POINTS } else { 0 } + sector_points + if state { STATE_POINTS } else { 0 } + if budget { BUDGET_POINTS } else { 0 };
    Score { scheme, sectors_shared: shared, state, budget, total }
}

fn offer_terms(o: &FundingPost) -> OfferTerms<'_> {
    OfferTerms { scheme: &o.scheme, sectors: list::decode(&o.sectors).collect(), states: list::decode(&o.states).collect(), amount_min: o.amount_min, amount_max: o.amount_max }
}

fn proposal_terms(p: &FundingPost) -> ProposalTerms<'_> {
    ProposalTerms { scheme: &p.scheme, sectors: list::decode(&p.sectors).collect(), state: list::decode(&p.states).next().unwrap_or(""), budget: p.budget }
}

/// Is this offer open on `today` (published, and its deadline, if any, not passed)?
pub fn is_open(o: &FundingPost, today: NaiveDate) -> bool {
    o.kind == Kind::Offer && o.status == Status::Published && o.closed_at.is_none() && (o.deadline.is_empty() || o.deadline.as_str() >= today.format("%Y-%m-%d").to_string().as_str())
}

/// One match: the offer, the proposal and their score.
#[derive(Debug, Clone)]
pub struct Match {
    pub offer: FundingPost,
    pub proposal: FundingPost,
    pub score: Score,
}

/// Every match among published posts on `today`, best first; closed posts match nothing.
pub fn all_matches(posts: &[FundingPost], today: NaiveDate) -> Vec<Match> {
    let offers: Vec<&FundingPost> = posts.iter().filter(|o| is_open(o, today)).collect();
    let proposals: Vec<&FundingPost> = posts.iter().filter(|p| p.kind == Kind::Proposal && p.status == Status::Published && p.closed_at.is_none()).collect();
    let mut out = Vec::new();
    for o in &offers {
        for p in &proposals {
            let s = score(&offer_terms(o), &proposal_terms(p));
            if s.is_match() {
                out.push(Match { offer: (*o).clone(), proposal: (*p).clone(), score: s });
            }
        }
    }
    out.sort_by(|a, b| b.score.total.cmp(&a.score.total).then(a.offer.id.cmp(&b.offer.id)).then(a.proposal.id.cmp(&b.proposal.id)));
    out
}

/// What a poster typed, field by field.
#[derive(Debug, Clone, Default)]
pub struct PostForm {
    pub title: String,
    pub scheme: String,
    pub funder: String,
    pub partners: String,
    pub cluster: String,
    pub amount_min: String,
    pub amount_max: String,
    pub budget: String,
    pub sectors: Vec<String>,
    pub states: Vec<String>,
    pub deadline: String,
    pub body: String,
    pub contact: String,
}

/// Rupees as typed: digits, with commas or spaces between them allowed ("5,00,000").
pub fn rupees(input: &str) -> Option<i64> {
    let digits: String = input.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 13 {
        return None;
    }
    digits.parse().ok().filter(|n| *n <= MAX_RUPEES)
}

/// A post as checked, ready to store.
struct Checked {
    title: String,
    scheme: String,
    funder: String,
    partners: String,
    cluster: Option<Record>,
    amount_min: i64,
    amount_max: i64,
    budget: i64,
    sectors: Vec<String>,
    states: Vec<String>,
    deadline: String,
    body: String,
    contact: String,
}

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize, required: bool) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.insert(field, Message::new("funding-required"));
    } else if v.chars().count() > max {
        errors.insert(field, Message::new("funding-too-long").arg("max", max));
    }
    v.to_string()
}

fn amount(errors: &mut FieldErrors, field: &'static str, value: &str) -> i64 {
    match rupees(value) {
        Some(n) => n,
        None => {
            errors.insert(field, Message::new(if value.trim().is_empty() { "funding-required" } else { "funding-amount-invalid" }));
            0
        }
    }
}

/// Checks a post's form; terms of the registry's vocabularies become their codes.
fn check(conn: &mut DbConn, vocabs: &Vocabs, kind: Kind, f: &PostForm, today: NaiveDate) -> Result<Checked, AppError> {
    let mut e = FieldErrors::new();
    let title = text(&mut e, "title", &f.title, TITLE_CHARS, true);
    let body = text(&mut e, "body", &f.body, BODY_CHARS, true);
    let contact = text(&mut e, "contact", &f.contact, SHORT_CHARS, true);
    let scheme_typed = text(&mut e, "scheme", &f.scheme, TITLE_CHARS, kind == Kind::Offer);
    let scheme = vocabs.resolve("scheme", &scheme_typed).map(|t| t.code.clone()).unwrap_or(scheme_typed);
    let mut sectors = Vec::new();
    for s in f.sectors.iter().filter(|s| !s.trim().is_empty()) {
        match vocabs.resolve("sector", s) {
            Some(t) if !sectors.contains(&t.code) => sectors.push(t.code.clone()),
            Some(_) => {}
            None => {
                e.insert("sectors", Message::new("funding-sector-unknown").arg("sector", s.as_str()));
            }
        }
    }
    if sectors.is_empty() && !e.contains_key("sectors") {
        e.insert("sectors", Message::new("funding-sectors-choose"));
    }
    let (mut funder, mut partners, mut cluster, mut states, mut deadline) = (String::new(), String::new(), None, Vec::new(), String::new());
    let (mut amount_min, mut amount_max, mut budget) = (0, 0, 0);
    match kind {
        Kind::Offer => {
            funder = text(&mut e, "funder", &f.funder, TITLE_CHARS, true);
            amount_min = amount(&mut e, "amount_min", &f.amount_min);
            amount_max = amount(&mut e, "amount_max", &f.amount_max);
            if !e.contains_key("amount_min") && !e.contains_key("amount_max") && amount_min > amount_max {
                e.insert("amount_max", Message::new("funding-range-order"));
            }
            for s in f.states.iter().filter(|s| !s.trim().is_empty()) {
                match vocabs.resolve("state", s) {
                    Some(t) if !states.contains(&t.code) => states.push(t.code.clone()),
                    Some(_) => {}
                    None => {
                        e.insert("states", Message::new("funding-state-unknown").arg("state", s.as_str()));
                    }
                }
            }
            let d = f.deadline.trim();
            if !d.is_empty() {
                match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(day) if day < today => {
                        e.insert("deadline", Message::new("funding-deadline-past"));
                    }
                    Ok(day) => deadline = day.format("%Y-%m-%d").to_string(),
                    Err(_) => {
                        e.insert("deadline", Message::new("funding-deadline-invalid"));
                    }
                }
            }
        }
        Kind::Proposal => {
            partners = text(&mut e, "partners", &f.partners, BODY_CHARS, false);
            budget = amount(&mut e, "budget", &f.budget);
            if !e.contains_key("budget") && budget == 0 {
                e.insert("budget", Message::new("funding-amount-invalid"));
            }
            let slug = f.cluster.trim();
            match registry::find_by_slug(conn, "cluster", slug)?.filter(|r| r.is_published()) {
                Some(r) => {
                    states.push(r.state.clone());
                    cluster = Some(r);
                }
                None => {
                    e.insert("cluster", Message::new(if slug.is_empty() { "funding-cluster-choose" } else { "funding-cluster-unknown" }));
                }
            }
        }
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    Ok(Checked { title, scheme, funder, partners, cluster, amount_min, amount_max, budget, sectors, states, deadline, body, contact })
}

/// May this person decide on this post? The national focal point always; a state's focal
/// point for a proposal of their state, or an offer naming their state.
pub fn may_review(who: &Principal, post: &FundingPost) -> bool {
    if is_reviewer(who) {
        return true;
    }
    let mine = who.roles.focal_point_states();
    !mine.is_empty() && list::decode(&post.states).any(|s| mine.contains(&s))
}

/// Is a post by this person published without review?
fn published_at_once(who: &Principal, kind: Kind, states: &[String]) -> bool {
    match kind {
        Kind::Offer => who.roles.is_focal_point(),
        Kind::Proposal => who.roles.is_focal_point() && states.iter().all(|s| may_draft_in(who, s)),
    }
}

/// What a posting form offers to choose from: the vocabularies (schemes, sectors, states)
/// and the published clusters (slug, title, state).
pub struct Choices {
    pub vocabs: Vocabs,
    pub clusters: Vec<(String, String, String)>,
}

pub fn choices(conn: &mut DbConn) -> Result<Choices, AppError> {
    let clusters = registry::all_published(conn)?.into_iter().filter(|r| r.kind == "cluster").map(|r| (r.slug, r.title, r.state)).collect();
    Ok(Choices { vocabs: Vocabs::load(conn)?, clusters })
}

/// The row a checked form becomes, in a status.
fn row_of<'a>(c: &'a Checked, kind: Kind, sectors: &'a str, states: &'a str, status: Status, author_id: Option<i64>, created_at: NaiveDateTime, published_at: Option<NaiveDateTime>) -> NewFundingPost<'a> {
    NewFundingPost {
        kind,
        title: &c.title,
        scheme: &c.scheme,
        funder: &c.funder,
        partners: &c.partners,
        cluster_id: c.cluster.as_ref().map(|r| r.id),
        amount_min: c.amount_min,
        amount_max: c.amount_max,
        budget: c.budget,
        sectors,
        states,
        deadline: &c.deadline,
        body: &c.body,
        contact: &c.contact,
        status,
        author_id,
        created_at,
        published_at,
    }
}

/// A post now waits for review: the focal points of its states hear of it, or the national
/// focal point when none of its states has one (or it names none); each once per submission,
/// which the lock the submission left names.
fn tell_reviewers(tx: &mut DbConn, env: &Env, who: &Principal, post_id: i64, lock: i32, states: &[String]) -> Result<(), AppError> {
    let grants = role::focal_points(tx)?;
    let mut to: BTreeSet<i64> = grants.iter().filter(|g| !g.state.is_empty() && states.contains(&g.state)).map(|g| g.user_id).collect();
    if to.is_empty() {
        to = grants.iter().filter(|g| g.state.is_empty()).map(|g| g.user_id).collect();
    }
    for uid in to.into_iter().filter(|u| *u != who.user.id) {
        notify::notify_once(tx, env, uid, OutboxKind::FundingSubmitted, Some(post_id), None, &format!("funding.submitted.{post_id}.l{lock}.u{uid}"))?;
    }
    Ok(())
}

/// Saves a new post. Returns its id and whether it was published at once.
pub fn create(conn: &mut DbConn, env: &Env, who: &Principal, kind: Kind, form: &PostForm) -> Result<(i64, bool), AppError> {
    let vocabs = Vocabs::load(conn)?;
    let now = models::now();
    let c = check(conn, &vocabs, kind, form, now.date())?;
    let at_once = published_at_once(who, kind, &c.states);
    let (sectors, states) = (list::encode(&c.sectors), list::encode(&c.states));
    write_tx(conn, |tx| {
        let status = if at_once { Status::Published } else { Status::Submitted };
        let id = fp::insert(tx, &row_of(&c, kind, &sectors, &states, status, Some(who.user.id), now, at_once.then_some(now)))?;
        if !at_once {
            tell_reviewers(tx, env, who, id, 0, &c.states)?;
        }
        let action = format!("funding {} post", kind.as_str());
        audit_entry(tx, who.user.id, &action, &Message::new("audit-funding-post").arg("title", &c.title).to_stored())?;
        Ok((id, at_once))
    })
}

/// May this person edit or close this post? Its author, and whoever may review it (the
/// focal points of its states, the national focal point).
pub fn may_edit(who: &Principal, post: &FundingPost) -> bool {
    post.author_id == Some(who.user.id) || may_review(who, post)
}

/// A post this person may edit or close, still open; refused otherwise.
fn editable(conn: &mut DbConn, who: &Principal, kind: Kind, id: i64) -> Result<FundingPost, AppError> {
    let post = fp::find(conn, id)?.filter(|p| p.kind == kind && visible(Some(who), p)).ok_or(AppError::NotFound)?;
    if !may_edit(who, &post) {
        return Err(AppError::Forbidden);
    }
    if post.closed_at.is_some() {
        return Err(AppError::Conflict("funding-refused-closed".into()));
    }
    Ok(post)
}

/// The form of a stored post, as its editor sees it first; with the lock it was read at.
pub fn edit_form(conn: &mut DbConn, who: &Principal, kind: Kind, id: i64) -> Result<(PostForm, i32, Choices), AppError> {
    let p = editable(conn, who, kind, id)?;
    let cluster = match p.cluster_id {
        Some(c) => registry::find(conn, c)?.slug,
        None => String::new(),
    };
    let amount = |n: i64, shown: bool| if shown { n.to_string() } else { String::new() };
    let form = PostForm {
        title: p.title.clone(),
        scheme: p.scheme.clone(),
        funder: p.funder.clone(),
        partners: p.partners.clone(),
        cluster,
        amount_min: amount(p.amount_min, kind == Kind::Offer),
        amount_max: amount(p.amount_max, kind == Kind::Offer),
        budget: amount(p.budget, kind == Kind::Proposal),
        sectors: list::decode(&p.sectors).map(str::to_string).collect(),
        states: if kind == Kind::Offer { list::decode(&p.states).map(str::to_string).collect() } else { Vec::new() },
        deadline: p.deadline.clone(),
        body: p.body.clone(),
        contact: p.contact.clone(),
    };
    Ok((form, p.lock_version, choices(conn)?))
}

/// Saves an edit, checked as a new post is. A post that was published stays published only
/// when its editor could have published it at once; otherwise it (and any returned one) goes
/// back to review like a new one. Returns whether it is published.
pub fn edit(conn: &mut DbConn, env: &Env, who: &Principal, kind: Kind, id: i64, lock: i32, form: &PostForm) -> Result<bool, AppError> {
    let post = editable(conn, who, kind, id)?;
    let vocabs = Vocabs::load(conn)?;
    let now = models::now();
    let c = check(conn, &vocabs, kind, form, now.date())?;
    let at_once = published_at_once(who, kind, &c.states);
    // A focal point editing someone else's waiting post leaves the decision to the review form.
    let published = at_once && (post.status == Status::Published || post.author_id == Some(who.user.id));
    let (status, published_at) = if published { (Status::Published, post.published_at.or(Some(now))) } else { (Status::Submitted, None) };
    let (sectors, states) = (list::encode(&c.sectors), list::encode(&c.states));
    write_tx(conn, |tx| {
        if !fp::update(tx, id, lock, &row_of(&c, kind, &sectors, &states, status, post.author_id, post.created_at, published_at))? {
            return Err(AppError::Conflict("funding-refused-changed".into()));
        }
        // Back in review: its reviewers hear of it as of a new post (a waiting post edited is
        // no new submission, and they were told of it already).
        if !published && post.status != Status::Submitted {
            tell_reviewers(tx, env, who, id, lock + 1, &c.states)?;
        }
        audit_entry(tx, who.user.id, "funding edit", &Message::new("audit-funding-post").arg("title", &c.title).to_stored())?;
        Ok(published)
    })
}

/// Closes a post: it stays readable, marked closed, but matches nothing and leaves the open
/// lists and the review queue.
pub fn close(conn: &mut DbConn, who: &Principal, kind: Kind, id: i64) -> Result<(), AppError> {
    let post = editable(conn, who, kind, id)?;
    write_tx(conn, |tx| {
        if !fp::close(tx, id, models::now())? {
            return Err(AppError::Conflict("funding-refused-closed".into()));
        }
        audit_entry(tx, who.user.id, "funding close", &Message::new("audit-funding-post").arg("title", &post.title).to_stored())?;
        Ok(())
    })
}

/// A post with what its page shows.
pub struct PostView {
    pub post: FundingPost,
    pub cluster: Option<Record>,
    pub author: Option<String>,
    /// The matching posts of the other kind, best first.
    pub matches: Vec<(FundingPost, Score)>,
    pub open: bool,
    pub may_review: bool,
    /// May this person edit or close it (and is it still open to that)?
    pub may_edit: bool,
    pub is_author: bool,
    pub vocabs: Vocabs,
}

fn visible(who: Option<&Principal>, post: &FundingPost) -> bool {
    post.status == Status::Published || who.is_some_and(|p| post.author_id == Some(p.user.id) || may_review(p, post))
}

pub fn view(conn: &mut DbConn, who: Option<&Principal>, kind: Kind, id: i64) -> Result<PostView, AppError> {
    let post = fp::find(conn, id)?.filter(|p| p.kind == kind && visible(who, p)).ok_or(AppError::NotFound)?;
    let today = models::now().date();
    let matches = if post.status == Status::Published {
        all_matches(&fp::published(conn)?, today)
            .into_iter()
            .filter_map(|m| match kind {
                Kind::Offer if m.offer.id == id => Some((m.proposal, m.score)),
                Kind::Proposal if m.proposal.id == id => Some((m.offer, m.score)),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let cluster = match post.cluster_id {
        Some(c) => Some(registry::find(conn, c)?),
        None => None,
    };
    let author = post.author_id.and_then(|a| user::find(conn, a).ok()).map(|u| u.name);
    Ok(PostView {
        open: post.closed_at.is_none() && (kind == Kind::Proposal || is_open(&post, today)),
        may_review: post.status == Status::Submitted && post.closed_at.is_none() && who.is_some_and(|p| may_review(p, &post)),
        may_edit: post.closed_at.is_none() && who.is_some_and(|p| may_edit(p, &post)),
        is_author: who.is_some_and(|p| post.author_id == Some(p.user.id)),
        post,
        cluster,
        author,
        matches,
        vocabs: Vocabs::load(conn)?,
    })
}

/// A focal point publishes a waiting post, or returns it with a comment saying why.
pub fn review(conn: &mut DbConn, who: &Principal, kind: Kind, id: i64, lock: i32, decision: Decision, comment: &str) -> Result<(), AppError> {
    let post = fp::find(conn, id)?.filter(|p| p.kind == kind && visible(Some(who), p)).ok_or(AppError::NotFound)?;
    if !may_review(who, &post) {
        return Err(AppError::Forbidden);
    }
    let comment: String = comment.trim().chars().take(BODY_CHARS).collect();
    if decision == Decision::Return && comment.is_empty() {
        return Err(AppError::field("comment", "registry-return-comment"));
    }
    write_tx(conn, |tx| {
        let to = if decision == Decision::Approve { Status::Published } else { Status::Returned };
        if !fp::review(tx, id, lock, to, who.user.id, &comment, models::now())? {
            return Err(AppError::Conflict("registry-not-waiting".into()));
        }
        let action = if decision == Decision::Approve { "funding publish" } else { "funding return" };
        audit_entry(tx, who.user.id, action, &Message::new("audit-funding-post").arg("title", &post.title).to_stored())?;
        Ok(())
    })
}

/// The filters of the public lists.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub scheme: String,
    /// "1": open offers only (published, deadline not passed).
    #[serde(default)]
    pub open: String,
    /// "1": closed posts listed too (they are left out by default).
    #[serde(default)]
    pub closed: String,
}

impl Filter {
    pub fn query(&self) -> String {
        let pairs = [("state", &self.state), ("sector", &self.sector), ("scheme", &self.scheme), ("open", &self.open), ("closed", &self.closed)];
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        q.finish()
    }

    fn keeps(&self, p: &FundingPost, today: NaiveDate) -> bool {
        let states: Vec<&str> = list::decode(&p.states).collect();
        (self.state.is_empty() || states.contains(&self.state.as_str()) || (p.kind == Kind::Offer && states.is_empty()))
            && (self.sector.is_empty() || list::holds(&p.sectors, &self.sector))
            && (self.scheme.is_empty() || same_scheme(&p.scheme, &self.scheme))
            && (self.open.is_empty() || p.kind == Kind::Proposal || is_open(p, today))
            && (p.closed_at.is_none() || !self.closed.is_empty())
    }
}

/// Published posts of a kind, newest first, filtered; with the vocabularies for labels.
pub struct Listing {
    pub kind: Kind,
    pub posts: Vec<FundingPost>,
    pub vocabs: Vocabs,
    pub today: NaiveDate,
}

pub fn listing(conn: &mut DbConn, kind: Kind, filter: &Filter) -> Result<Listing, AppError> {
    let today = models::now().date();
    let posts = fp::of_kind(conn, kind, Status::Published)?.into_iter().filter(|p| filter.keeps(p, today)).collect();
    Ok(Listing { kind, posts, vocabs: Vocabs::load(conn)?, today })
}

pub const OFFER_CSV: [&str; 13] = ["id", "title", "scheme", "funder", "amount_min", "amount_max", "sectors", "states", "deadline", "open", "description", "contact", "published_at"];
pub const PROPOSAL_CSV: [&str; 12] = ["id", "title", "cluster", "state", "scheme", "budget", "sectors", "partners", "problem", "contact", "published_at", "cluster_title"];

/// A listing's cells, column by column as in the CSV header of its kind.
fn cells(conn: &mut DbConn, l: &Listing) -> Result<Vec<Vec<String>>, AppError> {
    let mut out = Vec::new();
    for p in &l.posts {
        let join = |s: &str| list::decode(s).collect::<Vec<_>>().join("; ");
        let at = p.published_at.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default();
        out.push(match l.kind {
            Kind::Offer => vec![
                p.id.to_string(), p.title.clone(), p.scheme.clone(), p.funder.clone(), p.amount_min.to_string(), p.amount_max.to_string(),
                join(&p.sectors), join(&p.states), p.deadline.clone(), is_open(p, l.today).to_string(), p.body.clone(), p.contact.clone(), at,
            ],
            Kind::Proposal => {
                let c = match p.cluster_id {
                    Some(c) => Some(registry::find(conn, c)?),
                    None => None,
                };
                vec![
                    p.id.to_string(), p.title.clone(), c.as_ref().map(|c| c.slug.clone()).unwrap_or_default(), join(&p.states), p.scheme.clone(), p.budget.to_string(),
                    join(&p.sectors), p.partners.clone(), p.body.clone(), p.contact.clone(), at, c.map(|c| c.title).unwrap_or_default(),
                ]
            }
        });
    }
    Ok(out)
}

fn header(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Offer => &OFFER_CSV,
        Kind::Proposal => &PROPOSAL_CSV,
    }
}

pub fn to_csv(conn: &mut DbConn, l: &Listing) -> Result<String, AppError> {
    let mut out = super::csv::Out::new();
    out.row(header(l.kind));
    for row in cells(conn, l)? {
        out.row(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    Ok(out.finish())
}

pub fn to_json(conn: &mut DbConn, l: &Listing) -> Result<String, AppError> {
    let names = header(l.kind);
    let items: Vec<serde_json::Value> = cells(conn, l)?
        .into_iter()
        .zip(&l.posts)
        .map(|(row, p)| {
            let mut m = serde_json::Map::new();
            for (name, cell) in names.iter().zip(row) {
                let v = match *name {
                    "id" | "amount_min" | "amount_max" | "budget" => serde_json::json!(cell.parse::<i64>().unwrap_or(0)),
                    "open" => serde_json::json!(cell == "true"),
                    "sectors" => serde_json::json!(list::decode(&p.sectors).collect::<Vec<_>>()),
                    "states" if l.kind == Kind::Offer => serde_json::json!(list::decode(&p.states).collect::<Vec<_>>()),
                    _ => serde_json::json!(cell),
                };
                m.insert(name.to_string(), v);
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let key = if l.kind == Kind::Offer { "offers" } else { "proposals" };
    Ok(serde_json::to_string_pretty(&serde_json::json!({ key: items })).expect("json"))
}

/// The clearing house's front page for this person: what waits for their review, their own
/// posts.
pub struct Hub {
    pub waiting: Vec<FundingPost>,
    pub mine: Vec<FundingPost>,
    pub is_national: bool,
    pub vocabs: Vocabs,
}

pub fn hub(conn: &mut DbConn, who: Option<&Principal>) -> Result<Hub, AppError> {
    let vocabs = Vocabs::load(conn)?;
    let Some(p) = who else { return Ok(Hub { waiting: Vec::new(), mine: Vec::new(), is_national: false, vocabs }) };
    let waiting = fp::waiting(conn)?.into_iter().filter(|w| may_review(p, w)).collect();
    Ok(Hub { waiting, mine: fp::by_author(conn, p.user.id)?, is_national: is_reviewer(p), vocabs })
}

/// One row of the national picture.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub offers: usize,
    /// The sum of the offers' upper amounts, in rupees.
    pub offered: i64,
    pub proposals: usize,
    pub sought: i64,
    pub matches: usize,
}

/// The national picture: totals by state and by sector, and for the nation (each offer and
/// proposal once). An offer counts in every state it names, or under "" (every state) when
/// it names none, and in each of its sectors; a match counts in its proposal's state and
/// sectors.
pub struct Picture {
    pub by_state: BTreeMap<String, Totals>,
    pub by_sector: BTreeMap<String, Totals>,
    pub nation: Totals,
    pub vocabs: Vocabs,
}

pub fn picture_of(posts: &[FundingPost], today: NaiveDate) -> (BTreeMap<String, Totals>, BTreeMap<String, Totals>, Totals) {
    let (mut by_state, mut by_sector, mut nation) = (BTreeMap::<String, Totals>::new(), BTreeMap::<String, Totals>::new(), Totals::default());
    for p in posts.iter().filter(|p| p.status == Status::Published && p.closed_at.is_none()) {
        let mut states: Vec<&str> = list::decode(&p.states).collect();
        if states.is_empty() {
            states.push("");
        }
        let sectors: Vec<&str> = list::decode(&p.sectors).collect();
        let add = |t: &mut Totals| match p.kind {
            Kind::Offer => {
                t.offers += 1;
                t.offered += p.amount_max;
            }
            Kind::Proposal => {
                t.proposals += 1;
                t.sought += p.budget;
            }
        };
        add(&mut nation);
        for s in &states {
            add(by_state.entry(s.to_string()).or_default());
        }
        for s in &sectors {
            add(by_sector.entry(s.to_string()).or_default());
        }
    }
    for m in all_matches(posts, today) {
        nation.matches += 1;
        for s in list::decode(&m.proposal.states) {
            by_state.entry(s.to_string()).or_default().matches += 1;
        }
        for s in list::decode(&m.proposal.sectors) {
            by_sector.entry(s.to_string()).or_default().matches += 1;
        }
    }
    (by_state, by_sector, nation)
}

/// The national focal point's page.
pub fn picture(conn: &mut DbConn, who: &Principal) -> Result<Picture, AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let (by_state, by_sector, nation) = picture_of(&fp::published(conn)?, models::now().date());
    Ok(Picture { by_state, by_sector, nation, vocabs: Vocabs::load(conn)? })
}

/// The list segment of a kind: `offers` or `proposals`.
pub fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "offers",
        Kind::Proposal => "proposals",
    }
}

/// The kind of a list segment.
pub fn kind_of(plural: &str) -> Option<Kind> {
    match plural {
        "offers" => Some(Kind::Offer),
        "proposals" => Some(Kind::Proposal),
        _ => None,
    }
}

/// The ISO week of `now`, as the key of a person's weekly mail.
pub fn week_of(now: NaiveDateTime) -> String {
    let w = now.date().iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The weekly mail of new matches: each author of a published post who has matches they
/// have not been mailed gets one mail a week listing them (`notify_once` keyed by person and
/// week), and those matches are recorded as mailed in the same transaction. Returns how many
/// people were mailed.
pub fn weekly_tick(conn: &mut DbConn, env: &Env, now: NaiveDateTime) -> Result<usize, AppError> {
    let posts = fp::published(conn)?;
    let matches = all_matches(&posts, now.date());
    let mut by_person: BTreeMap<i64, Vec<&Match>> = BTreeMap::new();
    for m in &matches {
        let authors: BTreeSet<i64> = [m.offer.author_id, m.proposal.author_id].into_iter().flatten().collect();
        for a in authors {
            by_person.entry(a).or_default().push(m);
        }
    }
    let week = week_of(now);
    let mut mailed = 0;
    for (uid, list) in by_person {
        let seen: BTreeSet<(i64, i64)> = fp::mailed(conn, uid)?.into_iter().collect();
        let new: Vec<&Match> = list.into_iter().filter(|m| !seen.contains(&(m.offer.id, m.proposal.id))).collect();
        if new.is_empty() {
            continue;
        }
        let items: Vec<FundingMatch> = new
            .iter()
            .map(|m| {
                let other = if m.offer.author_id == Some(uid) { paths::funding_post(plural(Kind::Proposal), m.proposal.id) } else { paths::funding_post(plural(Kind::Offer), m.offer.id) };
                FundingMatch { offer_id: m.offer.id, offer_title: m.offer.title.clone(), proposal_id: m.proposal.id, proposal_title: m.proposal.title.clone(), score: m.score.total, path: other }
            })
            .collect();
        let pairs: Vec<(i64, i64)> = new.iter().map(|m| (m.offer.id, m.proposal.id)).collect();
        let key = format!("funding.matches.{week}.u{uid}");
        let sent = write_tx(conn, |tx| {
            let sent = notify::notify_once(tx, env, uid, OutboxKind::FundingMatches, None, Some(Payload { funding: items, ..Payload::default() }), &key)?;
            if sent {
                fp::mark_mailed(tx, uid, &pairs, now)?;
            }
            Ok::<_, AppError>(sent)
        })?;
        if sent {
            mailed += 1;
        }
    }
    Ok(mailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer<'a>(scheme: &'a str, sectors: &[&'a str], states: &[&'a str], min: i64, max: i64) -> OfferTerms<'a> {
        OfferTerms { scheme, sectors: sectors.to_vec(), states: states.to_vec(), amount_min: min, amount_max: max }
    }

    fn proposal<'a>(scheme: &'a str, sectors: &[&'a str], state: &'a str, budget: i64) -> ProposalTerms<'a> {
        ProposalTerms { scheme, sectors: sectors.to_vec(), state, budget }
    }

    #[test]
    fn a_perfect_fit_scores_a_hundred_and_each_part_its_weight() {
        let o = offer("step", &["Foundry", "Textiles"], &["Punjab"], 100_000, 500_000);
        let s = score(&o, &proposal("STEP", &["Foundry"], "Punjab", 300_000));
        assert_eq!((s.scheme, s.sectors_shared, s.state, s.budget, s.total), (true, 1, true, true, 100));
        assert!(s.is_match());
        // No scheme sought: 30 + 20 + 10.
        assert_eq!(score(&o, &proposal("", &["Foundry"], "Punjab", 300_000)).total, 60);
        // The budget at either end of the range counts; one rupee outside does not.
        assert!(score(&o, &proposal("", &["Foundry"], "Punjab", 100_000)).budget);
        assert!(score(&o, &proposal("", &["Foundry"], "Punjab", 500_000)).budget);
        assert_eq!(score(&o, &proposal("", &["Foundry"], "Punjab", 500_001)).total, 50);
        assert_eq!(score(&o, &proposal("", &["Foundry"], "Punjab", 99_999)).total, 50);
    }

    #[test]
    fn sectors_count_by_the_share_of_the_proposal_s_sectors_the_offer_names() {
        let o = offer("", &["Foundry"], &[], 0, 10);
        // One of three: 30 × 1 ÷ 3 = 10; an offer for every state fits Punjab (20).
        let s = score(&o, &proposal("", &["Foundry", "Textiles", "Leather"], "Punjab", 1000));
        assert_eq!((s.sectors_shared, s.state, s.budget, s.total), (1, true, false, 30));
        // Two of three rounds down: 20.
        let o2 = offer("", &["Foundry", "Textiles"], &[], 0, 10);
        assert_eq!(score(&o2, &proposal("", &["Foundry", "Textiles", "Leather"], "Punjab", 1000)).total, 40);
    }

    #[test]
    fn a_pair_matches_only_in_a_state_the_offer_names_and_with_a_scheme_or_sector_shared() {
        let o = offer("step", &["Foundry"], &["Haryana"], 0, 1_000_000);
        let elsewhere = score(&o, &proposal("step", &["Foundry"], "Punjab", 10));
        assert!(!elsewhere.state && !elsewhere.is_match());
        assert_eq!(elsewhere.total, 40 + 30 + 10, "the parts still add up");
        let nothing_shared = score(&o, &proposal("swayamsidha", &["Textiles"], "Haryana", 10));
        assert!(nothing_shared.state && !nothing_shared.is_match());
        assert_eq!(nothing_shared.total, 30);
        assert!(score(&o, &proposal("STEP ", &["Textiles"], "Haryana", 10)).is_match(), "the scheme alone, case and blanks aside");
        assert!(score(&o, &proposal("", &["Foundry"], "Haryana", 10)).is_match(), "a sector alone");
        assert!(!same_scheme("", ""), "no scheme is not the same scheme");
    }

    #[test]
    fn rupees_are_read_with_indian_commas_and_refused_otherwise() {
        assert_eq!(rupees("5,00,000"), Some(500_000));
        assert_eq!(rupees(" 1 000 "), Some(1000));
        assert_eq!(rupees("0"), Some(0));
        for bad in ["", "-5", "1.5", "ten", "99999999999999"] {
            assert_eq!(rupees(bad), None, "{bad}");
        }
    }

    fn post(id: i64, kind: Kind, scheme: &str, sectors: &[&str], states: &[&str], amounts: (i64, i64, i64), deadline: &str) -> FundingPost {
        let at = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        FundingPost {
            id, kind, title: format!("#{id}"), scheme: scheme.into(), funder: String::new(), partners: String::new(), cluster_id: None,
            amount_min: amounts.0, amount_max: amounts.1, budget: amounts.2, sectors: list::encode(sectors), states: list::encode(states),
            deadline: deadline.into(), body: String::new(), contact: String::new(), status: Status::Published, author_id: Some(id), created_at: at,
            published_at: Some(at), reviewed_by: None, reviewed_at: None, comment: String::new(), lock_version: 0, closed_at: None,
        }
    }

    #[test]
    fn the_national_picture_counts_offers_in_each_state_and_the_nation_once() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
        let posts = vec![
            post(1, Kind::Offer, "step", &["Foundry"], &["Punjab", "Haryana"], (0, 500, 0), ""),
            post(2, Kind::Offer, "", &["Textiles"], &[], (0, 1000, 0), "2026-12-31"),
            // Closed yesterday: counted as offered, never matched.
            post(3, Kind::Offer, "", &["Foundry"], &["Punjab"], (0, 70, 0), "2026-12-08"),
            post(4, Kind::Proposal, "", &["Foundry"], &["Punjab"], (0, 0, 300), ""),
            post(5, Kind::Proposal, "", &["Textiles", "Foundry"], &["Haryana"], (0, 0, 2000), ""),
        ];
        let (by_state, by_sector, nation) = picture_of(&posts, today);
        assert_eq!(nation, Totals { offers: 3, offered: 1570, proposals: 2, sought: 2300, matches: 3 });
        // 1 matches 4 (60: sector, state, budget) and 5 (35: half its sectors, state); 2, open to
        // every state, matches 5 (35) but shares nothing with 4; 3 is closed.
        let found: Vec<(i64, i64, u32)> = all_matches(&posts, today).iter().map(|m| (m.offer.id, m.proposal.id, m.score.total)).collect();
        assert_eq!(found, [(1, 4, 60), (1, 5, 35), (2, 5, 35)]);
        assert_eq!(by_state["Punjab"], Totals { offers: 2, offered: 570, proposals: 1, sought: 300, matches: 1 });
        assert_eq!(by_state["Haryana"], Totals { offers: 1, offered: 500, proposals: 1, sought: 2000, matches: 2 });
        assert_eq!(by_state[""], Totals { offers: 1, offered: 1000, proposals: 0, sought: 0, matches: 0 });
        assert_eq!(by_sector["Foundry"], Totals { offers: 2, offered: 570, proposals: 2, sought: 2300, matches: 3 });
        assert_eq!(by_sector["Textiles"], Totals { offers: 1, offered: 1000, proposals: 1, sought: 2000, matches: 2 });
    }
}
