//! Delivery-status reports (RFC 3464), read from their message/delivery-status part.

use mail_parser::{MessageParser, MimeHeaders, PartType};

pub struct Recipient {
    pub final_recipient: String,
    pub original_recipient: String,
    /// The status code, e.g. "5.1.1"; empty when missing or malformed.
    pub status: String,
}

impl Recipient {
    pub fn names(&self, email: &str) -> bool {
        [&self.final_recipient, &self.original_recipient].iter().any(|a| !a.is_empty() && a.eq_ignore_ascii_case(email))
    }

    /// A permanent failure that says the address is bad: a 5.x.x status, except 5.2.2
    /// (mailbox full), which the mailbox's owner fixes by emptying it. 4.x.x is temporary.
    pub fn is_hard(&self) -> bool {
        is_hard_status(&self.status)
    }
}

/// Whether an enhanced status code (RFC 3463) is a hard bounce; see `Recipient::is_hard`.
pub fn is_hard_status(status: &str) -> bool {
    status.starts_with("5.") && status != "5.2.2"
}

pub struct Report {
    pub recipients: Vec<Recipient>,
    /// The Message-ID of the failed message, from its returned copy or headers.
    pub returned_message_id: Option<String>,
}

/// Header-style field blocks separated by blank lines, with folded lines joined.
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !out.last().is_some_and(Vec::is_empty) {
                out.push(Vec::new());
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut().and_then(|b| b.last_mut()) {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.last_mut().expect("a block").push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    out.retain(|b| !b.is_empty());
    out
}

fn field<'a>(block: &'a [(String, String)], name: &str) -> &'a str {
    block.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// "rfc822; bob@example.org" -> "bob@example.org".
fn address(v: &str) -> String {
    let a = v.split_once(';').map(|(_, a)| a).unwrap_or(v);
    a.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase()
}

/// "5.1.1 (user unknown)" -> "5.1.1"; anything not shaped like a status code -> "".
fn status(v: &str) -> String {
    let code = v.split_whitespace().next().unwrap_or("");
    let parts: Vec<&str> = code.split('.').collect();
    let ok = parts.len() == 3 && ["2", "4", "5"].contains(&parts[0]) && parts[1..].iter().all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if ok { code.to_string() } else { String::new() }
}

fn is(ct: Option<&mail_parser::ContentType>, ctype: &str, subtype: &str) -> bool {
    ct.is_some_and(|ct| ct.ctype().eq_ignore_ascii_case(ctype) && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case(subtype)))
}

/// The report, if the message is multipart/report; report-type=delivery-status with a
/// message/delivery-status part. A text that merely says "Status: 5.1.1" is not one.
pub fn parse(m: &mail_parser::Message) -> Option<Report> {
    let root = m.content_type();
    if !is(root, "multipart", "report") || !root.and_then(|ct| ct.attribute("report-type")).is_some_and(|t| t.eq_ignore_ascii_case("delivery-status")) {
        return None;
    }
    let status_part = m.parts.iter().find(|p| is(p.content_type(), "message", "delivery-status"))?;
    let text = String::from_utf8_lossy(status_part.contents());
    let recipients = blocks(&text)
        .iter()
        .skip(1) // the first block is about the message, the others one per recipient
        .map(|b| Recipient { final_recipient: address(field(b, "final-recipient")), original_recipient: address(field(b, "original-recipient")), status: status(field(b, "status")) })
        .filter(|r| !r.final_recipient.is_empty())
        .collect::<Vec<_>>();
    if recipients.is_empty() {
        return None;
    }
    let returned_message_id = m.parts.iter().find_map(|p| {
        if let PartType::Message(inner) = &p.body {
            return inner.message_id().map(|s| format!("<{s}>"));
        }
        if is(p.content_type(), "text", "rfc822-headers") {
            let headers = MessageParser::default().parse_headers(p.contents())?;
            return headers.message_id().map(|s| format!("<{s}>"));
        }
        None
    });
    Some(Report { recipients, returned_message_id })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_permanent_failures_other_than_a_full_mailbox_are_hard() {
        for (status, hard) in [("5.1.1", true), ("5.7.1", true), ("5.2.2", false), ("4.2.2", false), ("4.4.1", false), ("", false), ("2.0.0", false)] {
            assert_eq!(super::is_hard_status(status), hard, "{status}");
        }
    }
}
