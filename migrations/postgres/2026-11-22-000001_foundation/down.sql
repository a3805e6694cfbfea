DROP TABLE mail_outbox;
DROP TABLE audit_log;
DROP TABLE role_grants;
DROP TABLE communities;
DROP TABLE account_tokens;
DROP TABLE sessions;
DROP TABLE users;
