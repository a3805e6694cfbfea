//! The one home of the portal's URL shapes. Views, services, search and mail format their
//! links here, so a route that moves moves in one file (and in its `web::` route). Paths are
//! site-relative; an absolute URL is the base URL (no trailing slash) followed by a path.
//! A leaf: it imports nothing from the crate.

/// The registry's kinds by code (as stored), with the plural that names their lists:
/// `/registry/{plural}`. The one copy of this table: `services::registry::Kind` and the
/// search documents both read it here.
pub const REGISTRY_KINDS: [(&str, &str); 4] = [("cluster", "clusters"), ("initiative", "initiatives"), ("practice", "practices"), ("agency", "agencies")];

/// The list segment of a registry kind's code, if it is one.
pub fn registry_plural(code: &str) -> Option<&'static str> {
    REGISTRY_KINDS.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

/// The glossary of acronyms (registry labels and knowledge pages link to it).
pub const GLOSSARY: &str = "/glossary";
/// The knowledge base's Atom feed.
pub const KB_FEED: &str = "/kb/feed.atom";
/// Where a member's own posts are listed.
pub const MY_POSTS: &str = "/my/posts";
/// A facilitator's page: the people they post for and their claim codes.
pub const FACILITATOR: &str = "/facilitator";

/// The page where a unit owner claims the posts a facilitator made for them.
pub fn claim(code: &str) -> String {
    format!("/claim/{code}")
}

/// Where a facilitator makes a claim code for one of their owners.
pub fn claim_code(owner_id: i64) -> String {
    format!("{FACILITATOR}/owners/{owner_id}/claim-code")
}
/// The delivery settings on the profile page.
pub const PROFILE_DELIVERY: &str = "/profile#delivery";
/// The member's notice settings on their profile.
pub const PROFILE_NOTICES: &str = "/profile#notices";

/// Notice settings reached from a link in a notice, without signing in (the token is the
/// member's own, for this purpose only).
pub fn notices(token: &str) -> String {
    format!("/notices/{token}")
}
pub const PASSWORD_FORGOT: &str = "/password/forgot";

// Knowledge pages and theme hubs.

pub fn page(slug: &str) -> String {
    format!("/kb/{slug}")
}

pub fn page_edit(slug: &str) -> String {
    format!("/kb/{slug}/edit")
}

pub fn page_revisions(slug: &str) -> String {
    format!("/kb/{slug}/revisions")
}

pub fn theme(slug: &str) -> String {
    format!("/kb/themes/{slug}")
}

pub fn theme_feed(slug: &str) -> String {
    format!("/kb/themes/{slug}/feed.atom")
}

// Communities, threads and posts.

pub fn community(slug: &str) -> String {
    format!("/c/{slug}")
}

/// One of a community's own pages: `/c/{slug}/{rest}` (queue, members, settings, ...).
pub fn community_page(slug: &str, rest: &str) -> String {
    format!("/c/{slug}/{rest}")
}

pub fn queue_item(slug: &str, post_id: i64) -> String {
    format!("/c/{slug}/queue/{post_id}")
}

pub fn thread(slug: &str, root_id: i64) -> String {
    format!("/c/{slug}/t/{root_id}")
}

/// A post in its thread (the anchor of its place on the thread page).
pub fn post(slug: &str, root_id: i64, post_id: i64) -> String {
    format!("/c/{slug}/t/{root_id}#post-{post_id}")
}

pub fn post_edit(slug: &str, post_id: i64) -> String {
    format!("/c/{slug}/posts/{post_id}/edit")
}

/// A member's post on their own list (where a sent-back post waits for them).
pub fn my_post(post_id: i64) -> String {
    format!("{MY_POSTS}#post-{post_id}")
}

pub fn digests(slug: &str) -> String {
    format!("/c/{slug}/digests")
}

pub fn digest(slug: &str, id: i64) -> String {
    format!("/c/{slug}/digests/{id}")
}

