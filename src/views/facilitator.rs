//! Posting on someone's behalf: the form part a facilitator fills in, the "posted by X for Y"
//! line, the facilitator's page of people they post for, and the owner's claim page.

use maud::{html, Markup};

use super::dates::{day_text, when};
use super::{csrf_field, input, layout, select, textarea, Ctx, Field};
use crate::error::FieldErrors;
use crate::models::represented_owner::Owner;
use crate::paths;
use crate::services::facilitation::{BehalfInput, ClaimView, ForOwner, OwnerRow, CONSENT_STATEMENT};

/// "I am posting this for someone else": shown only to facilitators (`offer` is their owners).
pub fn behalf_fields(ctx: &Ctx, b: &BehalfInput, offer: Option<&[Owner]>, errors: &FieldErrors) -> Markup {
    let Some(owners) = offer else { return html! {} };
    let t = ctx.t();
    let owner_options: Vec<(String, String)> = std::iter::once((String::new(), t.get("facilitator-owner-new").to_string()))
        .chain(owners.iter().map(|o| (o.id.to_string(), format!("{} ({})", o.name, o.place))))
        .collect();
    let consent_error = errors.get("owner_consent").map(|m| t.msg(m));
    html! {
        fieldset.behalf {
            legend { (t.get("facilitator-behalf-legend")) }
            p.hint { (t.get("facilitator-behalf-hint")) }
            div.field { label.check { input type="checkbox" name="behalf" value="yes" checked[b.for_other]; " " (t.get("facilitator-behalf-check")) } }
            @if !owners.is_empty() { (select(ctx, "owner", t.get("facilitator-owner-choose"), &owner_options, &b.owner, errors)) }
            (input(ctx, Field::new("owner_name", t.get("facilitator-field-name"), &b.name), errors))
            (input(ctx, Field::new("owner_place", t.get("facilitator-field-place"), &b.place), errors))
            (select(ctx, "owner_state", t.get("facilitator-field-state"), &super::state_options(t), &b.state, errors))
            (input(ctx, Field::new("owner_phone", t.get("facilitator-field-phone"), &b.phone).kind("tel").hint(t.get("facilitator-contact-hint")), errors))
            (textarea(ctx, "owner_address", t.get("facilitator-field-address"), &b.address, None, 3, errors))
            h3 { (t.get("facilitator-consent-heading")) }
            // Shown in full in both languages: this is the text stored as confirmed.
            @for (i, part) in CONSENT_STATEMENT.split("\n\n").enumerate() {
                blockquote.consent lang=(if i == 0 { "en" } else { "hi" }) { p { (part) } }
            }
            div.field.has-error[consent_error.is_some()] {
                @if let Some(e) = &consent_error { p.error id="owner_consent-error" { (e) } }
                label.check { input #owner_consent type="checkbox" name="owner_consent" value="yes" checked[b.consent] aria-invalid=[consent_error.as_ref().map(|_| "true")]; " " (t.get("facilitator-consent-check")) }
            }
        }
    }
}

/// The one wording of a post's author line for a unit owner, on pages and in mail: "Posted by
/// X for Y (place)", or after the owner claimed it "Y (posted for them by X)".
pub fn posted_for(t: &'static super::Strings, facilitator: &str, owner: &str, place: &str, claimed: bool) -> String {
    let (facilitator, owner) = (super::author_name(t, facilitator), super::author_name(t, owner));
    if claimed {
        t.fmt("facilitator-posted-for-claimed", &[("owner", owner.into()), ("facilitator", facilitator.into())])
    } else {
        t.fmt("facilitator-posted-for", &[("facilitator", facilitator.into()), ("owner", owner.into()), ("place", place.into())])
    }
}

/// "Posted by X for Y (place)", or after a claim "posted for Y by X"; the contact when this
/// reader may see it.
pub fn for_line(ctx: &Ctx, f: &ForOwner) -> Markup {
    let t = ctx.t();
    let line = posted_for(t, &f.facilitator, &f.name, &place_of(ctx, f), f.claimed);
    html! {
        p.meta.behalf { (line) }
        @if let Some((phone, address)) = &f.contact {
            @if !phone.is_empty() || !address.is_empty() {
                p.note.owner-contact {
                    (t.get("facilitator-contact")) " "
                    @if !phone.is_empty() { (phone) }
                    @if !phone.is_empty() && !address.is_empty() { " · " }
                    @if !address.is_empty() { (address) }
                }
            }
        }
    }
}

fn place_of(ctx: &Ctx, f: &ForOwner) -> String {
    let state = crate::vocab::state_label(&f.state, ctx.lang == super::Lang::Hi);
    match (f.place.is_empty(), state.is_empty()) {
        (false, false) => format!("{}, {state}", f.place),
        (false, true) => f.place.clone(),
        _ => state.to_string(),
    }
}

/// The facilitator's page; `issued` is a claim code just made (owner id, absolute link), shown once.
pub fn page(ctx: &Ctx, rows: &[OwnerRow], issued: Option<(i64, &str)>) -> Markup {
    let t = ctx.t();
    let title = t.get("facilitator-page-title");
    layout(ctx, title, html! {
        h1 { (title) }
        p { (t.get("facilitator-page-intro")) }
        @if rows.is_empty() { p { (t.get("facilitator-none")) } }
        @for r in rows {
            section.owner #{ "owner-" (r.owner.id) } {
                h2 { (super::author_name(t, &r.owner.name)) @if !r.owner.place.is_empty() { " (" (r.owner.place) ")" } }
                @if !r.owner.phone.is_empty() || !r.owner.postal_address.is_empty() {
                    p.note { (t.get("facilitator-contact")) " " (r.owner.phone) @if !r.owner.phone.is_empty() && !r.owner.postal_address.is_empty() { " · " } (r.owner.postal_address) }
                }
                p.meta { (t.get("facilitator-consented")) " " (when(ctx, &r.owner.consented_at)) }
                ul {
                    @for (p, slug) in &r.posts {
                        li {
                            a href=(paths::post(slug, p.root_id(), p.id)) { (if p.title.is_empty() { t.reply_heading } else { p.title.as_str() }) }
                            " · " (super::communities::status_label(t, p.status))
                        }
                    }
                }
                @if r.owner.is_claimed() {
                    p { strong { (t.get("facilitator-claimed")) } }
                } @else {
                    @if let Some((_, link)) = issued.filter(|(id, _)| *id == r.owner.id) {
                        div.notice role="status" {
                            p { (t.fmt("facilitator-claim-issued", &[("owner", r.owner.name.as_str().into())])) }
                            p { code.claim-link { (link) } }
                            @if let Some(at) = r.owner.claim_expires_at { p { (t.fmt("facilitator-claim-expires", &[("date", day_text(ctx.lang, at.date()).into())])) } }
                        }
                    } @else if let Some(at) = r.owner.claim_expires_at {
                        p.meta { (t.fmt("facilitator-claim-expires", &[("date", day_text(ctx.lang, at.date()).into())])) }
                    }
                    form method="post" action=(paths::claim_code(r.owner.id)) {
                        (csrf_field(ctx))
                        button.secondary type="submit" { (if r.owner.claim_expires_at.is_some() { t.get("facilitator-claim-again") } else { t.get("facilitator-claim-button") }) }
                    }
                }
            }
        }
    })
}

/// The owner's claim page: whose posts, then sign in (or create an account) or confirm.
pub fn claim(ctx: &Ctx, code: &str, v: &ClaimView, signed_in: bool) -> Markup {
    let t = ctx.t();
    let title = t.get("facilitator-claim-title");
    let here = paths::claim(code);
    layout(ctx, title, html! {
        h1 { (title) }
        p { (t.fmt("facilitator-claim-intro", &[("facilitator", super::author_name(t, &v.facilitator).into()), ("count", (v.posts as i64).into()), ("owner", v.owner_name.as_str().into()), ("place", v.place.as_str().into())])) }
        @if signed_in {
            form method="post" action=(here) {
                (csrf_field(ctx))
                button type="submit" { (t.get("facilitator-claim-confirm")) }
            }
        } @else {
            p { (t.get("facilitator-claim-sign-in")) }
            p { a.button href={ "/login?next=" (super::urlencode(&here)) } { (t.nav_sign_in) } " " a href="/register" { (t.get("facilitator-claim-register")) } }
        }
    })
}
