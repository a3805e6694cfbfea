DROP TABLE registry_review_notes;
ALTER TABLE role_grants DROP COLUMN ends_on;
ALTER TABLE role_grants DROP COLUMN office_title;
ALTER TABLE role_grants DROP COLUMN cluster_id;
ALTER TABLE role_grants DROP COLUMN sector;
