-- A small bilingual glossary of domain terms, kept as data: a draft query's words are
-- expanded both ways (English <-> Hindi) before the portal looks for similar answers.
-- Administrators add, edit and retire entries.
CREATE TABLE glossary_terms (
    id BIGSERIAL PRIMARY KEY,
    term_en TEXT NOT NULL,
    term_hi TEXT NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX glossary_terms_pair ON glossary_terms (term_en, term_hi);

-- "This answers me": a member stopped before posting because an existing page, registry
-- practice or thread answered them (source 'member'), or a moderator closed a queued query
-- as answered by one (source 'moderator', with the query's post_id). target_kind is 'page',
-- 'record' or 'thread'.
CREATE TABLE similar_answers (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    post_id BIGINT REFERENCES posts(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX similar_answers_target ON similar_answers (target_kind, target_id);
CREATE INDEX similar_answers_user ON similar_answers (user_id, target_kind, target_id);

INSERT INTO glossary_terms (term_en, term_hi, retired, created_at, updated_at) VALUES
    ('cupola', 'कुपोला', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('coke', 'कोक', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('effluent', 'अपशिष्ट जल', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('waste water', 'अपशिष्ट जल', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('foundry', 'ढलाई', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('energy', 'ऊर्जा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('energy efficiency', 'ऊर्जा दक्षता', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('child labour', 'बाल श्रम', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('furnace', 'भट्ठी', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('kiln', 'भट्ठा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('brick', 'ईंट', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('fuel', 'ईंधन', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('air pollution', 'वायु प्रदूषण', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('pollution', 'प्रदूषण', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('solid waste', 'ठोस अपशिष्ट', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('sand', 'रेत', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('water', 'पानी', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('ground water', 'भूजल', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('worker', 'श्रमिक', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('workers', 'मज़दूर', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('wages', 'मज़दूरी', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('safety', 'सुरक्षा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('health', 'स्वास्थ्य', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('occupational health', 'व्यावसायिक स्वास्थ्य', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('training', 'प्रशिक्षण', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('skills', 'कौशल', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('women', 'महिलाएँ', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('social security', 'सामाजिक सुरक्षा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('working conditions', 'कार्य-परिस्थितियाँ', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('cluster', 'क्लस्टर', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('enterprise', 'उद्यम', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('treatment plant', 'उपचार संयंत्र', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('dyeing', 'रंगाई', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('weaving', 'बुनाई', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('textile', 'वस्त्र', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('leather', 'चमड़ा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('tannery', 'चर्मशोधन', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('electroplating', 'इलेक्ट्रोप्लेटिंग', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('chemical', 'रसायन', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('emission', 'उत्सर्जन', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('cost', 'लागत', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('saving', 'बचत', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('finance', 'वित्त', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('scheme', 'योजना', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('compliance', 'अनुपालन', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('audit', 'लेखा परीक्षा', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('melting', 'पिघलाना', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('dust', 'धूल', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('smoke', 'धुआँ', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('gloves', 'दस्ताने', FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
