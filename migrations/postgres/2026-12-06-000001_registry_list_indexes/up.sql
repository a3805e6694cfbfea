-- Public registry lists (services::registry::browse) read only published records of one kind.
-- A page walks them by title and checks every filter in the index, reading the table only for
-- the records it shows.
CREATE INDEX registry_records_listed ON registry_records(kind, title, id) INCLUDE (state, sector, stage, start_year, end_year, district)
    WHERE published_version IS NOT NULL;
-- Facet counts group the matching records by these columns without reading the table.
CREATE INDEX registry_records_facts ON registry_records(kind, state, sector, stage, start_year, end_year) INCLUDE (district)
    WHERE published_version IS NOT NULL;
-- A tag filter reads the records carrying a code from the index alone.
DROP INDEX registry_tags_code;
CREATE INDEX registry_tags_code ON registry_tags(vocab, code) INCLUDE (record_id);
