-- Every list kept in a text column holds one value a line (src/models/list.rs). Until now a
-- page's and a post's themes, a community's theme and a page's source threads were joined
-- with ',' (in page revision snapshots too), and a registry version's multi-valued fields
-- (terms, pages, threads: the keys below, multi-valued in every kind of
-- src/services/registry/spec.rs that has them) with '; '. None of these values holds ',' or
-- ';', and every value of a snapshot or of a version's fields is a JSON string.

UPDATE pages SET themes = replace(replace(themes, ', ', ','), ',', chr(10)) WHERE themes LIKE '%,%';
UPDATE pages SET source_threads = replace(replace(source_threads, ', ', ','), ',', chr(10)) WHERE source_threads LIKE '%,%';
UPDATE posts SET themes = replace(replace(themes, ', ', ','), ',', chr(10)) WHERE themes LIKE '%,%';
UPDATE communities SET theme = replace(replace(theme, ', ', ','), ',', chr(10)) WHERE theme LIKE '%,%';

-- jsonb rewrites the JSON it touches (key order, spacing): the portal parses it, never compares the text.
-- Every snapshot is rewritten (commas separate its keys, so none can be told apart cheaply).
UPDATE page_revisions SET snapshot = (
    SELECT COALESCE(jsonb_object_agg(key, CASE WHEN key IN ('themes', 'source_threads') AND jsonb_typeof(value) = 'string' THEN to_jsonb(replace(replace((value #>> '{}'), ', ', ','), ',', chr(10))) ELSE value END), '{}')
    FROM jsonb_each(snapshot::jsonb))::text
WHERE snapshot LIKE '{%';
UPDATE registry_versions SET fields = (
    SELECT COALESCE(jsonb_object_agg(key, CASE WHEN key IN ('see_issues', 'schemes', 'br_activities', 'nvg_principles', 'pages', 'threads') AND jsonb_typeof(value) = 'string' THEN to_jsonb(replace(replace((value #>> '{}'), '; ', ';'), ';', chr(10))) ELSE value END), '{}')
    FROM jsonb_each(fields::jsonb))::text
WHERE fields LIKE '{%' AND fields LIKE '%;%';
