-- Public registry lists (services::registry::browse) read only published records of one kind.
-- A page walks them by title and checks every filter in the index, reading the table only for
-- the records it shows.
CREATE INDEX registry_records_listed ON registry_records(kind, title, id, state, sector, stage, start_year, end_year, district, published_version)
    WHERE published_version IS NOT NULL;
-- (published_version is in the columns too: without it SQLite reads the table to check it.)
-- Facet counts group the matching records by these columns without reading the table.
CREATE INDEX registry_records_facts ON registry_records(kind, state, sector, stage, start_year, end_year, district, published_version)
    WHERE published_version IS NOT NULL;
-- A tag filter reads the records carrying a code from the index alone.
DROP INDEX registry_tags_code;
CREATE INDEX registry_tags_code ON registry_tags(vocab, code, record_id);
