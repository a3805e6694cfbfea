//! What a message by mail says: every inline text part in order (HTML through mail-parser's
//! html-to-text, after its quotes and signature are cut), the files the portal takes, and the
//! parts it leaves out, each with why. A part that cannot be posted never refuses the text.

use mail_parser::{MimeHeaders, PartType};
use regex::Regex;

use crate::error::Message;
use crate::models::storable;
use crate::services::attachments::{self, Received, Upload};

/// A part left out of the post and why (a message naming the part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped(pub Message);

#[derive(Debug, Default)]
pub struct Body {
    /// The author's own words: quotes, attributions and signatures cut.
    pub text: String,
    /// Files that pass the checks a form's files pass, at most `attachments::MAX_FILES`.
    pub files: Vec<Upload>,
    pub dropped: Vec<Dropped>,
}

pub fn read(m: &mail_parser::Message) -> Body {
    // Every text part in the order it comes, each trimmed by itself: a signature or a quote at
    // the end of one part does not take the parts after it (Apple Mail's text after a photo).
    let texts: Vec<String> = m
        .parts
        .iter()
        .enumerate()
        .filter(|(i, part)| m.text_body.contains(&(*i as u32)) || m.attachments.contains(&(*i as u32)) && is_unnamed_text(part))
        .filter_map(|(_, part)| match &part.body {
            PartType::Text(t) => Some(t.to_string()),
            PartType::Html(h) => Some(mail_parser::decoders::html::html_to_text(&trim_html(h))),
            // Inline images among the text are files (or left out) below.
            _ => None,
        })
        .map(|t| trim_reply(&storable(&t)))
        .filter(|t| !t.is_empty())
        .collect();
    let (files, dropped) = parts(m);
    Body { text: texts.join("\n\n"), files, dropped }
}

/// Text mail-parser files as an attachment though nobody attached it: text with an unknown or
/// no subtype (text/enriched, "text"), or a multipart without its boundary, with no file name
/// and no attachment disposition. RFC 2046 says to read unknown text as plain text. Other
/// text types (calendars, cards) stay files.
fn is_unnamed_text(part: &mail_parser::MessagePart) -> bool {
    let readable = match part.content_type() {
        None => true,
        Some(ct) if ct.ctype().eq_ignore_ascii_case("multipart") => true,
        Some(ct) => ct.ctype().eq_ignore_ascii_case("text") && ct.subtype().is_none_or(|s| ["plain", "enriched", "richtext"].iter().any(|t| s.eq_ignore_ascii_case(t))),
    };
    readable && matches!(part.body, PartType::Text(_)) && part.attachment_name().is_none() && !part.content_disposition().is_some_and(|d| d.is_attachment())
}

fn content_type(part: &mail_parser::MessagePart) -> String {
    part.content_type().map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase()).unwrap_or_default()
}

/// The attachments that pass `attachments::check`, and what is left out.
fn parts(m: &mail_parser::Message) -> (Vec<Upload>, Vec<Dropped>) {
    let mut files = Vec::new();
    let mut dropped = Vec::new();
    for part in m.attachments().filter(|p| !is_unnamed_text(p)) {
        let ctype = content_type(part);
        let name = part.attachment_name().map(|n| attachments::safe_name(&storable(n)));
        let named = |fallback: &str| name.clone().unwrap_or_else(|| fallback.to_string());
        let why = match &part.body {
            PartType::Message(_) => Some(Message::new("mail-part-forwarded").arg("name", named("message"))),
            _ if matches!(ctype.as_str(), "application/pgp-signature" | "application/pkcs7-signature" | "application/x-pkcs7-signature") => {
                Some(Message::new("mail-part-signature").arg("name", named("signature")))
            }
            _ if matches!(ctype.as_str(), "application/ms-tnef" | "application/vnd.ms-tnef") || name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("winmail.dat")) => {
                Some(Message::new("mail-part-winmail").arg("name", named("winmail.dat")))
            }
            PartType::InlineBinary(_) if name.is_none() => Some(Message::new("mail-part-unnamed-image")),
            _ => None,
        };
        if let Some(why) = why {
            dropped.push(Dropped(why));
            continue;
        }
        let upload = Upload { filename: named("attachment"), bytes: part.contents().to_vec() };
        match attachments::check(Received::from(&upload)) {
            Ok(_) if files.len() >= attachments::MAX_FILES => {
                dropped.push(Dropped(Message::new("mail-part-too-many").arg("name", upload.filename).arg("max", attachments::MAX_FILES)))
            }
            Ok(_) => files.push(upload),
            Err(why) => dropped.push(Dropped(why)),
        }
    }
    (files, dropped)
}

