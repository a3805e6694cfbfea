DROP INDEX inbound_mail_community;
DROP INDEX inbound_mail_dedupe;
ALTER TABLE inbound_mail DROP COLUMN dropped;
ALTER TABLE inbound_mail DROP COLUMN community_id;
ALTER TABLE inbound_mail DROP COLUMN dedupe_key;
