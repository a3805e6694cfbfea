//! Bodies of the account mails, plain text and HTML, in the member's language.

use maud::{html, PreEscaped, DOCTYPE};

pub struct MailBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn build(subject: &str, greeting: &str, lines: &[&str], link: &str, action: &str, footer: &str) -> MailBody {
    let mut text = format!("{greeting}\n\n");
    for l in lines {
        text.push_str(l);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{link}\n\n-- \n{footer}\n"));
    let html = html! {
        (DOCTYPE)
        html {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif; line-height: 1.5; max-width: 36em" {
                p { (greeting) }
                @for l in lines { p { (l) } }
                p { a href=(link) { (action) } }
                p style="color:#555; font-size: 0.9em" { (link) }
                hr;
                p style="color:#555; font-size: 0.9em" { (footer) }
            }
        }
    }
    .into_string();
    MailBody { subject: subject.to_string(), text, html }
}

pub fn verify_email(lang: &str, name: &str, link: &str) -> MailBody {
    if lang == "hi" {
        let g = format!("नमस्ते {name},");
        build(
            "solex: अपना ईमेल पता पक्का करें",
            &g,
            &["solex से जुड़ने के लिए धन्यवाद। अपना ईमेल पता पक्का करने के लिए नीचे दिया लिंक खोलें। यह 48 घंटे तक काम करेगा।", "यदि आपने solex पर खाता नहीं बनाया, तो इस ईमेल को अनदेखा करें।"],
            link,
            "ईमेल पता पक्का करें",
            "solex — एमएसएमई क्लस्टर विकास के लिए ज्ञान का आदान-प्रदान",
        )
    } else {
        let g = format!("Hello {name},");
        build(
            "solex: confirm your email address",
            &g,
            &["Thank you for joining solex. Open the link below to confirm your email address. It works for 48 hours.", "If you did not create an account on solex, ignore this message."],
            link,
            "Confirm my email address",
            "solex — knowledge exchange for MSME cluster development",
        )
    }
}

pub fn reset_password(lang: &str, name: &str, link: &str) -> MailBody {
    if lang == "hi" {
        let g = format!("नमस्ते {name},");
        build(
            "solex: नया पासवर्ड चुनें",
            &g,
            &["किसी ने आपके solex खाते का पासवर्ड बदलने का अनुरोध किया है। नया पासवर्ड चुनने के लिए नीचे दिया लिंक खोलें। यह 2 घंटे तक और केवल एक बार काम करेगा।", "यदि यह अनुरोध आपने नहीं किया, तो इस ईमेल को अनदेखा करें; आपका पासवर्ड नहीं बदलेगा।"],
            link,
            "नया पासवर्ड चुनें",
            "solex — एमएसएमई क्लस्टर विकास के लिए ज्ञान का आदान-प्रदान",
        )
    } else {
        let g = format!("Hello {name},");
        build(
            "solex: choose a new password",
            &g,
            &["Someone asked to reset the password of your solex account. Open the link below to choose a new one. It works once, for 2 hours.", "If you did not ask for this, ignore this message; your password stays as it is."],
            link,
            "Choose a new password",
            "solex — knowledge exchange for MSME cluster development",
        )
    }
}

/// A message came by mail in the member's name without their personal reply address: ask them,
/// at their own address, whether they sent it.
pub fn confirm_held(lang: &str, name: &str, community: &str, link: &str) -> MailBody {
    let first_hi = format!("«{community}» के लिए आपके नाम से एक ईमेल संदेश आया, पर आपके निजी उत्तर-पते से नहीं। इसलिए हमने उसे रोक रखा है; वह प्रकाशित नहीं हुआ।");
    let first_en = format!("A message for “{community}” came by mail in your name, but not through your personal reply address, so we are holding it. It has not been posted.");
    in_language(
        lang,
        name,
        link,
        Words {
            subject: "solex: did you send this message?",
            lines: &[&first_en, "If you sent it, open the link below to see it and send it to the moderators. The link works once, for 48 hours.", "If you did not send it, ignore this mail; nothing will be posted."],
            action: "See the message",
        },
        Words {
            subject: "solex: क्या यह संदेश आपने भेजा?",
            lines: &[&first_hi, "यदि आपने भेजा था, तो नीचे दिया लिंक खोलें, संदेश देखें और उसे मॉडरेटर को भेजें। लिंक 48 घंटे तक और केवल एक बार काम करेगा।", "यदि आपने नहीं भेजा, तो इस ईमेल को अनदेखा करें; कुछ भी प्रकाशित नहीं होगा।"],
            action: "संदेश देखें",
        },
    )
}