/// Cuts quoted text, "On … wrote:" attributions (also when wrapped over two or three lines),
/// Outlook's header block and signatures from a reply.
pub fn trim_reply(text: &str) -> String {
    let raw: Vec<&str> = text.lines().collect();
    let lines: Vec<&str> = raw.iter().map(|l| l.trim_end()).collect();
    let mut out: Vec<&str> = Vec::new();
    for (i, &t) in lines.iter().enumerate() {
        let lower = t.to_lowercase();
        // "-- " is the signature separator; a bare "--" is how clients that trim lines send it.
        let signature = t == "--" || raw[i].trim_end_matches('\r') == "-- ";
        if signature || lower.starts_with("-----original message") || lower.starts_with("________________") {
            break;
        }
        if is_attribution(&lines[i..]) || is_outlook_header(&lines[i..]) {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(t);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n").trim().to_string()
}

/// "On Mon, 3 Dec 2026, Ravi wrote:" and its Hindi form, on one line or wrapped onto the next
/// one or two ("… Ravi Kumar <" / "ravi@x.in> wrote:"), as clients wrap long attributions.
fn is_attribution(rest: &[&str]) -> bool {
    let first = rest[0].trim().to_lowercase();
    let ends = |s: &str| s.ends_with("wrote:") || s.ends_with("लिखा:") || s.ends_with("लिखा है:");
    if ends(&first) && (first.starts_with("on ") || first.contains("लिखा")) {
        return true;
    }
    if !first.starts_with("on ") {
        return false;
    }
    let mut joined = first;
    for next in rest.iter().skip(1).take(2) {
        if next.trim().is_empty() || next.starts_with('>') {
            return false;
        }
        joined.push(' ');
        joined.push_str(&next.trim().to_lowercase());
        if ends(&joined) {
            return joined.chars().count() <= 300;
        }
    }
    false
}

/// Outlook's quoted header block: "From: …" followed by "Sent: …" (or "Date: …") a line or
/// two later.
fn is_outlook_header(rest: &[&str]) -> bool {
    let from = |l: &str| {
        let l = l.trim_start_matches('*').trim().to_lowercase();
        l.starts_with("from:") || l.starts_with("प्रेषक:")
    };
    let sent = |l: &str| {
        let l = l.trim_start_matches('*').trim().to_lowercase();
        l.starts_with("sent:") || l.starts_with("date:") || l.starts_with("भेजा गया:")
    };
    from(rest[0]) && rest.iter().skip(1).take(2).any(|l| sent(l))
}

/// Elements of an HTML reply that hold the quoted message or a signature, by the marks the
/// common clients put on them: every blockquote, Gmail's quote and signature, Thunderbird's
/// attribution and signature, Yahoo's quote, Apple Mail's quote. Outlook puts no element around
/// the quote: from its reply header (or the rule before it) on, everything goes.
fn quote_start() -> &'static Regex {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"(?i)<(blockquote)\b[^>]*>|<(div)\b[^>]*\b(?:class|id)\s*=\s*["']?[^"'>]*\b(?:gmail_quote|gmail_signature|gmail_extra|moz-cite-prefix|moz-signature|yahoo_quoted|AppleOriginalContents|Signature)\b[^>]*>"#).expect("a valid pattern")
    });
    &RE
}

