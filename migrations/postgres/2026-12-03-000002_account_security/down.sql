DROP TABLE security_events;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN credit_consent_at;
ALTER TABLE users ALTER COLUMN credit_consent SET DEFAULT TRUE;
