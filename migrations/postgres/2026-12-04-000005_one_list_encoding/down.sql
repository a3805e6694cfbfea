-- Back to ',' for themes and source threads, '; ' for registry multi-valued fields.

UPDATE pages SET themes = replace(themes, chr(10), ',') WHERE themes LIKE '%' || chr(10) || '%';
UPDATE pages SET source_threads = replace(source_threads, chr(10), ',') WHERE source_threads LIKE '%' || chr(10) || '%';
UPDATE posts SET themes = replace(themes, chr(10), ',') WHERE themes LIKE '%' || chr(10) || '%';
UPDATE communities SET theme = replace(theme, chr(10), ',') WHERE theme LIKE '%' || chr(10) || '%';

-- jsonb rewrites the JSON it touches (key order, spacing): the portal parses it, never compares the text.
-- In JSON text a line break is the two characters \n.
UPDATE page_revisions SET snapshot = (
    SELECT COALESCE(jsonb_object_agg(key, CASE WHEN key IN ('themes', 'source_threads') AND jsonb_typeof(value) = 'string' THEN to_jsonb(replace((value #>> '{}'), chr(10), ',')) ELSE value END), '{}')
    FROM jsonb_each(snapshot::jsonb))::text
WHERE snapshot LIKE '{%' AND strpos(snapshot, '\n') > 0;
UPDATE registry_versions SET fields = (
    SELECT COALESCE(jsonb_object_agg(key, CASE WHEN key IN ('see_issues', 'schemes', 'br_activities', 'nvg_principles', 'pages', 'threads') AND jsonb_typeof(value) = 'string' THEN to_jsonb(replace((value #>> '{}'), chr(10), '; ')) ELSE value END), '{}')
    FROM jsonb_each(fields::jsonb))::text
WHERE fields LIKE '{%' AND strpos(fields, '\n') > 0;