/// One account mail's words in one language.
struct Words<'a> {
    subject: &'a str,
    lines: &'a [&'a str],
    action: &'a str,
}

/// An account mail in the member's language, with the usual greeting and footer.
fn in_language(lang: &str, name: &str, link: &str, en: Words, hi: Words) -> MailBody {
    if lang == "hi" {
        build(hi.subject, &format!("नमस्ते {name},"), hi.lines, link, hi.action, "solex — एमएसएमई क्लस्टर विकास के लिए ज्ञान का आदान-प्रदान")
    } else {
        build(en.subject, &format!("Hello {name},"), en.lines, link, en.action, "solex — knowledge exchange for MSME cluster development")
    }
}

/// To the owner of an address someone tried to register again: the form answers everyone alike.
pub fn already_registered(lang: &str, name: &str, link: &str) -> MailBody {
    in_language(
        lang,
        name,
        link,
        Words {
            subject: "solex: someone tried to register with your address",
            lines: &["Someone tried to open a new solex account with your email address. You already have an account, so nothing changed.", "If that was you, sign in, or reset your password with the link below. If not, you can ignore this message."],
            action: "Reset your password",
        },
        Words {
            subject: "solex: आपके पते से खाता बनाने का प्रयास",
            lines: &["किसी ने आपके ईमेल पते से नया solex खाता बनाने का प्रयास किया। इस पते का खाता पहले से है, इसलिए कुछ नहीं बदला।", "यदि वह आप थे, तो साइन इन करें, या नीचे दिए लिंक से अपना पासवर्ड बदलें। यदि नहीं, तो इस ईमेल को अनदेखा करें।"],
            action: "पासवर्ड बदलें",
        },
    )
}

/// To the owner after the password of their account changed.
pub fn password_changed(lang: &str, name: &str, link: &str) -> MailBody {
    in_language(
        lang,
        name,
        link,
        Words {
            subject: "solex: your password was changed",
            lines: &["The password of your solex account was just changed, and every other device was signed out.", "If you did not do this, choose a new password at once with the link below and tell an administrator."],
            action: "Choose a new password",
        },
        Words {
            subject: "solex: आपका पासवर्ड बदल गया",
            lines: &["आपके solex खाते का पासवर्ड अभी बदला गया है, और दूसरे सभी उपकरणों से साइन आउट कर दिया गया है।", "यदि यह आपने नहीं किया, तो तुरंत नीचे दिए लिंक से नया पासवर्ड चुनें और प्रशासक को बताएँ।"],
            action: "नया पासवर्ड चुनें",
        },
    )
}

/// The chrome of list mail: the body, then how to reply, change delivery or unsubscribe.
pub struct ListFooter<'a> {
    pub lang: &'a str,
    pub community: &'a str,
    pub web_url: &'a str,
    pub settings_url: &'a str,
    pub unsubscribe_url: &'a str,
    pub reply: ReplyHint,
}

/// What replying to a list mail does, as its footer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyHint {
    /// A reply answers the thread (through the moderators).
    Thread,
    /// Each item has its own reply address; a reply to the whole mail opens a new query.
    Digest,
}

fn footer_lines(f: &ListFooter) -> (String, String) {
    let t = crate::views::Lang::from_code(f.lang).unwrap_or(crate::views::Lang::En).strings();
    let mut text = String::from("\n-- \n");
    let hint = match f.reply {
        ReplyHint::Thread => t.mail_reply_hint.to_string(),
        ReplyHint::Digest => t.fmt("mail-digest-reply-hint", &[]),
    };
    text.push_str(&hint);
    text.push('\n');
    text.push_str(&format!("{}: {}\n{}: {}\n{}: {}\n", t.mail_on_the_web, f.web_url, t.mail_delivery, f.settings_url, t.mail_unsubscribe, f.unsubscribe_url));
    let html = html! {
        hr;
        p style="color:#555;font-size:0.9em" {
            (hint) br;
            a href=(f.web_url) { (t.mail_on_the_web) } " · "
            a href=(f.settings_url) { (t.mail_delivery) } " · "
            a href=(f.unsubscribe_url) { (t.mail_unsubscribe) }
            br; (f.community) " · solex"
        }
    }
    .into_string();
    (text, html)
}

