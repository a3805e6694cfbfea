//! Where the use cases run: the portal's mail domain, web address and attachments folder,
//! built once from Config at start-up and passed as one `&Env` rather than loose strings.

use std::path::PathBuf;

use crate::config::Config;

#[derive(Debug, Clone)]
pub struct Env {
    /// The domain of the portal's own mail addresses and Message-IDs.
    pub mail_domain: String,
    /// The web address without a trailing slash; `url` puts a path from `paths` after it.
    pub base_url: String,
    /// Where attachments are stored under random names.
    pub attachments_dir: PathBuf,
    /// The hour (UTC) from which daily mail goes out.
    pub daily_mail_hour: u32,
    /// Hours a query waits in the queue before its moderators are told at once.
    pub moderator_urgent_hours: u32,
    /// Days after which an agency's latest rating is flagged for review.
    pub agency_rating_review_days: i64,
    /// Days registry feedback waits for a state's focal points before going national.
    pub registry_feedback_days: u32,
}

impl Env {
    pub fn from_config(config: &Config) -> Env {
        Env {
            mail_domain: config.mail_domain.clone(),
            base_url: config.base_url.trim_end_matches('/').to_string(),
            attachments_dir: config.attachments_dir.clone(),
            daily_mail_hour: config.daily_mail_hour,
            moderator_urgent_hours: config.moderator_urgent_hours,
            agency_rating_review_days: config.agency_rating_review_days,
            registry_feedback_days: config.registry_feedback_days,
        }
    }

    /// The absolute URL of a site path (one from `crate::paths`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
