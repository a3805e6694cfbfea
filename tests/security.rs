//! Security checks that span the portal: every route against every role, session fixation,
//! security headers on every kind of response, and uploads that lie about their type.
//! (CSRF, sign-in and posting rate limits, and escaping per feature live beside each feature;
//! tests/ASVS.md maps each requirement to its test.)

mod common;

use std::collections::BTreeSet;

use common::world::{ask, decide, world_with, PW};
use common::{Client, Resp, TestApp};

/// What a role gets from a route:
/// `ok` 2xx/3xx (not to the sign-in page), `in` sent to sign in, `no` 403 or 404 (refused, or
/// not shown to this role), `bad` 400 (allowed through, but the empty form is refused).
fn outcome(r: &Resp) -> &'static str {
    match r.status {
        303 if r.location.as_deref().is_some_and(|l| l.starts_with("/login")) => "in",
        s if s < 400 => "ok",
        400 | 409 | 422 => "bad",
        403 | 404 | 410 => "no",
        429 => "slow",
        _ => "err",
    }
}

/// Roles, in the order of the table's columns.
const ROLES: [&str; 5] = ["anonymous", "member", "moderator of another community", "focal point of another state", "admin"];

/// Every route: method, pattern as registered, the path tried, then the outcome per role.
/// By design an administrator manages accounts, roles, communities and looks but is not a
/// moderator, member or focal point until granted that role (and grants are audited); a
/// moderator edits the knowledge pages of their community's theme and distils only threads of
/// their own community.
/// The fixtures: community foundry-energy (theme energy-efficiency, members only, alice is a
/// member, mod@ moderates); othermod@ moderates child-labour (theme child-labour); hr@ is focal point for Haryana; the registry record and
/// its review belong to Gujarat; the score card {card} is Batala's (Punjab) shipped, approved one; the page `using-slag` is a draft.
const TABLE: &[(&str, &str, &str, [&str; 5])] = &[
    ("get", "/", "/", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/healthz", "/healthz", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/metrics", "/metrics", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/register", "/register", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/verify", "/verify?token=nope", ["bad", "bad", "bad", "bad", "bad"]),
    ("get", "/login", "/login", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/password/forgot", "/password/forgot", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/password/reset", "/password/reset?token=nope", ["bad", "bad", "bad", "bad", "bad"]),
    ("get", "/profile", "/profile", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/dashboard", "/dashboard", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/lang/{code}", "/lang/hi?next=/", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/admin", "/admin", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/users", "/admin/users", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/users/{id}", "/admin/users/{alice}", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/audit", "/admin/audit", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/security", "/admin/security?kind=sign_in", ["in", "no", "no", "no", "ok"]),
    ("get", "/password/change", "/password/change", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/credit-consent", "/credit-consent?next=/", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/admin/communities", "/admin/communities", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/looks", "/admin/looks", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/vocabularies", "/admin/vocabularies", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/content", "/admin/content", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/content/{id}", "/admin/content/999999", ["in", "no", "no", "no", "no"]),
    ("get", "/admin/vocabularies/{vocab}", "/admin/vocabularies/see_issue", ["in", "no", "no", "no", "ok"]),
    ("get", "/communities", "/communities", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/ask", "/ask", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/my/posts", "/my/posts", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/files/{id}/{name}", "/files/{file}/cupola.pdf", ["no", "ok", "no", "no", "ok"]),
    ("get", "/c/{slug}", "/c/foundry-energy", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/c/{slug}/new", "/c/foundry-energy/new", ["in", "ok", "no", "no", "no"]),
    ("get", "/c/{slug}/t/{id}", "/c/foundry-energy/t/{thread}", ["no", "ok", "no", "no", "ok"]),
    ("get", "/c/{slug}/posts/{id}/edit", "/c/foundry-energy/posts/{pending}/edit", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/log", "/c/foundry-energy/log", ["in", "ok", "no", "no", "ok"]),
    ("get", "/c/{slug}/queue", "/c/foundry-energy/queue", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/queue/{id}", "/c/foundry-energy/queue/{pending}", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/due", "/c/foundry-energy/due", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/members", "/c/foundry-energy/members", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/mail-log", "/c/foundry-energy/mail-log", ["in", "no", "no", "no", "no"]),
    ("get", "/admin/mail-log", "/admin/mail-log", ["in", "no", "no", "no", "ok"]),
    ("get", "/c/{slug}/settings", "/c/foundry-energy/settings", ["in", "no", "no", "no", "ok"]),
    ("get", "/c/{slug}/digests", "/c/foundry-energy/digests", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/digests/{id}", "/c/foundry-energy/digests/{digest}", ["in", "no", "no", "no", "no"]),
    ("get", "/c/{slug}/digests/{id}/preview", "/c/foundry-energy/digests/{digest}/preview", ["in", "no", "no", "no", "no"]),
    ("get", "/unsubscribe/{token}/{slug}", "/unsubscribe/nope/foundry-energy", ["no", "no", "no", "no", "no"]),
    ("get", "/notices/{token}", "/notices/nope", ["no", "no", "no", "no", "no"]),
    ("get", "/mail/confirm/{token}", "/mail/confirm/nope", ["bad", "bad", "bad", "bad", "bad"]),
    ("get", "/kb", "/kb", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/kb/feed.atom", "/kb/feed.atom", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/kb/pages", "/kb/pages", ["in", "no", "ok", "no", "ok"]),
    ("get", "/kb/themes/{theme}", "/kb/themes/energy-efficiency", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/kb/themes/{theme}/feed.atom", "/kb/themes/energy-efficiency/feed.atom", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/kb/{slug}", "/kb/cutting-coke-use-in-cupola-furnaces", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/kb/{slug}", "/kb/using-slag", ["no", "no", "no", "no", "ok"]),
    ("get", "/kb/new", "/kb/new?thread={thread}", ["in", "no", "no", "no", "ok"]),
    ("get", "/kb/{slug}/edit", "/kb/using-slag/edit", ["in", "no", "no", "no", "ok"]),
    ("get", "/kb/{slug}/revisions", "/kb/cutting-coke-use-in-cupola-furnaces/revisions", ["in", "no", "no", "no", "ok"]),
    ("get", "/kb/{slug}/revisions/{n}", "/kb/cutting-coke-use-in-cupola-furnaces/revisions/1", ["in", "no", "no", "no", "ok"]),
    ("get", "/looks/{theme}.css", "/looks/energy-efficiency.css", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/sitemap.xml", "/sitemap.xml", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/glossary", "/glossary", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry", "/registry", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/charts", "/registry/charts", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/work", "/registry/work", ["in", "no", "no", "ok", "no"]),
    ("get", "/registry/import", "/registry/import", ["in", "no", "no", "ok", "no"]),
    ("get", "/registry/{kind}", "/registry/initiatives", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/{kind}/new", "/registry/initiatives/new", ["in", "no", "no", "ok", "no"]),
    ("get", "/registry/{kind}/{slug}", "/registry/initiatives/{record}", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/{kind}/{slug}/edit", "/registry/initiatives/{record}/edit", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/{kind}/{slug}/review/{n}", "/registry/initiatives/{record}/review/1", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/short-lists", "/registry/short-lists", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/short-lists/{name}", "/registry/short-lists/999999.csv", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/clusters/{slug}/score-cards", "/registry/clusters/batala-foundry/score-cards", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/clusters/{slug}/score-cards/new", "/registry/clusters/batala-foundry/score-cards/new", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/clusters/{slug}/score-cards/{id}", "/registry/clusters/batala-foundry/score-cards/{card}", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/clusters/{slug}/score-cards/{id}/edit", "/registry/clusters/batala-foundry/score-cards/{card}/edit", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/agency-requests", "/registry/agency-requests", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/agency-requests/new", "/registry/agency-requests/new", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/agency-requests/{id}", "/registry/agency-requests/{agency_request}", ["in", "ok", "no", "no", "no"]),
    ("get", "/registry/agencies/{slug}/rate", "/registry/agencies/{agency}/rate", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/indicator_values.csv", "/registry/indicator_values.csv", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/indicator-values/import", "/registry/indicator-values/import", ["in", "no", "no", "ok", "no"]),
    ("get", "/registry/initiatives/{slug}/indicators", "/registry/initiatives/{record}/indicators", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/ratings", "/registry/ratings", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/ratings.csv", "/registry/ratings.csv", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/clusters/{slug}/ratings", "/registry/clusters/samalkha-foundry/ratings", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/{kind}/feed.atom", "/registry/initiatives/feed.atom", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/feedback", "/registry/feedback", ["in", "no", "no", "ok", "no"]),
    ("get", "/registry/feedback/{id}", "/registry/feedback/999999", ["in", "no", "no", "no", "no"]),
    // --- schemes ---
    ("get", "/registry/schemes", "/registry/schemes", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/schemes/{code}", "/registry/schemes/sidbi-energy-saving", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/search", "/search?q=coke", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/api/search", "/api/search?q=coke", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/api/openapi.json", "/api/openapi.json", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/opensearch.xml", "/opensearch.xml", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/about", "/about", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/contact", "/contact", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/privacy", "/privacy", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/accessibility", "/accessibility", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/terms", "/terms", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/robots.txt", "/robots.txt", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/admin/site", "/admin/site", ["in", "no", "no", "no", "ok"]),
    ("get", "/admin/site/{slug}/{lang}", "/admin/site/privacy/hi", ["in", "no", "no", "no", "ok"]),
    // Members' data: each signed-in person their own; removal requests for the community's moderators.
    ("get", "/account/data", "/account/data", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/account/delete", "/account/delete", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/c/{slug}/removals", "/c/foundry-energy/removals", ["in", "no", "no", "no", "no"]),
    // Writes, each with a valid CSRF token and an empty form: who is let through at all.
    ("post", "/register", "/register", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/login", "/login", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/password/forgot", "/password/forgot", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/password/reset", "/password/reset", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/profile", "/profile", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/profile/delivery", "/profile/delivery", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/profile/notices", "/profile/notices", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/notices/{token}", "/notices/nope", ["no", "no", "no", "no", "no"]),
    ("post", "/profile/resume-mail", "/profile/resume-mail", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/profile/mail-links/reset", "/profile/mail-links/reset", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/admin/users/{id}/grants", "/admin/users/{alice}/grants", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/grants/{id}/revoke", "/admin/grants/999999/revoke", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/users/{id}/mail-links/reset", "/admin/users/{alice}/mail-links/reset", ["in", "no", "no", "no", "ok"]),
    ("post", "/admin/users/{id}/disable", "/admin/users/999999/disable", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/users/{id}/enable", "/admin/users/999999/enable", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/content/{id}/take", "/admin/content/999999/take", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/content/{id}/keep", "/admin/content/999999/keep", ["in", "no", "no", "no", "no"]),
    ("post", "/password/change", "/password/change", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/credit-consent", "/credit-consent", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/account/export", "/account/export", ["in", "ok", "ok", "ok", "ok"]),
    // An empty form has no password (nor confirmation): refused, nothing deleted.
    ("post", "/account/delete", "/account/delete", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/admin/users/{id}/delete", "/admin/users/999999/delete", ["in", "no", "no", "no", "bad"]),
    ("post", "/c/{slug}/removals/{id}", "/c/foundry-energy/removals/999999", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/communities", "/admin/communities", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/looks", "/admin/looks", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/site/{slug}/{lang}", "/admin/site/privacy/hi", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/vocabularies/{vocab}", "/admin/vocabularies/see_issue", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/vocabularies/{vocab}/{code}", "/admin/vocabularies/see_issue/energy", ["in", "no", "no", "no", "bad"]),
    ("post", "/c/{slug}/join", "/c/child-labour/join", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/c/{slug}/leave", "/c/child-labour/leave", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/c/{slug}/posts", "/c/foundry-energy/posts", ["in", "bad", "no", "no", "no"]),
    ("post", "/c/{slug}/t/{id}/reply", "/c/foundry-energy/t/{thread}/reply", ["in", "bad", "no", "no", "no"]),
    ("post", "/c/{slug}/posts/{id}/flag", "/c/foundry-energy/posts/{thread}/flag", ["in", "bad", "no", "no", "no"]),
    ("post", "/c/{slug}/posts/{id}/edit", "/c/foundry-energy/posts/{pending}/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/queue/bulk", "/c/foundry-energy/queue/bulk", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/queue/{id}/claim", "/c/foundry-energy/queue/{pending}/claim", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/queue/{id}/decide", "/c/foundry-energy/queue/{pending}/decide", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/queue/{id}/flags", "/c/foundry-energy/queue/{pending}/flags", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/t/{id}/visibility", "/c/foundry-energy/t/{thread}/visibility", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/t/{id}/close", "/c/foundry-energy/t/{thread}/close", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/members/{user_id}", "/c/foundry-energy/members/{alice}", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/invite", "/c/foundry-energy/invite", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/members/{user_id}/mail", "/c/foundry-energy/members/{alice}/mail", ["in", "no", "no", "no", "no"]),
    ("post", "/admin/users/{id}/mail/restart", "/admin/users/{alice}/mail/restart", ["in", "no", "no", "no", "ok"]),
    ("post", "/c/{slug}/settings", "/c/foundry-energy/settings", ["in", "no", "no", "no", "bad"]),
    ("post", "/c/{slug}/digests", "/c/foundry-energy/digests", ["in", "no", "no", "no", "no"]),
    ("post", "/c/{slug}/digests/{id}", "/c/foundry-energy/digests/{digest}", ["in", "no", "no", "no", "no"]),
    ("post", "/unsubscribe/{token}/{slug}", "/unsubscribe/nope/foundry-energy", ["no", "no", "no", "no", "no"]),
    ("post", "/unsubscribe/{token}/{slug}/mode", "/unsubscribe/nope/foundry-energy/mode", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/mail/inbound", "/mail/inbound", ["no", "no", "no", "no", "no"]),
    ("post", "/mail/confirm/{token}", "/mail/confirm/nope", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/kb/new", "/kb/new?thread={thread}", ["in", "no", "no", "no", "bad"]),
    ("post", "/kb/{slug}/edit", "/kb/using-slag/edit", ["in", "no", "no", "no", "bad"]),
    ("post", "/kb/{slug}/rename", "/kb/using-slag/rename", ["in", "no", "no", "no", "bad"]),
    ("post", "/kb/{slug}/revisions/{n}/restore", "/kb/using-slag/revisions/1/restore", ["in", "no", "no", "no", "ok"]),
    ("post", "/kb/{slug}/withdraw", "/kb/using-slag/withdraw", ["in", "no", "no", "no", "bad"]),
    ("post", "/registry/import", "/registry/import", ["in", "no", "no", "bad", "no"]),
    ("post", "/registry/{kind}/new", "/registry/initiatives/new", ["in", "no", "no", "bad", "no"]),
    ("post", "/registry/{kind}/{slug}/edit", "/registry/initiatives/{record}/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/{kind}/{slug}/review/{n}", "/registry/initiatives/{record}/review/1", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/{kind}/{slug}/withdraw", "/registry/initiatives/{record}/withdraw", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/short-lists", "/registry/short-lists", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/clusters/{slug}/score-cards/new", "/registry/clusters/batala-foundry/score-cards/new", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/clusters/{slug}/score-cards/{id}/edit", "/registry/clusters/batala-foundry/score-cards/{card}/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/clusters/{slug}/score-cards/{id}/review", "/registry/clusters/batala-foundry/score-cards/{card}/review", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/agency-requests/new", "/registry/agency-requests/new", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/registry/agency-requests/{id}", "/registry/agency-requests/{agency_request}", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/agencies/{slug}/rate", "/registry/agencies/{agency}/rate", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/indicator-values/import", "/registry/indicator-values/import", ["in", "no", "no", "bad", "no"]),
    ("post", "/registry/initiatives/{slug}/indicators", "/registry/initiatives/{record}/indicators", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/clusters/{slug}/ratings", "/registry/clusters/samalkha-foundry/ratings", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/{kind}/{slug}/feedback", "/registry/initiatives/{record}/feedback", ["no", "no", "no", "no", "no"]),
    ("post", "/registry/feedback/{id}", "/registry/feedback/999999", ["in", "no", "no", "no", "no"]),
    // --- similar ---
    ("post", "/c/{slug}/check", "/c/foundry-energy/check", ["in", "bad", "no", "no", "no"]),
    ("post", "/c/{slug}/answered", "/c/foundry-energy/answered", ["in", "bad", "no", "no", "no"]),
    ("post", "/c/{slug}/queue/{id}/answered", "/c/foundry-energy/queue/{pending}/answered", ["in", "no", "no", "no", "no"]),
    ("get", "/admin/glossary", "/admin/glossary", ["in", "no", "no", "no", "ok"]),
    ("post", "/admin/glossary", "/admin/glossary", ["in", "no", "no", "no", "bad"]),
    ("post", "/admin/glossary/{id}", "/admin/glossary/1", ["in", "no", "no", "no", "bad"]),
    // Experts: the public directory, each member's own profile, the thread an asked expert
    // reads by their mail's token, and asking experts (moderators of the community only).
    ("get", "/experts", "/experts?theme=energy-efficiency", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/experts/profile", "/experts/profile", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/experts/asked/{id}/{token}", "/experts/asked/{thread}/1-00000000000000000000000000000000", ["no", "no", "no", "no", "no"]),
    ("post", "/experts/profile", "/experts/profile", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/experts/profile/delete", "/experts/profile/delete", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/c/{slug}/t/{id}/experts", "/c/foundry-energy/t/{thread}/experts", ["in", "no", "no", "no", "no"]),
    // --- outcomes ---
    ("get", "/kb/{slug}/outcome", "/kb/cutting-coke-use-in-cupola-furnaces/outcome", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/kb/{slug}/outcome", "/kb/cutting-coke-use-in-cupola-furnaces/outcome", ["in", "bad", "bad", "bad", "bad"]),
    ("get", "/kb/{slug}/field-reports", "/kb/cutting-coke-use-in-cupola-furnaces/field-reports", ["in", "no", "no", "no", "ok"]),
    ("post", "/kb/{slug}/field-reports", "/kb/cutting-coke-use-in-cupola-furnaces/field-reports", ["in", "no", "no", "no", "bad"]),
    ("get", "/registry/practices/{slug}/outcome", "/registry/practices/maitree-savings-group/outcome", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/registry/practices/{slug}/outcome", "/registry/practices/maitree-savings-group/outcome", ["in", "bad", "bad", "bad", "bad"]),
    ("get", "/registry/practices/{slug}/field-reports", "/registry/practices/maitree-savings-group/field-reports", ["in", "no", "no", "no", "no"]),
    ("get", "/outcomes/ask/{query}/{token}", "/outcomes/ask/{thread}/1-00000000000000000000000000000000?answer=worked", ["no", "no", "no", "no", "no"]),
    ("post", "/outcomes/ask/{query}/{token}", "/outcomes/ask/{thread}/1-00000000000000000000000000000000", ["no", "no", "no", "no", "no"]),
    // The funding clearing house: public lists and pages, members post, focal points review,
    // the national focal point alone sees the national picture.
    ("get", "/registry/funding", "/registry/funding", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/funding/national", "/registry/funding/national", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/funding/{list}", "/registry/funding/offers.csv", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/funding/{list}/new", "/registry/funding/proposals/new", ["in", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/funding/{list}/{id}", "/registry/funding/offers/999999", ["no", "no", "no", "no", "no"]),
    ("post", "/registry/funding/{list}/new", "/registry/funding/offers/new", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/registry/funding/{list}/{id}/review", "/registry/funding/offers/999999/review", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/funding/{list}/{id}/edit", "/registry/funding/offers/999999/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/funding/{list}/{id}/edit", "/registry/funding/proposals/999999/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/funding/{list}/{id}/close", "/registry/funding/offers/999999/close", ["in", "no", "no", "no", "no"]),
    // --- levels ---
    ("post", "/registry/{kind}/{slug}/review/{n}/notes", "/registry/initiatives/{record}/review/1/notes", ["in", "no", "no", "no", "no"]),
    // --- awards --- (no cycle exists in the fixtures: a cycle's routes are 404 to all)
    ("get", "/registry/awards", "/registry/awards", ["ok", "ok", "ok", "ok", "ok"]),
    ("get", "/registry/awards/new", "/registry/awards/new", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/awards/new", "/registry/awards/new", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}", "/registry/awards/999999", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/nominate", "/registry/awards/999999/nominate", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/awards/{id}/nominate", "/registry/awards/999999/nominate", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/awards/{id}/publish", "/registry/awards/999999/publish", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/results", "/registry/awards/999999/results", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/results.csv", "/registry/awards/999999/results.csv", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/results.json", "/registry/awards/999999/results.json", ["no", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/nominations/{nid}", "/registry/awards/999999/nominations/1", ["no", "no", "no", "no", "no"]),
    ("post", "/registry/awards/{id}/nominations/{nid}/score", "/registry/awards/999999/nominations/1/score", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/awards/{id}/nominations/{nid}/conflict", "/registry/awards/999999/nominations/1/conflict", ["in", "no", "no", "no", "no"]),
    // --- facilitator --- (no one in the fixtures holds the role: an administrator is not a
    // facilitator until granted; a claim link is checked before anything else)
    ("get", "/facilitator", "/facilitator", ["in", "no", "no", "no", "no"]),
    ("post", "/facilitator/owners/{id}/claim-code", "/facilitator/owners/999999/claim-code", ["in", "no", "no", "no", "no"]),
    ("get", "/claim/{code}", "/claim/nope", ["bad", "bad", "bad", "bad", "bad"]),
    ("post", "/claim/{code}", "/claim/nope", ["in", "bad", "bad", "bad", "bad"]),
    ("post", "/registry/awards/{id}/nominations/{nid}/withdraw", "/registry/awards/999999/nominations/1/withdraw", ["in", "no", "no", "no", "no"]),
    ("get", "/registry/awards/{id}/edit", "/registry/awards/999999/edit", ["in", "no", "no", "no", "no"]),
    ("post", "/registry/awards/{id}/edit", "/registry/awards/999999/edit", ["in", "no", "no", "no", "no"]),
    // Last: signing out ends the sessions the rows above used.
    ("post", "/logout-everywhere", "/logout-everywhere", ["in", "ok", "ok", "ok", "ok"]),
    ("post", "/logout", "/logout", ["ok", "ok", "ok", "ok", "ok"]),
];

/// Forms that take files.
const MULTIPART: &[&str] = &["/c/{slug}/posts", "/c/{slug}/check", "/c/{slug}/t/{id}/reply", "/registry/import", "/registry/indicator-values/import"];

/// Every route the portal registers, read from the source, as "method pattern".
fn registered_routes() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
    let route = regex::Regex::new(r#"\.route\(\s*"([^"]+)",\s*web::(get|post|put|delete|patch)\(\)"#).unwrap();
    let resource = regex::Regex::new(r#"web::resource\("([^"]+)"\)(?s:.*?)\.route\(web::(get|post)\(\)"#).unwrap();
    let mut all = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for c in route.captures_iter(&text).chain(resource.captures_iter(&text)) {
            all.insert(format!("{} {}", &c[2], &c[1]));
        }
    }
    all
}

#[test]
fn the_table_names_every_route() {
    let routes = registered_routes();
    assert!(routes.len() > 90, "the route reader found {} routes", routes.len());
    let tabled: BTreeSet<String> = TABLE.iter().map(|(m, p, _, _)| format!("{m} {p}")).collect();
    let missing: Vec<_> = routes.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&routes).collect();
    assert!(missing.is_empty(), "routes without a row in the table: {missing:?}");
    assert!(stale.is_empty(), "rows for routes that do not exist: {stale:?}");
}

struct Fixtures {
    app: TestApp,
    clients: Vec<Client>,
    ids: Vec<(&'static str, String)>,
}

fn fixtures() -> Fixtures {
    let w = world_with(&[]);
    let haryana = w.app.member("hr@example.org", PW, "Harish Haryana");
    let gujarat = w.app.member("gj@example.org", PW, "Gita Gujarat");
    w.app.grant_focal_point(&w.admin, "hr@example.org", "Haryana");
    w.app.grant_focal_point(&w.admin, "gj@example.org", "Gujarat");
    // A thread with a file, a post waiting in the queue, a digest and a draft page.
    let pdf: &[u8] = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let r = w.alice.post_multipart(&format!("/c/{}/posts", w.slug), &[("title", "Cupola drawings"), ("body", "Attached."), ("themes", "energy-efficiency")], &[("files", "cupola.pdf", pdf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let thread = common::world::id_from(&r);
    decide(&w, &w.moderator, thread, &[("action", "approve")]);
    let pending = ask(&w, &w.bob, "Waiting in the queue", "Pending text");
    let file = {
        let mut conn = w.app.db();
        solex::models::attachment::for_posts(&mut conn, &[thread]).unwrap()[0].id
    };
    let r = w.moderator.post(&format!("/c/{}/digests", w.slug), &[("audience", "daily")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let digest = r.location.unwrap().rsplit('/').next().unwrap().to_string();
    let r = w.moderator.submit(&format!("/kb/new?thread={thread}"), &format!("/kb/new?thread={thread}"), &[
        ("title", "Using slag"), ("slug", "using-slag"), ("problem", "Slag piles up."), ("solution", "Sell it."),
        ("themes", "solid-waste"), ("themes", "energy-efficiency"), ("language", "en"),
    ]);
    assert_eq!(r.status, 303, "{}", r.body);
    // A Gujarat initiative submitted for review.
    let r = gujarat.submit("/registry/initiatives/new", "/registry/initiatives/new", &[
        ("slug", "rajkot-foundry-audits"), ("title", "Energy audits for Rajkot foundries"), ("state", "Gujarat"), ("district", "Rajkot"),
        ("sector", "Metal and foundry"), ("start_year", "2024"), ("stage", "implementation"), ("see_issues", "energy"), ("action", "submit"),
    ]);
    assert!(r.status == 303, "{} {}", r.status, r.body);
    // The shipped, approved score card of a Punjab cluster (no role in the table keeps Punjab).
    let card = {
        let mut conn = w.app.db();
        let cluster = solex::models::registry::find_by_slug(&mut conn, "cluster", "batala-foundry").unwrap().expect("seeded cluster");
        solex::models::score_card::of_cluster(&mut conn, cluster.id).unwrap()[0].id
    };
    // A published Gujarat agency (rated only by Gujarat's and the national focal points), and
    // alice's request to register another, which only Gujarat's focal point decides.
    {
        let mut conn = w.app.db();
        let csv = "slug,name,agency_type,state\ngujarat-cluster-agency,Gujarat Cluster Agency,MSME association,Gujarat\n";
        solex::services::registry::import::import(&mut conn, solex::services::registry::import::Importer::Seed, solex::services::registry::Kind::Agency, csv, false).unwrap();
    }
    let r = w.alice.submit("/registry/agency-requests/new", "/registry/agency-requests/new", &[("name", "Rajkot Engineering Association"), ("agency_type", "MSME association"), ("state", "Gujarat")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let agency_request = {
        let mut conn = w.app.db();
        solex::models::agency_rating::requests_by(&mut conn, w.app.user_id("alice@example.org")).unwrap()[0].id.to_string()
    };
    let alice = w.app.user_id("alice@example.org").to_string();
    let ids = vec![
        ("{alice}", alice),
        ("{thread}", thread.to_string()),
        ("{pending}", pending.to_string()),
        ("{file}", file.to_string()),
        ("{digest}", digest),
        ("{record}", "rajkot-foundry-audits".to_string()),
        ("{card}", card.to_string()),
        ("{agency}", "gujarat-cluster-agency".to_string()),
        ("{agency_request}", agency_request),
    ];
    let clients = vec![w.app.client(), w.alice.clone(), w.other_moderator.clone(), haryana, w.admin.clone()];
    let app = w.app;
    Fixtures { app, clients, ids }
}

#[test]
fn every_route_against_every_role() {
    let f = fixtures();
    let mut wrong = Vec::new();
    let mut actual_rows = Vec::new();
    for (method, pattern, path, expected) in TABLE {
        let mut path = path.to_string();
        for (k, v) in &f.ids {
            path = path.replace(k, v);
        }
        let mut got = Vec::new();
        for (i, c) in f.clients.iter().enumerate() {
            let r = match *method {
                "get" => c.get(&path),
                _ if MULTIPART.contains(pattern) => c.post_multipart(&path, &[], &[]),
                _ => c.post(&path, &[]),
            };
            let o = outcome(&r);
            if o != expected[i] {
                wrong.push(format!("{method} {path} as {}: expected {}, got {} ({})", ROLES[i], expected[i], o, r.status));
            }
            got.push(format!("\"{o}\""));
        }
        actual_rows.push(format!("    (\"{method}\", \"{pattern}\", \"{}\", [{}]),", path, got.join(", ")));
    }
    if std::env::var("SOLEX_PRINT_ROUTE_TABLE").is_ok() {
        println!("{}", actual_rows.join("\n"));
    }
    assert!(wrong.is_empty(), "{} cells differ:\n{}", wrong.len(), wrong.join("\n"));
    drop(f.app);
}

#[test]
fn uploads_are_judged_by_their_bytes_and_served_so_they_cannot_run() {
    let w = world_with(&[]);
    let path = format!("/c/{}/posts", w.slug);
    let html: &[u8] = b"<!doctype html><script>alert(1)</script>";
    let svg: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    for (name, bytes, message) in [
        ("photo.png", html, "does not match its type"),
        ("photo.png", svg, "does not match its type"),
        ("drawing.svg", svg, "only PDF, images"),
        ("page.html", png, "only PDF, images"),
        ("report.pdf.html", b"%PDF-1.4\n" as &[u8], "only PDF, images"),
        ("report.PDF", html, "does not match its type"),
    ] {
        let r = w.alice.post_multipart(&path, &[("title", "With a file"), ("body", "See attached")], &[("files", name, bytes)]);
        assert_eq!(r.status, 400, "{name}");
        assert!(r.body.contains(message), "{name}: {}", r.body);
    }
    // A GIF that is also script text is a GIF: it may be attached, but it is served as an
    // image the browser must not sniff, in a sandbox, and never framed.
    let polyglot: &[u8] = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//;";
    let r = w.alice.post_multipart(&path, &[("title", "Polyglot"), ("body", "b")], &[("files", "x.gif", polyglot)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id = common::world::id_from(&r);
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let file = {
        let mut conn = w.app.db();
        solex::models::attachment::for_posts(&mut conn, &[id]).unwrap()[0].id
    };
    let r = w.bob.get(&format!("/files/{file}/x.gif"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("image/gif"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("sandbox") && csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");

    // The registry's CSV import refuses what is not UTF-8 text, saying so, and imports nothing.
    let haryana = w.app.member("hr@example.org", PW, "Harish Haryana");
    w.app.grant_focal_point(&w.admin, "hr@example.org", "Haryana");
    let utf16: Vec<u8> = "slug,title\r\nx,y\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let count = || {
        use diesel::prelude::*;
        let mut conn = w.app.db();
        solex::db::schema::registry_records::table.count().get_result::<i64>(&mut *conn).unwrap()
    };
    let before = count();
    for (name, bytes) in [("initiatives.csv", png.to_vec()), ("initiatives.csv", utf16), ("initiatives.xlsx", b"PK\x03\x04rest".to_vec())] {
        let r = haryana.post_multipart("/registry/import", &[("kind", "initiatives"), ("mode", "import")], &[("file", name, &bytes)]);
        assert_eq!(r.status, 400, "{name}: {}", r.body);
        assert!(r.body.contains("UTF-8") || r.body.contains("CSV"), "{name}: the reason is given: {}", r.body);
    }
    assert_eq!(count(), before, "nothing was imported");
}

#[test]
fn a_session_planted_before_sign_in_is_never_the_one_after() {
    let app = TestApp::start();
    app.member("m@example.org", PW, "M");
    let c = app.client();
    // A well-formed token an attacker chose, planted in the victim's browser.
    let planted = "a".repeat(64);
    let r = c.get_with("/login", &[("Cookie", &format!("solex_session={planted}"))]);
    assert_eq!(r.status, 200);
    let r = c.sign_in("m@example.org", PW);
    assert_eq!(r.status, 303);
    let session = c.cookie("solex_session").expect("a session cookie");
    assert_ne!(session, planted);
    let attacker = app.client();
    let r = attacker.get_with("/dashboard", &[("Cookie", &format!("solex_session={planted}"))]);
    assert_eq!(r.status, 303, "the planted token opens nothing");
    // After signing out, the old token is dead on the server, not just removed from the browser.
    let old = session.clone();
    assert_eq!(c.post("/logout", &[]).status, 303);
    let r = attacker.get_with("/dashboard", &[("Cookie", &format!("solex_session={old}"))]);
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().starts_with("/login"));
}

#[test]
fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::start_with(|c| c.secure_cookies = Some(true));
    let c = app.client();
    for path in ["/", "/kb/cutting-coke-use-in-cupola-furnaces", "/api/search?q=coke", "/static/style.css", "/no-such-page", "/sitemap.xml", "/kb/feed.atom", "/registry/initiatives.csv", "/healthz"] {
        // Twice: the second answer of a public page comes from the page cache.
        for _ in 0..2 {
            let r = c.get(path);
            let csp = r.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
            assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{path}: {csp}");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("default-src 'self'") || csp.contains("default-src 'none'"), "{path}: {csp}");
            if csp.contains("default-src 'self'") {
                assert!(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"), "{path}: {csp}");
            }
            assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
            assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{path}");
            let hsts = r.header("strict-transport-security").unwrap_or_else(|| panic!("{path}: no HSTS"));
            assert!(hsts.contains("max-age=31536000") && hsts.contains("includeSubDomains"), "{path}: {hsts}");
            assert!(r.header("access-control-allow-origin").is_none_or(|v| v == "*") , "{path}");
        }
    }
    for cookie in c.get("/login").headers_named("set-cookie") {
        assert!(cookie.starts_with("__Host-") && cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    }
}

#[test]
fn a_session_ends_when_left_idle_and_at_its_absolute_lifetime() {
    use diesel::prelude::*;
    let app = TestApp::start();
    let c = app.member("idle@example.org", PW, "Idle");
    assert_eq!(c.get("/dashboard").status, 200);
    let idle = solex::models::now() - chrono::Duration::days(solex::services::accounts::SESSION_IDLE_DAYS + 1);
    {
        use solex::db::schema::sessions::dsl;
        let mut conn = app.db();
        diesel::update(dsl::sessions).set(dsl::last_seen_at.eq(idle)).execute(&mut *conn).unwrap();
    }
    // Pages that only read may use the session as it was read a few seconds ago (kept until
    // any write or its age limit); this edit is no write through the portal, so it is seen
    // within that age limit.
    common::process::wait_for("the idle session to be refused", 15, || c.get("/dashboard").status == 303);
    assert!(c.get("/dashboard").location.unwrap().starts_with("/login"));
    let mut conn = app.db();
    let left: i64 = solex::db::schema::sessions::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(left, 0, "the idle session is deleted, not just ignored");
    drop(conn);

    // A session in daily use still ends at its absolute lifetime.
    assert_eq!(c.sign_in("idle@example.org", PW).status, 303);
    {
        use solex::db::schema::sessions::dsl;
        let mut conn = app.db();
        diesel::update(dsl::sessions).set(dsl::expires_at.eq(solex::models::now() - chrono::Duration::minutes(1))).execute(&mut *conn).unwrap();
    }
    common::process::wait_for("the expired session to be refused", 15, || c.get("/dashboard").status == 303);
}

#[test]
fn password_fields_are_masked_and_passwords_kept_exactly_as_typed() {
    let app = TestApp::start();
    let c = app.client();
    for (path, autocomplete) in [("/login", "current-password"), ("/register", "new-password"), ("/password/reset?token=x", "new-password")] {
        let page = c.get(path).body;
        if path.starts_with("/password/reset") && !page.contains("name=\"password\"") {
            continue; // an unknown link shows no form
        }
        let field = page.split("<input").find(|i| i.contains("name=\"password\"")).unwrap_or_else(|| panic!("{path}: no password field"));
        assert!(field.contains("type=\"password\"") && field.contains(&format!("autocomplete=\"{autocomplete}\"")), "{path}: {field}");
    }
    // Spaces and case are part of the password; long passphrases work.
    let spaced = "  Howrah Foundry Cluster  ";
    app.member("spaces@example.org", spaced, "Spaces");
    assert_eq!(app.client().sign_in("spaces@example.org", spaced.trim()).status, 400);
    assert_eq!(app.client().sign_in("spaces@example.org", &spaced.to_lowercase()).status, 400);
    assert_eq!(app.client().sign_in("spaces@example.org", spaced).status, 303);
    let long = "cupola ".repeat(36);
    app.member("long@example.org", &long, "Long");
    assert_eq!(app.client().sign_in("long@example.org", &long).status, 303);
}

#[test]
fn sql_and_query_syntax_in_input_stays_data() {
    let app = TestApp::start();
    let c = app.client();
    // Links to records, not the kind's feed in the page's head.
    let records = |body: &str| body.matches("href=\"/registry/initiatives/").count() - body.matches("href=\"/registry/initiatives/feed.atom\"").count();
    let total = records(&c.get("/registry/initiatives").body);
    assert!(total > 0, "the demo initiatives are listed");
    for q in ["' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE users; --", "%' OR '%'='", "\\' UNION SELECT * FROM sessions --"] {
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let r = c.get(&format!("/registry/initiatives?state={enc}&q={enc}"));
        assert!(r.status == 200 || r.status == 400, "{q}: {}", r.status);
        assert_eq!(records(&r.body), 0, "{q} matches no initiative");
        let r = c.get(&format!("/api/search?q={enc}"));
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        let r = c.get(&format!("/kb/{enc}"));
        assert_eq!(r.status, 404, "{q}");
        let r = c.submit("/login", "/login", &[("email", q), ("password", q)]);
        assert_eq!(r.status, 400, "{q}");
    }
    let mut conn = app.db();
    assert_eq!(solex::models::user::count(&mut conn).unwrap(), 0, "the users table is still there, and empty");
}

#[test]
fn the_asvs_table_names_only_tests_that_exist() {
    let root = env!("CARGO_MANIFEST_DIR");
    let table = std::fs::read_to_string(format!("{root}/tests/ASVS.md")).unwrap();
    let reference = regex::Regex::new(r"(src/[a-z_/]+|[a-z_]+\.rs)::([a-z_:]+)").unwrap();
    let mut checked = 0;
    for c in reference.captures_iter(&table) {
        let (place, path) = (&c[1], &c[2]);
        let name = path.rsplit("::").next().unwrap();
        let text = if let Some(module) = place.strip_prefix("src/") {
            std::fs::read_to_string(format!("{root}/src/{module}.rs")).or_else(|_| std::fs::read_to_string(format!("{root}/src/{module}/mod.rs")))
        } else {
            std::fs::read_to_string(format!("{root}/tests/{place}"))
        }
        .unwrap_or_else(|_| panic!("{place} does not exist"));
        assert!(text.contains(&format!("fn {name}()")), "{place}::{path} is not a test");
        checked += 1;
    }
    assert!(checked > 60, "only {checked} references found");
}