/// Wraps a body (text and trusted HTML fragment) with the list footer.
pub fn list_mail(subject: String, text_core: &str, html_core: &str, footer: &ListFooter) -> MailBody {
    let (ftext, fhtml) = footer_lines(footer);
    let text = format!("{text_core}\n{ftext}");
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">{html_core}{fhtml}</body></html>",
        if footer.lang == "hi" { "hi" } else { "en" },
        html! { (subject) }.into_string(),
    );
    MailBody { subject, text, html }
}

/// The author line of a post written for a unit owner: "X for Y (place)", or after the owner
/// claimed it "Y (posted for them by X)".
pub fn behalf_author(lang: &str, facilitator: &str, owner: &str, place: &str, claimed: bool) -> String {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    super::facilitator::posted_for(t, facilitator, owner, place, claimed)
}

/// The line that tells a facilitator a reply is for the owner they posted for, to pass on.
pub fn pass_on(lang: &str, owner: &str, place: &str) -> (String, String) {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let line = t.fmt("facilitator-mail-pass-on", &[("owner", super::author_name(t, owner).into()), ("place", place.into())]);
    let html = html! { p style="background:#fff3cd;padding:.5em" { strong { (line) } } }.into_string();
    (line, html)
}

/// One post as mail: who wrote it, the text, the link to the thread.
pub fn post_core(lang: &str, author: &str, body_plain: &str, body_html: &str, thread_url: &str) -> (String, String) {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let author = super::author_name(t, author);
    let text = format!("{author}:\n\n{body_plain}\n\n{}: {thread_url}\n", t.mail_thread);
    let html = html! {
        p style="color:#555" { strong { (author) } }
        div { (PreEscaped(body_html)) }
        p { a href=(thread_url) { (t.mail_thread) } }
    }
    .into_string();
    (text, html)
}

pub struct DigestEntry {
    /// What stands for the reader's reply address for this item (replaced per reader).
    pub reply_to: String,
    pub title: String,
    pub author: String,
    pub url: String,
    pub plain: String,
    pub html: String,
    pub is_reply: bool,
}

/// A consolidated reply in a digest: the query it answers and the page.
pub struct DigestAnswer {
    pub query: String,
    pub page: String,
    pub url: String,
}

/// A registry record in a digest's "From the registry".
pub struct DigestRecordEntry {
    /// The record's kind as stored (cluster, initiative, practice, agency).
    pub kind: String,
    pub title: String,
    pub state: String,
    pub url: String,
}

/// The kind and place of a registry record, as a digest names it: "Initiative, Haryana".
fn record_meta(t: &super::Strings, r: &DigestRecordEntry) -> String {
    let kind = t.fmt(&format!("registry-kind-{}", r.kind), &[]);
    if r.state.is_empty() { kind } else { format!("{kind}, {}", r.state) }
}

