-- One-time enrolment tokens: only their SHA-256 is kept. Redeeming one sets used_at (once, atomically).
CREATE TABLE connector_enrollment (
    token_hash     BYTEA PRIMARY KEY,
    connector_name VARCHAR(128) NOT NULL,
    apps           TEXT NOT NULL,
    created_by     VARCHAR(128) NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ,
    connector_id   UUID
);

-- A connector's identity: the public half of the key pair it generated, and the apps it may front.
CREATE TABLE connector_identity (
    id          UUID PRIMARY KEY,
    name        VARCHAR(128) NOT NULL,
    apps        TEXT NOT NULL,
    public_key  BYTEA NOT NULL,
    enrolled_at TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    revoked_by  VARCHAR(128)
);