/// An attachment, named for the browser's download (`name` already URL-encoded).
pub fn file(id: i64, encoded_name: &str) -> String {
    format!("/files/{id}/{encoded_name}")
}

// The registry.

pub fn registry_list(plural: &str) -> String {
    format!("/registry/{plural}")
}

/// The charts of initiatives by stage, per state and per sector.
pub const REGISTRY_CHARTS: &str = "/registry/charts";

/// The registry's front page with its map showing records of one kind.
pub fn registry_map(plural: &str) -> String {
    format!("/registry?map={plural}")
}

pub fn registry_record(plural: &str, slug: &str) -> String {
    format!("/registry/{plural}/{slug}")
}

/// A record by its kind's code as stored; an unknown code is read as an initiative, as
/// everywhere the registry shows one.
pub fn registry_record_of(code: &str, slug: &str) -> String {
    registry_record(registry_plural(code).unwrap_or("initiatives"), slug)
}

pub fn registry_edit(plural: &str, slug: &str) -> String {
    format!("/registry/{plural}/{slug}/edit")
}

pub fn registry_review(plural: &str, slug: &str, number: i32) -> String {
    format!("/registry/{plural}/{slug}/review/{number}")
}

pub fn registry_new(plural: &str) -> String {
    format!("/registry/{plural}/new")
}

/// Where those who may edit an initiative enter its indicators' values.
pub fn registry_indicator_values(slug: &str) -> String {
    format!("/registry/initiatives/{slug}/indicators")
}

/// Every published initiative's indicator values, one a row (the import reads it back).
pub const REGISTRY_INDICATOR_VALUES_CSV: &str = "/registry/indicator_values.csv";
pub const REGISTRY_INDICATOR_VALUES_IMPORT: &str = "/registry/indicator-values/import";

/// The schemes of Annex I, and one scheme's page: the initiatives that dovetail it, the
/// knowledge pages and the public queries that point to it.
pub const REGISTRY_SCHEMES: &str = "/registry/schemes";

pub fn registry_scheme(code: &str) -> String {
    format!("/registry/schemes/{code}")
}

/// The national table of clusters' newest ratings (`.csv` for the download).
pub const REGISTRY_RATINGS: &str = "/registry/ratings";

/// A cluster's rating history, and where the national focal point rates it.
pub fn registry_cluster_ratings(slug: &str) -> String {
    format!("/registry/clusters/{slug}/ratings")
}

// The pages that say who runs the portal: `/{slug}` each, linked from every page's footer.

/// The site pages by slug, in the footer's order.
pub const SITE_PAGES: [&str; 5] = ["about", "contact", "privacy", "accessibility", "terms"];

pub fn site_page(slug: &str) -> String {
    format!("/{slug}")
}

/// Where administrators list the site pages.
pub const ADMIN_SITE: &str = "/admin/site";

/// An administrator's editor of one site page in one language.
pub fn site_page_edit(slug: &str, lang: &str) -> String {
    format!("/admin/site/{slug}/{lang}")
}

pub const ROBOTS: &str = "/robots.txt";
pub const SITEMAP: &str = "/sitemap.xml";

// Links mailed to people (their secrets in the query or the path).

pub fn unsubscribe(token: &str, slug: &str) -> String {
    format!("/unsubscribe/{token}/{slug}")
}

pub fn verify(secret: &str) -> String {
    format!("/verify?token={secret}")
}

pub fn password_reset(secret: &str) -> String {
    format!("/password/reset?token={secret}")
}

pub fn confirm_held(secret: &str) -> String {
    format!("/mail/confirm/{secret}")
}

/// The focal points' queue of feedback on registry records.
pub const REGISTRY_FEEDBACK: &str = "/registry/feedback";

/// One item of registry feedback, for the focal points who answer it.
pub fn registry_feedback_item(id: i64) -> String {
    format!("/registry/feedback/{id}")
}