/// The shared part of a digest (or summary): the editorial note, the consolidated replies
/// under their own heading, then the chosen items, then what is new in the registry.
#[allow(clippy::too_many_arguments)]
pub fn digest_core(lang: &str, community: &str, editorial_plain: &str, editorial_html: &str, entries: &[DigestEntry], answers: &[DigestAnswer], records: &[DigestRecordEntry], summary: bool) -> (String, String) {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let heading = if summary { t.mail_summary_heading } else { t.mail_digest_heading };
    let mut text = format!("{heading}: {community}\n\n");
    if !editorial_plain.is_empty() {
        text.push_str(editorial_plain);
        text.push_str("\n\n");
    }
    let answers_heading = t.fmt("answers-in-digest", &[]);
    let reply_label = t.fmt("mail-reply-item", &[]);
    if !answers.is_empty() {
        text.push_str(&format!("{answers_heading}\n\n"));
        for a in answers {
            text.push_str(&format!("* {} ({}: {})\n  {}\n", a.page, t.fmt("answer-list-heading", &[]), a.query, a.url));
        }
        text.push('\n');
    }
    for (i, e) in entries.iter().enumerate() {
        let lead = if summary { first_lines(&e.plain, 2) } else { e.plain.clone() };
        text.push_str(&format!("{}. {}{} ({})\n{}\n{}\n{reply_label}: {}\n\n", i + 1, if e.is_reply { "Re: " } else { "" }, e.title, super::author_name(t, &e.author), lead, e.url, e.reply_to));
    }
    let registry_heading = t.fmt("schemes-digest-registry", &[]);
    if !records.is_empty() {
        text.push_str(&format!("{registry_heading}\n\n"));
        for r in records {
            text.push_str(&format!("* {} ({})\n  {}\n", r.title, record_meta(t, r), r.url));
        }
        text.push('\n');
    }
    let html = html! {
        h1 style="font-size:1.3em" { (heading) ": " (community) }
        @if !editorial_html.is_empty() { div style="border-left:4px solid #0b5d6b;padding-left:.75em" { (PreEscaped(editorial_html)) } }
        @if !answers.is_empty() {
            h2 style="font-size:1.1em" { (answers_heading) }
            ul { @for a in answers { li { a href=(a.url) { (a.page) } br; span style="color:#555" { (a.query) } } } }
        }
        ol {
            @for e in entries {
                li style="margin-bottom:1em" {
                    a href=(e.url) { @if e.is_reply { "Re: " } (e.title) } " · " span style="color:#555" { (super::author_name(t, &e.author)) }
                    @if summary { p { (first_lines(&e.plain, 2)) } } @else { div { (PreEscaped(&e.html)) } }
                    p style="font-size:0.9em" { a href={ "mailto:" (e.reply_to) } { (reply_label) } }
                }
            }
        }
        @if !records.is_empty() {
            h2 style="font-size:1.1em" { (registry_heading) }
            ul { @for r in records { li { a href=(r.url) { (r.title) } " · " span style="color:#555" { (record_meta(t, r)) } } } }
        }
    }
    .into_string();
    (text, html)
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(n).collect();
    let joined = lines.join(" ");
    if joined.chars().count() > 240 { format!("{}…", joined.chars().take(240).collect::<String>()) } else { joined }
}

/// A reviewer's decision on a registry version, for the focal point who submitted it.
pub fn registry_decision(lang: &str, title: &str, published: bool, note: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let status = if published { t.registry_status_published } else { t.registry_status_returned };
    registry_notice(lang, title, status, note, url, t.mail_registry_open)
}

/// A registry record not verified for a year, for a focal point who may check it.
pub fn registry_reminder(lang: &str, title: &str, verified_on: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let status = t.fmt("mail-registry-unverified", &[("date", verified_on.into())]);
    registry_notice(lang, title, &status, t.mail_registry_check_again, url, t.mail_registry_open)
}

/// A version submitted for review, for the national focal points.
pub fn registry_submitted(lang: &str, title: &str, state: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let status = t.fmt("registry-submitted-status", &[("state", state.into())]);
    registry_notice(lang, title, &status, "", url, &t.fmt("registry-review-open", &[]))
}

/// A version of their sector waits for review, for a sector focal point, who gives technical
/// input from their work list.
pub fn registry_sector_submitted(lang: &str, title: &str, state: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let status = t.fmt("registry-submitted-status", &[("state", state.into())]);
    registry_notice(lang, title, &status, &t.fmt("registry-sector-mail-line", &[]), url, &t.fmt("registry-sector-mail-open", &[]))
}

/// A registry record's news for a focal point: submitted, published, returned, or due for checking.
fn registry_notice(lang: &str, title: &str, status_text: &str, note: &str, url: &str, action: &str) -> NoticeBody {
    let t = strings(lang);
    let args = [("title", title.into()), ("status", status_text.into())];
    let lines = [t.fmt("mail-registry-line", &args), note.to_string()].into_iter().filter(|l| !l.is_empty()).collect();
    NoticeBody { subject: t.fmt("mail-registry-subject", &args), lines, items: vec![], url: url.to_string(), action: action.to_string() }
}

