-- Back to ',' for themes and source threads, '; ' for registry multi-valued fields.

UPDATE pages SET themes = replace(themes, char(10), ',') WHERE themes LIKE '%' || char(10) || '%';
UPDATE pages SET source_threads = replace(source_threads, char(10), ',') WHERE source_threads LIKE '%' || char(10) || '%';
UPDATE posts SET themes = replace(themes, char(10), ',') WHERE themes LIKE '%' || char(10) || '%';
UPDATE communities SET theme = replace(theme, char(10), ',') WHERE theme LIKE '%' || char(10) || '%';

-- In JSON text a line break is the two characters \n.
UPDATE page_revisions SET snapshot = (
    SELECT json_group_object(key, CASE WHEN key IN ('themes', 'source_threads') AND type = 'text' THEN replace(value, char(10), ',') ELSE value END)
    FROM json_each(page_revisions.snapshot))
WHERE json_valid(snapshot) AND instr(snapshot, '\n') > 0;
UPDATE registry_versions SET fields = (
    SELECT json_group_object(key, CASE WHEN key IN ('see_issues', 'schemes', 'br_activities', 'nvg_principles', 'pages', 'threads') AND type = 'text' THEN replace(value, char(10), '; ') ELSE value END)
    FROM json_each(registry_versions.fields))
WHERE json_valid(fields) AND instr(fields, '\n') > 0;
