-- Refresh tokens, known only by their SHA-256. A family is one login session: reusing a spent token revokes it.
CREATE TABLE refresh_token (
    token_hash       BYTEA PRIMARY KEY,
    login_session_id UUID NOT NULL REFERENCES login_session (id) ON DELETE CASCADE,
    issued_at        TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    used_at          TIMESTAMPTZ
);
CREATE INDEX refresh_token_session ON refresh_token (login_session_id);

-- The device a login is bound to: refreshed tokens keep it.
ALTER TABLE login_session ADD COLUMN device_id UUID;