/// A focal point's decision on a score card or an agency request, for the person who sent it.
pub fn submission_decided(lang: &str, what: &str, title: &str, outcome: &str, note: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let what = t.fmt(&format!("levels-mail-what-{what}"), &[]);
    let status = t.fmt(&format!("levels-mail-outcome-{outcome}"), &[]);
    let args = [("what", what.as_str().into()), ("title", title.into()), ("status", status.as_str().into())];
    let lines = [t.fmt("levels-mail-line", &args), note.to_string()].into_iter().filter(|l| !l.is_empty()).collect();
    NoticeBody { subject: t.fmt("levels-mail-subject", &args), lines, items: vec![], url: url.to_string(), action: t.fmt("levels-mail-open", &[]) }
}

fn strings(lang: &str) -> &'static crate::views::Strings {
    crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings()
}

/// A notice: what happened, in a few lines, and where to act on it. Sent alone
/// (`single_notice`) or with others in a member's daily roundup (`roundup`).
pub struct NoticeBody {
    pub subject: String,
    pub lines: Vec<String>,
    /// Items, each a label and its link (a moderator's queue).
    pub items: Vec<(String, String)>,
    pub url: String,
    pub action: String,
}

/// The line at the foot of every notice: how to choose which come and how often.
fn notice_footer(t: &crate::views::Strings, settings_url: &str) -> (String, maud::Markup) {
    let label = t.fmt("notify-settings-link", &[]);
    let text = format!("-- \n{label}: {settings_url}\n{}\n", t.footer);
    let html = html! { hr; p style="color:#555; font-size: 0.9em" { a href=(settings_url) { (label) } br; (t.footer) } };
    (text, html)
}

fn notice_text(n: &NoticeBody, out: &mut String) {
    for l in &n.lines {
        out.push_str(l);
        out.push_str("\n\n");
    }
    for (label, url) in &n.items {
        out.push_str(&format!("- {label}\n  {url}\n"));
    }
    if !n.items.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!("{}: {}\n\n", n.action, n.url));
}

fn notice_html(n: &NoticeBody) -> maud::Markup {
    html! {
        @for l in &n.lines { p { (l) } }
        @if !n.items.is_empty() { ul { @for (label, url) in &n.items { li { a href=(url) { (label) } } } } }
        p { a href=(n.url) { (n.action) } }
    }
}

fn notice_page(lang: &str, subject: &str, greeting: &str, parts: maud::Markup, footer: maud::Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(if lang == "hi" { "hi" } else { "en" }) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif; line-height: 1.5; max-width: 36em" { p { (greeting) } (parts) (footer) }
        }
    }
    .into_string()
}

/// One notice as its own mail.
pub fn single_notice(lang: &str, name: &str, n: &NoticeBody, settings_url: &str) -> MailBody {
    let t = strings(lang);
    let greeting = t.fmt("notice-greeting", &[("name", name.into())]);
    let mut text = format!("{greeting}\n\n");
    notice_text(n, &mut text);
    let (ftext, fhtml) = notice_footer(t, settings_url);
    text.push_str(&ftext);
    MailBody { subject: n.subject.clone(), html: notice_page(lang, &n.subject, &greeting, notice_html(n), fhtml), text }
}

/// A member's notices of a day in one mail, each under its own heading.
pub fn roundup(lang: &str, name: &str, date: &str, notices: &[NoticeBody], settings_url: &str) -> MailBody {
    let t = strings(lang);
    let subject = t.fmt("roundup-subject", &[("date", date.into()), ("count", notices.len().into())]);
    let greeting = t.fmt("notice-greeting", &[("name", name.into())]);
    let intro = t.fmt("roundup-intro", &[]);
    let mut text = format!("{greeting}\n\n{intro}\n\n");
    for (i, n) in notices.iter().enumerate() {
        text.push_str(&format!("{}. {}\n\n", i + 1, n.subject));
        notice_text(n, &mut text);
    }
    let (ftext, fhtml) = notice_footer(t, settings_url);
    text.push_str(&ftext);
    let parts = html! {
        p { (intro) }
        @for n in notices { h2 style="font-size:1.1em; margin-top:1.5em" { (n.subject) } (notice_html(n)) }
    };
    MailBody { html: notice_page(lang, &subject, &greeting, parts, fhtml), subject, text }
}

/// A post has reached the moderators.
pub fn receipt(lang: &str, title: &str, community: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    NoticeBody {
        subject: t.fmt("receipt-subject", &[("title", title.into())]),
        lines: vec![t.fmt("receipt-line", &[("community", community.into())])],
        items: vec![],
        url: url.to_string(),
        action: t.fmt("receipt-open", &[]),
    }
}

