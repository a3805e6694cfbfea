DROP TABLE theme_looks;
DROP TABLE page_redirects;
DROP TABLE page_links;
DROP TABLE page_revisions;
DROP TABLE pages;
ALTER TABLE users DROP COLUMN credit_consent;
