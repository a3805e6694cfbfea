ALTER TABLE posts DROP COLUMN on_behalf_of;
DROP TABLE represented_owners;
