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
    pub reply_by_mail: bool,
}

fn footer_lines(f: &ListFooter) -> (String, String) {
    let t = crate::views::Lang::from_code(f.lang).unwrap_or(crate::views::Lang::En).strings();
    let mut text = String::from("\n-- \n");
    if f.reply_by_mail {
        text.push_str(t.mail_reply_hint);
        text.push('\n');
    }
    text.push_str(&format!("{}: {}\n{}: {}\n{}: {}\n", t.mail_on_the_web, f.web_url, t.mail_delivery, f.settings_url, t.mail_unsubscribe, f.unsubscribe_url));
    let html = html! {
        hr;
        p style="color:#555;font-size:0.9em" {
            @if f.reply_by_mail { (t.mail_reply_hint) br; }
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

/// One post as mail: who wrote it, the text, the link to the thread.
pub fn post_core(lang: &str, author: &str, body_plain: &str, body_html: &str, thread_url: &str) -> (String, String) {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
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
    pub title: String,
    pub author: String,
    pub url: String,
    pub plain: String,
    pub html: String,
    pub is_reply: bool,
}

/// The shared part of a digest (or summary): the editorial note and the chosen items.
pub fn digest_core(lang: &str, community: &str, editorial_plain: &str, editorial_html: &str, entries: &[DigestEntry], summary: bool) -> (String, String) {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let heading = if summary { t.mail_summary_heading } else { t.mail_digest_heading };
    let mut text = format!("{heading}: {community}\n\n");
    if !editorial_plain.is_empty() {
        text.push_str(editorial_plain);
        text.push_str("\n\n");
    }
    for (i, e) in entries.iter().enumerate() {
        let lead = if summary { first_lines(&e.plain, 2) } else { e.plain.clone() };
        text.push_str(&format!("{}. {}{} ({})\n{}\n{}\n\n", i + 1, if e.is_reply { "Re: " } else { "" }, e.title, e.author, lead, e.url));
    }
    let html = html! {
        h1 style="font-size:1.3em" { (heading) ": " (community) }
        @if !editorial_html.is_empty() { div style="border-left:4px solid #0b5d6b;padding-left:.75em" { (PreEscaped(editorial_html)) } }
        ol {
            @for e in entries {
                li style="margin-bottom:1em" {
                    a href=(e.url) { @if e.is_reply { "Re: " } (e.title) } " · " span style="color:#555" { (e.author) }
                    @if summary { p { (first_lines(&e.plain, 2)) } } @else { div { (PreEscaped(&e.html)) } }
                }
            }
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

/// Tells an author what a moderator decided about their post.
pub fn notice(lang: &str, name: &str, title: &str, status_text: &str, note: &str, url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let subject = format!("solex: {title} · {status_text}");
    let greeting = format!("{} {name},", if lang == "hi" { "नमस्ते" } else { "Hello" });
    let line = format!("{}: {status_text}", t.mail_notice_line);
    let note_line = if note.is_empty() { String::new() } else { format!("{}: {}", t.moderator_message, t.stored(note)) };
    let lines: Vec<&str> = [line.as_str(), note_line.as_str()].into_iter().filter(|l| !l.is_empty()).collect();
    build(&subject, &greeting, &lines, url, t.my_posts_title, t.footer)
}

/// A reviewer's decision on a registry version, for the focal point who submitted it.
pub fn registry_decision(lang: &str, name: &str, title: &str, published: bool, note: &str, url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let status = if published { t.registry_status_published } else { t.registry_status_returned };
    registry_notice(lang, name, title, status, note, url)
}

/// A registry record not verified for a year, for a focal point who may check it.
pub fn registry_reminder(lang: &str, name: &str, title: &str, verified_on: &str, url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let status = t.fmt("mail-registry-unverified", &[("date", verified_on.into())]);
    registry_notice(lang, name, title, &status, t.mail_registry_check_again, url)
}

/// A registry record's news for its focal point: published, returned, or due for checking.
fn registry_notice(lang: &str, name: &str, title: &str, status_text: &str, note: &str, url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let args = [("title", title.into()), ("status", status_text.into())];
    let subject = t.fmt("mail-registry-subject", &args);
    let greeting = t.fmt("mail-registry-greeting", &[("name", name.into())]);
    let line = t.fmt("mail-registry-line", &args);
    let lines: Vec<&str> = [line.as_str(), note].into_iter().filter(|l| !l.is_empty()).collect();
    build(&subject, &greeting, &lines, url, t.mail_registry_open, t.footer)
}

/// A member's message by mail was refused: when, for which community, why, and which of its
/// parts were left out (a whole message forwarded, say, which leaves nothing to post).
pub fn mail_refused(lang: &str, name: &str, community: &str, received: &str, reason: &str, parts: &[String], url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let args = [("community", community.into()), ("date", received.into())];
    let subject = t.fmt("mail-refused-subject", &args);
    let greeting = t.fmt("mail-registry-greeting", &[("name", name.into())]);
    let line = t.fmt(if community.is_empty() { "mail-refused-line-nowhere" } else { "mail-refused-line" }, &args);
    let why = t.fmt("mail-refused-why", &[("reason", reason.into())]);
    let mut lines: Vec<&str> = vec![&line, &why];
    if !parts.is_empty() {
        lines.push(t.mail_refused_parts);
        lines.extend(parts.iter().map(String::as_str));
    }
    lines.push(t.mail_refused_help);
    build(&subject, &greeting, &lines, url, t.mail_on_the_web, t.footer)
}

/// A member's message by mail was posted without some of its parts: which, and why.
pub fn mail_parts_dropped(lang: &str, name: &str, community: &str, received: &str, parts: &[String], url: &str) -> MailBody {
    let t = crate::views::Lang::from_code(lang).unwrap_or(crate::views::Lang::En).strings();
    let args = [("community", community.into()), ("date", received.into())];
    let subject = t.fmt("mail-dropped-subject", &args);
    let greeting = t.fmt("mail-registry-greeting", &[("name", name.into())]);
    let line = t.fmt("mail-dropped-line", &args);
    let mut lines: Vec<&str> = vec![&line];
    lines.extend(parts.iter().map(String::as_str));
    lines.push(t.mail_dropped_help);
    build(&subject, &greeting, &lines, url, t.my_posts_title, t.footer)
}
