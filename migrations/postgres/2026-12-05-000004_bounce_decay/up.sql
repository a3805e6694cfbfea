-- When the last hard bounce was counted: a count whose last bounce is over 30 days old starts
-- again, so a few bounces spread over years never stop a member's mail.
ALTER TABLE users ADD COLUMN last_bounce_at TIMESTAMP;
-- Whether a member got mail since their last bounce (models::mail_outbox::delivered_between).
CREATE INDEX mail_outbox_user_sent ON mail_outbox(user_id, sent_at);
