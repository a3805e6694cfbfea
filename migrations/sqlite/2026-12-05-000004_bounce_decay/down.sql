DROP INDEX mail_outbox_user_sent;
ALTER TABLE users DROP COLUMN last_bounce_at;
