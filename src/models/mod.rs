//! Rows and queries, one file per aggregate. Functions take `&mut DbConn` and return
//! `QueryResult`; transactions belong to services.

pub mod agency_rating;
pub mod attachment;
pub mod audit;
pub mod award;
pub mod community;
pub mod content_import;
pub mod digest;
pub mod funding;
pub mod held_mail;
pub mod inbound;
pub mod list;
pub mod mail_outbox;
pub mod membership;
pub mod moderation;
pub mod outcome;
pub mod notification;
pub mod page;
pub mod post;
pub mod registry;
pub mod represented_owner;
pub mod score_card;
pub mod scheme_link;
pub mod removal;
pub mod registry_feedback;
pub mod expert;
pub mod review_note;
pub mod search_outbox;
pub mod security_event;
pub mod series;
pub mod role;
pub mod session;
pub mod site_page;
pub mod token;
pub mod user;
pub mod vocabulary;
pub mod glossary;
pub mod similar_answer;

/// Text as it is stored, the same on both backends: PostgreSQL refuses a NUL in text, and no
/// other control character means anything in a title, a body, a name or an address, so they
/// are dropped; line breaks become `\n` and tabs stay. Every text that comes by mail or by a
/// form passes through here before it is checked and stored.
pub fn storable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push('\n'),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text for one line, a title or a mail Subject: `storable`, and every run of blanks, line
/// breaks and tabs (Unicode line separators too) one space, none at the ends. A line break in
/// a title would reach mail headers and page titles.
pub fn single_line(text: &str) -> String {
    storable(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The clock every model uses, truncated to microseconds so both backends store the same value.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_text_keeps_lines_and_tabs_and_drops_other_control_characters() {
        assert_eq!(super::storable("a\0b\r\nc\rd\te\u{1b}[1m\u{7f}\u{85}f"), "ab\nc\nd\te[1mf");
        assert!(matches!(super::storable("plain\ntext"), std::borrow::Cow::Borrowed(_)));
    }
}
