-- A user's device: the public half of the EC P-256 key that signs its posture reports, and its latest report.
CREATE TABLE device (
    id             UUID PRIMARY KEY,
    user_id        UUID NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
    public_key     BYTEA NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    -- the latest accepted report: its attributes as JSON, and the time the device made it
    posture        TEXT,
    reported_at    TIMESTAMPTZ,
    UNIQUE (user_id, public_key)
);
