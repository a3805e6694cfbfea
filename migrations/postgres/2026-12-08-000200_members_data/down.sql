DROP TABLE removal_requests;
ALTER TABLE users DROP COLUMN deleted_at;
ALTER TABLE users DROP COLUMN data_notice_version;
ALTER TABLE users DROP COLUMN data_consent_at;
