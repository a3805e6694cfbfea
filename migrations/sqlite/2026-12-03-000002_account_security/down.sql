DROP TABLE security_events;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN credit_consent_at;
-- The old default back (what everyone chose is kept).
ALTER TABLE users ADD COLUMN credit_consent_old BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE users SET credit_consent_old = credit_consent;
ALTER TABLE users DROP COLUMN credit_consent;
ALTER TABLE users RENAME COLUMN credit_consent_old TO credit_consent;
