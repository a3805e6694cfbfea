//! Use cases. Each owns its transaction and returns `Result<_, AppError>`.

pub mod accounts;
pub mod attachments;
pub mod communities;
pub mod deliver;
pub mod digests;
pub mod knowledge;
pub mod moderate;
pub mod posting;
pub mod passwords;
pub mod roles;
pub mod tokens;
pub mod system;

/// A web name from a title: lowercase ASCII letters and digits, words joined by hyphens.
/// Titles in other scripts give an empty name; forms then ask for one.
pub fn slugify(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(max).collect::<String>().trim_end_matches('-').to_string()
}