/// What a moderator decided about an author's post: approved (with its link), sent back for
/// changes (with the note and the link to change it), rejected (with the reason), edited.
pub fn decision(lang: &str, title: &str, status_text: &str, note: &str, url: &str, action: &str) -> NoticeBody {
    let t = strings(lang);
    let mut lines = vec![format!("{}: {status_text}", t.mail_notice_line)];
    if !note.is_empty() {
        lines.push(format!("{}: {}", t.moderator_message, t.stored(note)));
    }
    NoticeBody { subject: format!("solex: {title} · {status_text}"), lines, items: vec![], url: url.to_string(), action: action.to_string() }
}

/// How a query was answered, as a notice says it.
pub enum Answered<'a> {
    /// By a page made from its thread.
    Page(&'a str),
    /// By a page that already existed.
    ExistingPage(&'a str),
    /// In the thread itself.
    InThread,
}

/// A query one asked or answered has its answer.
pub fn answer(lang: &str, query_title: &str, how: &Answered, asker: bool, url: &str) -> NoticeBody {
    let t = strings(lang);
    let (line, action) = match how {
        Answered::Page(page) => (t.fmt(if asker { "answer-line-page-asker" } else { "answer-line-page-contributor" }, &[("title", query_title.into()), ("page", (*page).into())]), "answer-open-page"),
        Answered::ExistingPage(page) => (t.fmt("answer-line-existing", &[("title", query_title.into()), ("page", (*page).into())]), "answer-open-page"),
        Answered::InThread => (t.fmt("answer-line-thread", &[("title", query_title.into())]), "answer-open-thread"),
    };
    NoticeBody { subject: t.fmt("answer-subject", &[("title", query_title.into())]), lines: vec![line], items: vec![], url: url.to_string(), action: t.fmt(action, &[]) }
}

/// The consolidated reply as list mail: which query it answers, the page's problem and
/// solution, and its link.
pub fn answer_core(lang: &str, query_title: &str, page_title: &str, summary_plain: &str, page_url: &str, thread_url: &str) -> (String, String) {
    let t = strings(lang);
    let heading = t.fmt("answer-list-heading", &[]);
    let intro = t.fmt("answer-list-intro", &[("title", query_title.into())]);
    let read = t.fmt("answer-open-page", &[]);
    let text = format!("{heading}: {page_title}\n\n{intro}\n\n{summary_plain}\n\n{read}: {page_url}\n{}: {thread_url}\n", t.mail_thread);
    let html = html! {
        p style="color:#0b5d6b; font-weight:bold" { (heading) }
        h1 style="font-size:1.3em" { a href=(page_url) { (page_title) } }
        p { (intro) }
        p { (summary_plain) }
        p { a href=(page_url) { (read) } " · " a href=(thread_url) { (t.mail_thread) } }
    }
    .into_string();
    (text, html)
}

/// A new item in a queue, for a moderator who takes them at once.
pub fn moderator_item(lang: &str, community: &str, what: crate::models::mail_outbox::QueueWhat, title: &str, url: &str) -> NoticeBody {
    use crate::models::mail_outbox::QueueWhat;
    let t = strings(lang);
    let key = match what {
        QueueWhat::Flag => "queue-item-flag",
        QueueWhat::Join => "queue-item-join",
        QueueWhat::Post => "queue-item-post",
    };
    NoticeBody {
        subject: t.fmt("queue-item-subject", &[("community", community.into())]),
        lines: vec![t.fmt(key, &[("title", title.into())])],
        items: vec![],
        url: url.to_string(),
        action: t.fmt("queue-open", &[]),
    }
}

/// One community's part of a moderator's daily mail.
pub struct QueueSnapshot {
    pub community: String,
    pub queue_url: String,
    /// Posts waiting: title, link, days waited.
    pub posts: Vec<(String, String, i64)>,
    pub flags: i64,
    pub joins: i64,
    /// Approved queries whose reply is due within two days: title, link, due date.
    pub due_soon: Vec<(String, String, String)>,
}

/// What waits in every queue a moderator keeps.
pub fn moderator_queue(lang: &str, queues: &[QueueSnapshot], url: &str) -> NoticeBody {
    let t = strings(lang);
    let waiting: i64 = queues.iter().map(|q| q.posts.len() as i64 + q.flags + q.joins).sum();
    let mut lines = Vec::new();
    let mut items = Vec::new();
    for q in queues {
        lines.push(t.fmt("queue-community", &[("community", q.community.as_str().into()), ("posts", q.posts.len().into()), ("flags", q.flags.into()), ("joins", q.joins.into())]));
        for (title, link, days) in &q.posts {
            items.push((format!("{} · {title} · {}", q.community, t.fmt("queue-post-age", &[("days", (*days).into())])), link.clone()));
        }
        for (title, link, due) in &q.due_soon {
            items.push((format!("{} · {}", q.community, t.fmt("queue-due-soon", &[("title", title.as_str().into()), ("date", due.as_str().into())])), link.clone()));
        }
    }
    NoticeBody { subject: t.fmt("queue-subject", &[("count", waiting.into())]), lines, items, url: url.to_string(), action: t.fmt("queue-open", &[]) }
}

/// A query has waited in the queue longer than allowed.
pub fn moderator_urgent(lang: &str, community: &str, title: &str, hours: u32, url: &str) -> NoticeBody {
    let t = strings(lang);
    NoticeBody {
        subject: t.fmt("urgent-subject", &[("hours", hours.into()), ("title", title.into())]),
        lines: vec![t.fmt("urgent-line", &[("community", community.into()), ("hours", hours.into())])],
        items: vec![],
        url: url.to_string(),
        action: t.fmt("queue-open", &[]),
    }
}


/// A member's message by mail was refused: when, for which community, why, and which of its
/// parts were left out (a whole message forwarded, say, which leaves nothing to post).
pub fn mail_refused(lang: &str, community: &str, received: &str, reason: &str, parts: &[String], url: &str) -> NoticeBody {
    let t = strings(lang);
    let args = [("community", community.into()), ("date", received.into())];
    let mut lines = vec![
        t.fmt(if community.is_empty() { "mail-refused-line-nowhere" } else { "mail-refused-line" }, &args),
        t.fmt("mail-refused-why", &[("reason", reason.into())]),
    ];
    if !parts.is_empty() {
        lines.push(t.mail_refused_parts.to_string());
        lines.extend(parts.iter().cloned());
    }
    lines.push(t.mail_refused_help.to_string());
    NoticeBody { subject: t.fmt("mail-refused-subject", &args), lines, items: vec![], url: url.to_string(), action: t.mail_on_the_web.to_string() }
}

/// A member's message by mail was posted without some of its parts: which, and why.
pub fn mail_parts_dropped(lang: &str, community: &str, received: &str, parts: &[String], url: &str) -> NoticeBody {
    let t = strings(lang);
    let args = [("community", community.into()), ("date", received.into())];
    let mut lines = vec![t.fmt("mail-dropped-line", &args)];
    lines.extend(parts.iter().cloned());
    lines.push(t.mail_dropped_help.to_string());
    NoticeBody { subject: t.fmt("mail-dropped-subject", &args), lines, items: vec![], url: url.to_string(), action: t.my_posts_title.to_string() }
}

/// Feedback on a registry record, for the focal points who answer it; `escalated` when it
/// waited too long for its state's focal points and comes to the national ones.
pub fn registry_feedback(lang: &str, title: &str, kind: &str, text: &str, escalated: bool, url: &str) -> NoticeBody {
    let t = strings(lang);
    let kind_label = t.find(&format!("registry-feedback-kind-{kind}")).unwrap_or(kind);
    let status = if escalated { t.fmt("mail-registry-feedback-escalated", &[("kind", kind_label.into())]) } else { t.fmt("mail-registry-feedback-new", &[("kind", kind_label.into())]) };
    registry_notice(lang, title, &status, &first_lines(text, 6), url, &t.fmt("registry-feedback-open", &[]))
}

/// One new match in the weekly mail of the funding clearing house.
pub fn funding_match_label(lang: &str, offer: &str, proposal: &str, score: u32) -> String {
    strings(lang).fmt("funding-mail-item", &[("offer", offer.into()), ("proposal", proposal.into()), ("score", score.into())])
}

/// The week's new matches between funding offers and proposals, each linking to the other side.
pub fn funding_matches(lang: &str, items: Vec<(String, String)>, url: &str) -> NoticeBody {
    let t = strings(lang);
    let count = items.len();
    NoticeBody {
        subject: t.fmt("funding-mail-subject", &[("count", count.into())]),
        lines: vec![t.fmt("funding-mail-line", &[("count", count.into())])],
        items,
        url: url.to_string(),
        action: t.fmt("funding-mail-open", &[]),
    }
}

/// A funding offer or proposal waits for review, for the focal points who decide on it.
pub fn funding_submitted(lang: &str, offer: bool, title: &str, states: &[&str], url: &str) -> NoticeBody {
    let t = strings(lang);
    let hindi = lang == "hi";
    let what = t.fmt(if offer { "funding-offer" } else { "funding-proposal" }, &[]);
    let states = if states.is_empty() { t.fmt("funding-all-states", &[]) } else { states.iter().map(|s| crate::vocab::state_label(s, hindi)).collect::<Vec<_>>().join(", ") };
    let args = [("what", what.as_str().into()), ("title", title.into()), ("states", states.as_str().into())];
    NoticeBody { subject: t.fmt("funding-mail-waiting-subject", &args), lines: vec![t.fmt("funding-mail-waiting-line", &args)], items: vec![], url: url.to_string(), action: t.fmt("funding-mail-waiting-open", &[]) }
}

/// A focal point's answer to feedback, for the visitor who left their address.
pub fn registry_feedback_answer(lang: &str, title: &str, asked: &str, answer: &str, url: &str) -> MailBody {
    let t = strings(lang);
    let subject = t.fmt("mail-registry-feedback-answer-subject", &[("title", title.into())]);
    let said = t.fmt("mail-registry-feedback-you-wrote", &[("text", first_lines(asked, 6).into())]);
    let greeting = t.fmt("mail-registry-feedback-greeting", &[]);
    build(&subject, &greeting, &[&said, answer], url, &t.fmt("mail-registry-open-record", &[]), t.footer)
}

/// A moderator asks an expert for their input on a query: the query, where to reply (the
/// thread's reply address, so the reply goes to the moderators) and a link to read the thread.
pub fn expert_request(lang: &str, name: &str, community: &str, title: &str, text: &str, reply_to: &str, link: &str) -> MailBody {
    let t = strings(lang);
    let subject = t.fmt("experts-mail-subject", &[("community", community.into()), ("title", title.into())]);
    let greeting = t.fmt("experts-mail-greeting", &[("name", name.into())]);
    let intro = t.fmt("experts-mail-intro", &[("community", community.into())]);
    let text: String = if text.chars().count() > 4000 { format!("{}…", text.chars().take(4000).collect::<String>()) } else { text.to_string() };
    let reply = t.fmt("experts-mail-reply", &[("address", reply_to.into())]);
    build(&subject, &greeting, &[&intro, title, &text, &reply], link, &t.fmt("experts-mail-open", &[]), t.footer)
}

/// An award cycle's nominations have closed: a juror is asked to score them by the deadline.
pub fn award_scoring_open(lang: &str, title: &str, jury_close: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let args = [("title", title.into()), ("date", jury_close.into())];
    NoticeBody { subject: t.fmt("mail-award-scoring-subject", &args), lines: vec![t.fmt("mail-award-scoring-line", &args)], items: vec![], url: url.to_string(), action: t.fmt("mail-award-open-cycle", &[]) }
}

/// An award cycle's results are published: a nominator hears where their nomination placed.
pub fn award_results(lang: &str, title: &str, nominee: &str, category: &str, place: &str, url: &str) -> NoticeBody {
    let t = strings(lang);
    let category = t.find(&format!("award-category-{category}")).unwrap_or(category);
    let outcome = match t.find(&format!("award-place-{place}")) {
        Some(p) if !place.is_empty() => p.to_string(),
        _ => t.fmt("award-place-none", &[]),
    };
    let args = [("title", title.into()), ("nominee", nominee.into()), ("category", category.into()), ("outcome", outcome.into())];
    NoticeBody { subject: t.fmt("mail-award-results-subject", &args), lines: vec![t.fmt("mail-award-results-line", &args)], items: vec![], url: url.to_string(), action: t.fmt("mail-award-open-results", &[]) }
}
