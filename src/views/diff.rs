//! A line diff (the `similar` crate's Myers diff), to show authors what a moderator changed.

use similar::{ChangeTag, TextDiff};

/// Each line of the result is tagged ' ' (kept), '-' (only before) or '+' (only after).
pub fn lines<'a>(before: &'a str, after: &'a str) -> Vec<(char, &'a str)> {
    // Split with `lines()` rather than `from_lines` so "\r\n" and "\n" compare equal and no
    // line carries its ending into the page.
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let diff = TextDiff::configure().diff_slices(&a, &b);
    diff.iter_all_changes()
        .map(|c| {
            let tag = match c.tag() {
                ChangeTag::Equal => ' ',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            };
            (tag, c.value())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_removed_and_added_lines() {
        let d = super::lines("a\nb\nc", "a\nB\nc\nd");
        assert_eq!(d, vec![(' ', "a"), ('-', "b"), ('+', "B"), (' ', "c"), ('+', "d")]);
    }
}
