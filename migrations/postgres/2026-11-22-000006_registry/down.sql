DROP TABLE registry_tags;
DROP TABLE registry_versions;
DROP TABLE registry_records;
DROP TABLE vocab_terms;