fn outlook_start() -> &'static Regex {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| Regex::new(r#"(?i)<div\b[^>]*\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)\b[^>]*>"#).expect("a valid pattern"));
    &RE
}

fn tag() -> &'static Regex {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| Regex::new(r"(?i)<(/?)(blockquote|div)\b[^>]*>").expect("a valid pattern"));
    &RE
}

/// The HTML without its quotes and signatures (see `quote_start`). Linear in the input: each
/// quoted element's end is found by counting its nested tags of the same name.
pub fn trim_html(html: &str) -> String {
    let html = match outlook_start().find(html) {
        Some(m) => &html[..m.start()],
        None => html,
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(caps) = quote_start().captures(rest) {
        let whole = caps.get(0).expect("a match");
        let name = caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_str().to_ascii_lowercase()).unwrap_or_default();
        out.push_str(&rest[..whole.start()]);
        let after = &rest[whole.end()..];
        let mut depth = 1usize;
        let mut end = after.len();
        for t in tag().captures_iter(after) {
            if !t[2].eq_ignore_ascii_case(&name) {
                continue;
            }
            if t[1].is_empty() {
                depth += 1;
            } else {
                depth -= 1;
                if depth == 0 {
                    end = t.get(0).expect("a match").end();
                    break;
                }
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Body {
        read(&mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a message"))
    }

    #[test]
    fn quotes_attributions_and_signatures_are_trimmed() {
        let text = "Thanks, this helped.\nWe will try it.\n\nOn Mon, 1 Dec 2026, Meena wrote:\n> old text\n> more\n";
        assert_eq!(trim_reply(text), "Thanks, this helped.\nWe will try it.");
        assert_eq!(trim_reply("Yes.\n-- \nRavi Kumar\nHowrah"), "Yes.");
        assert_eq!(trim_reply("> quoted only\nmine"), "mine");
        let wrapped = "Use a bigger blower.\n\nOn Mon, 3 Dec 2026 at 10:00, Ravi Kumar <\nravi@x.in> wrote:\n\n> What blower?\n";
        assert_eq!(trim_reply(wrapped), "Use a bigger blower.");
        let three = "Agreed.\nOn Mon, 3 Dec 2026 at 10:00,\nRavi Kumar\n<ravi@x.in> wrote:\n> What?";
        assert_eq!(trim_reply(three), "Agreed.");
        let outlook = "See the attached report.\n\nFrom: Ravi Kumar <ravi@x.in>\nSent: Monday, 3 December 2026 10:00\nTo: solex\nSubject: Coke\n\nWhat blower?";
        assert_eq!(trim_reply(outlook), "See the attached report.");
        // A line that merely starts with "On" stays.
        assert_eq!(trim_reply("On Monday we tried it.\nIt worked."), "On Monday we tried it.\nIt worked.");
        assert_eq!(trim_reply("हाँ, यह काम करता है।\n\n3 दिसंबर 2026 को रवि ने लिखा:\n> क्या?"), "हाँ, यह काम करता है।");
    }

    #[test]
    fn html_quotes_and_signatures_are_cut_before_the_text_is_made() {
        let gmail = r#"<div dir="ltr">Use 110 kg.<div><br></div><div>Second para.</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Dec 2026 at 10:00, Ravi &lt;ravi@x.in&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0"><div>Old <div>nested</div> text</div></blockquote></div>"#;
        let trimmed = trim_html(gmail);
        assert!(trimmed.contains("Second para.") && !trimmed.contains("Old") && !trimmed.contains("wrote"), "{trimmed}");
        let signed = r#"<p>Yes.</p><div class="gmail_signature" data-smartmail="gmail_signature"><div>Ravi Kumar</div><div>Howrah</div></div>"#;
        assert_eq!(trim_html(signed), "<p>Yes.</p>");
        let thunderbird = r#"<p>Mine.</p><div class="moz-cite-prefix">On 3/12/26 Ravi wrote:<br></div><blockquote type="cite">old</blockquote><pre class="moz-signature" cols="72">-- Ravi</pre>"#;
        assert!(!trim_html(thunderbird).contains("old") && !trim_html(thunderbird).contains("wrote"));
        let outlook = r#"<div>Mine too.</div><hr><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Ravi</div><div>old</div>"#;
        assert!(!trim_html(outlook).contains("old") && trim_html(outlook).contains("Mine too."));
        // An unclosed quote takes the rest; text before it stays.
        assert_eq!(trim_html("keep<blockquote>never closed"), "keep");
    }

    #[test]
    fn every_inline_text_part_is_kept_in_order() {
        let apple = "From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nFirst paragraph.\r\n--B\r\nContent-Type: image/jpeg; name=\"furnace.jpg\"\r\nContent-Disposition: inline; filename=\"furnace.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQ==\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSecond paragraph.\r\n--B--\r\n";
        let b = parse(apple);
        assert_eq!(b.text, "First paragraph.\n\nSecond paragraph.");
        assert_eq!(b.files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["furnace.jpg"]);
        assert!(b.dropped.is_empty(), "{:?}", b.dropped);
    }

    #[test]
    fn parts_the_portal_does_not_take_are_dropped_with_a_reason_and_the_text_stays() {
        let raw = "From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"S\"\r\n\r\n--S\r\nContent-Type: text/plain\r\n\r\nKeep this.\r\n--S\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\nabc\r\n-----END PGP SIGNATURE-----\r\n--S--\r\n--B\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAA\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d.e\r\nSubject: fwd\r\n\r\nforwarded\r\n--B\r\nContent-Type: text/plain; name=\"notes.txt\"\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nnotes\r\n--B\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUg==\r\n--B\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--B--\r\n";
        let b = parse(raw);
        assert_eq!(b.text, "Keep this.");
        assert!(b.files.is_empty());
        let keys: Vec<&str> = b.dropped.iter().map(|d| d.0.key).collect();
        assert_eq!(keys, ["mail-part-signature", "mail-part-winmail", "mail-part-forwarded", "file-type-refused", "mail-part-unnamed-image", "mail-part-signature"]);
    }

    #[test]
    fn text_without_a_known_subtype_is_read_as_text() {
        let raw = "From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: text; charset=us-ascii\r\n\r\nA drainbread ISP wrote this.\r\n";
        assert_eq!(parse(raw).text, "A drainbread ISP wrote this.");
        let calendar = "From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee you.\r\n--B\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n--B--\r\n";
        let b = parse(calendar);
        assert_eq!(b.text, "See you.");
        assert_eq!(b.dropped.iter().map(|d| d.0.key).collect::<Vec<_>>(), ["file-type-refused"]);
    }

    #[test]
    fn east_asian_charsets_decode() {
        let jp = "From: a@b.c\r\nTo: x@y.z\r\nSubject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$BF|K\\8l\x1b(B\r\n";
        let m = mail_parser::MessageParser::default().parse(jp.as_bytes()).unwrap();
        assert_eq!(m.subject(), Some("日本語"));
        assert_eq!(read(&m).text, "日本語");
        let kr = b"From: a@b.c\r\nTo: x@y.z\r\nSubject: k\r\nContent-Type: text/plain; charset=EUC-KR\r\n\r\n\xc7\xd1\xb1\xb9\xbe\xee\r\n";
        assert_eq!(read(&mail_parser::MessageParser::default().parse(&kr[..]).unwrap()).text, "한국어");
        let cn = b"From: a@b.c\r\nTo: x@y.z\r\nSubject: c\r\nContent-Type: text/plain; charset=GB2312\r\n\r\n\xd6\xd0\xce\xc4\r\n";
        assert_eq!(read(&mail_parser::MessageParser::default().parse(&cn[..]).unwrap()).text, "中文");
    }
}
