-- Every list kept in a text column holds one value a line (src/models/list.rs). Until now a
-- page's and a post's themes, a community's theme and a page's source threads were joined
-- with ',' (in page revision snapshots too), and a registry version's multi-valued fields
-- (terms, pages, threads: the keys below, multi-valued in every kind of
-- src/services/registry/spec.rs that has them) with '; '. None of these values holds ',' or
-- ';', and every value of a snapshot or of a version's fields is a JSON string.

UPDATE pages SET themes = replace(replace(themes, ', ', ','), ',', char(10)) WHERE themes LIKE '%,%';
UPDATE pages SET source_threads = replace(replace(source_threads, ', ', ','), ',', char(10)) WHERE source_threads LIKE '%,%';
UPDATE posts SET themes = replace(replace(themes, ', ', ','), ',', char(10)) WHERE themes LIKE '%,%';
UPDATE communities SET theme = replace(replace(theme, ', ', ','), ',', char(10)) WHERE theme LIKE '%,%';

-- Every snapshot is rewritten (commas separate its keys, so none can be told apart cheaply).
UPDATE page_revisions SET snapshot = (
    SELECT json_group_object(key, CASE WHEN key IN ('themes', 'source_threads') AND type = 'text' THEN replace(replace(value, ', ', ','), ',', char(10)) ELSE value END)
    FROM json_each(page_revisions.snapshot))
WHERE json_valid(snapshot);
UPDATE registry_versions SET fields = (
    SELECT json_group_object(key, CASE WHEN key IN ('see_issues', 'schemes', 'br_activities', 'nvg_principles', 'pages', 'threads') AND type = 'text' THEN replace(replace(value, '; ', ';'), ';', char(10)) ELSE value END)
    FROM json_each(registry_versions.fields))
WHERE json_valid(fields) AND fields LIKE '%;%';
