-- A login session is what one password + MFA login produced; its id is the `sid` of the tokens issued for it.
CREATE TABLE login_session (
    id             UUID PRIMARY KEY,
    user_id        UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL,
    amr            VARCHAR(64) NOT NULL,
    source_address VARCHAR(64) NOT NULL,
    revoked_at     TIMESTAMPTZ
);
CREATE INDEX login_session_user_open ON login_session (user_id) WHERE revoked_at IS NULL;

-- Every revocation, in order: what WatchRevocations replays to a subscriber that reconnects.
CREATE TABLE revocation (
    sequence   BIGSERIAL PRIMARY KEY,
    kind       VARCHAR(16) NOT NULL CHECK (kind IN ('SESSION', 'USER')),
    user_id    UUID NOT NULL,
    username   VARCHAR(128) NOT NULL,
    session_id UUID,
    reason     VARCHAR(256) NOT NULL,
    actor      VARCHAR(128) NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX revocation_revoked_at ON revocation (revoked_at);
