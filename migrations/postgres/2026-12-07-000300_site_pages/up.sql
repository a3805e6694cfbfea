-- The pages that say who runs the portal (about, contact, privacy, accessibility, terms), one
-- row per page and language, written once an administrator edits one; until then the page
-- shows the Markdown shipped in content/site/. The HTML is the sanitised rendering, made at save.
CREATE TABLE site_pages (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (slug, lang)
);