/// The award cycles (issue 22), one cycle, and its published results.
pub const AWARDS: &str = "/registry/awards";

pub fn award_cycle(id: i64) -> String {
    format!("{AWARDS}/{id}")
}

pub fn award_results(id: i64) -> String {
    format!("{AWARDS}/{id}/results")
}

pub fn award_nomination(cycle: i64, id: i64) -> String {
    format!("{AWARDS}/{cycle}/nominations/{id}")
}

/// The Atom feed of a registry kind's newly published and updated records.
pub fn registry_feed(plural: &str) -> String {
    format!("/registry/{plural}/feed.atom")
}

/// The public directory of experts.
pub const EXPERTS: &str = "/experts";

/// A member's own expert profile.
pub const EXPERT_PROFILE: &str = "/experts/profile";

/// Where a moderator asks experts for their input on a query.
pub fn ask_experts(slug: &str, root_id: i64) -> String {
    format!("/c/{slug}/t/{root_id}/experts")
}

/// The one thread an asked expert may read, by the token of their request mail.
pub fn expert_thread(root_id: i64, token: &str) -> String {
    format!("/experts/asked/{root_id}/{token}")
}

/// The funding clearing house: its front page, the national picture, and the lists of offers
/// and proposals (`offers`, `proposals`; `.csv` and `.json` for the downloads).
/// A focal point's work list: drafts, versions waiting, a sector's reviews.
pub const REGISTRY_WORK: &str = "/registry/work";
pub const FUNDING: &str = "/registry/funding";
pub const FUNDING_NATIONAL: &str = "/registry/funding/national";

pub fn funding_list(plural: &str) -> String {
    format!("/registry/funding/{plural}")
}

/// One offer or proposal.
pub fn funding_post(plural: &str, id: i64) -> String {
    format!("/registry/funding/{plural}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(page("a"), "/kb/a");
        assert_eq!(theme_feed("energy"), "/kb/themes/energy/feed.atom");
        assert_eq!(post("foundry", 3, 7), "/c/foundry/t/3#post-7");
        assert_eq!(registry_record_of("agency", "msme-di"), "/registry/agencies/msme-di");
        assert_eq!(registry_record_of("unknown", "x"), "/registry/initiatives/x");
        assert_eq!(registry_review("practices", "p", 2), "/registry/practices/p/review/2");
        assert_eq!(site_page("privacy"), "/privacy");
        assert_eq!(site_page_edit("terms", "hi"), "/admin/site/terms/hi");
    }
}

// --- rights ---
/// A member's own data: the notice, their consent, downloads and deletion.
pub const ACCOUNT_DATA: &str = "/account/data";
pub const ACCOUNT_EXPORT: &str = "/account/export";
pub const ACCOUNT_DELETE: &str = "/account/delete";

/// One removal request in a community's queue (moderators decide it here).
pub fn removal(slug: &str, id: i64) -> String {
    format!("/c/{slug}/removals/{id}")
}

// --- outcomes ---

/// Where a member says whether a page (`base` its path) or a practice worked for them.
pub fn outcome_form(base: &str) -> String {
    format!("{base}/outcome")
}

/// Where the editors of a page or the keepers of a practice read the notes.
pub fn field_reports(base: &str) -> String {
    format!("{base}/field-reports")
}

/// The link in the mail asking an asker whether their answer worked, one per answer.
pub fn outcome_ask(query_id: i64, token: &str, answer: &str) -> String {
    format!("/outcomes/ask/{query_id}/{token}?answer={answer}")
}

/// An ESR score card of a cluster.
pub fn score_card(cluster: &str, id: i64) -> String {
    format!("{}/score-cards/{id}", registry_record("clusters", cluster))
}

/// A member's request to register or update an implementing agency.
pub fn agency_request(id: i64) -> String {
    format!("/registry/agency-requests/{id}")
}
