DROP INDEX registry_tags_code;
CREATE INDEX registry_tags_code ON registry_tags(vocab, code);
DROP INDEX registry_records_facts;
DROP INDEX registry_records_listed;
