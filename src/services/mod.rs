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
