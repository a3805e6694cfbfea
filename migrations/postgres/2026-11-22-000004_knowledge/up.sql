-- Knowledge base: subject-problem-solution pages, their revisions, links, redirects, looks.
ALTER TABLE users ADD COLUMN credit_consent BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE pages (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    problem_md TEXT NOT NULL,
    solution_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    themes TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    translation_slug TEXT NOT NULL DEFAULT '',
    contributors TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    source_threads TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    withdrawn_note TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX pages_status ON pages(status, published_at);

CREATE TABLE page_revisions (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    edited_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    edited_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (page_id, revision)
);

CREATE TABLE page_links (
    id BIGSERIAL PRIMARY KEY,
    from_page BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    to_slug TEXT NOT NULL
);
CREATE INDEX page_links_to ON page_links(to_slug);
CREATE INDEX page_links_from ON page_links(from_page);

CREATE TABLE page_redirects (
    id BIGSERIAL PRIMARY KEY,
    old_slug TEXT NOT NULL UNIQUE,
    page_id BIGINT NOT NULL REFERENCES pages(id) ON DELETE CASCADE
);

CREATE TABLE theme_looks (
    id BIGSERIAL PRIMARY KEY,
    theme TEXT NOT NULL UNIQUE,
    layout TEXT NOT NULL,
    accent TEXT NOT NULL
);
