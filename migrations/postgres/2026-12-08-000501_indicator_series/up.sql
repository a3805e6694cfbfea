-- Indicators over time (Figure 2.3, 001:5431-5503: M&E over three years by quarter): each
-- value of an initiative's indicator, dated and sourced. `indicator` is the indicator's name
-- as the record's indicators field lists it; dates are ISO text (YYYY-MM-DD), which sorts.
CREATE TABLE indicator_values (
    id BIGSERIAL PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    observed_on TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL,
    entered_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    entered_at TIMESTAMP NOT NULL,
    UNIQUE (record_id, indicator, observed_on)
);

-- The factors clusters are rated on ("regular ratings of clusters on various factors over a
-- three-year time frame", 001:5569-5571; the rating system of §8.5, 001:5791-5807), kept as
-- data so the national focal point's scale can grow without a release.
CREATE TABLE rating_components (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    label_hi TEXT NOT NULL,
    max_score INTEGER NOT NULL,
    position INTEGER NOT NULL
);

-- A dated rating of one cluster by the national focal point; the total is the sum of its scores.
CREATE TABLE cluster_ratings (
    id BIGSERIAL PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES registry_records(id) ON DELETE CASCADE,
    rated_on TEXT NOT NULL,
    total INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    rated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cluster_ratings_record ON cluster_ratings(record_id, rated_on);

CREATE TABLE cluster_rating_scores (
    id BIGSERIAL PRIMARY KEY,
    rating_id BIGINT NOT NULL REFERENCES cluster_ratings(id) ON DELETE CASCADE,
    component TEXT NOT NULL REFERENCES rating_components(code),
    score INTEGER NOT NULL,
    UNIQUE (rating_id, component)
);

-- Table 2.2 (001:3707-3924) maps clusters on energy, air, water, solid waste and social
-- issues; §7.2.3 (001:5551-5571) asks at the policy level about synergy, capacity gaps,
-- private-sector drive and the diversity of objectives met. Each is scored 0 (worst) to 5.
INSERT INTO rating_components (code, label, label_hi, max_score, position) VALUES
('energy', 'Energy use', 'ऊर्जा उपयोग', 5, 1),
('air', 'Air', 'वायु', 5, 2),
('water', 'Water', 'जल', 5, 3),
('solid_waste', 'Solid waste', 'ठोस अपशिष्ट', 5, 4),
('social', 'Social issues', 'सामाजिक मुद्दे', 5, 5),
('synergy', 'Synergy among initiatives', 'पहलों के बीच तालमेल', 5, 6),
('capacity', 'Institutional capacity gaps bridged', 'संस्थागत क्षमता की कमियाँ दूर', 5, 7),
('private_drive', 'Private-sector drive', 'निजी क्षेत्र की पहल', 5, 8),
('inclusive', 'Diversity of objectives met', 'उद्देश्यों की विविधता की पूर्ति', 5, 9);
