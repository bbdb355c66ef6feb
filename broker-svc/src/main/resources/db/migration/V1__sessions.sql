CREATE TABLE access_session (
    id            UUID PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL,
    username      VARCHAR(128) NOT NULL,
    app           VARCHAR(64) NOT NULL,
    rule_id       VARCHAR(64) NOT NULL,
    policy_version BIGINT NOT NULL,
    opened_at     TIMESTAMPTZ NOT NULL,
    closed_at     TIMESTAMPTZ,
    close_reason  VARCHAR(256)
);
CREATE INDEX access_session_open ON access_session (closed_at) WHERE closed_at IS NULL;
