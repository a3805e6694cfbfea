-- A message delivered twice (the same Message-ID to the same address) makes one post: each
-- message's key (a hash of both) is unique, and a second delivery is logged without one.
ALTER TABLE inbound_mail ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX inbound_mail_dedupe ON inbound_mail(dedupe_key);
-- The community a message was for, so its moderators can read its log; no foreign key, so the
-- log keeps the number whatever becomes of the community.
ALTER TABLE inbound_mail ADD COLUMN community_id BIGINT;
CREATE INDEX inbound_mail_community ON inbound_mail(community_id, id);
-- Parts of a message that were left out (signatures, winmail.dat, ...), one a line with why.
ALTER TABLE inbound_mail ADD COLUMN dropped TEXT NOT NULL DEFAULT '';
