-- Posting on someone's behalf (issue 19): the unit owners a facilitator posts for, with the
-- consent statement as the facilitator confirmed it; a claim token (stored hashed, single use)
-- lets the owner take the posts over once they have an account.
CREATE TABLE represented_owners (
    id BIGSERIAL PRIMARY KEY,
    facilitator_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    place TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    postal_address TEXT NOT NULL DEFAULT '',
    consent_statement TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL,
    claim_token_hash TEXT,
    claim_expires_at TIMESTAMP,
    claimed_by BIGINT REFERENCES users(id),
    claimed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX represented_owners_facilitator ON represented_owners (facilitator_id, id);
CREATE UNIQUE INDEX represented_owners_claim ON represented_owners (claim_token_hash);
ALTER TABLE posts ADD COLUMN on_behalf_of BIGINT REFERENCES represented_owners(id);
