-- Single-use recovery codes, stored as HMAC-SHA256(master key, user id || code): useless without the key.
CREATE TABLE recovery_code (
    user_id   UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
