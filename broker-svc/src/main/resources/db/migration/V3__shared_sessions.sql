-- Several brokers share sessions: any broker can carry a session's tunnels, list it, revoke it, and learns at once
-- (NOTIFY ztna_session_closed) when another broker ends it.
ALTER TABLE access_session
    ADD COLUMN opened_by        VARCHAR(64),
    ADD COLUMN source_address   VARCHAR(64),
    ADD COLUMN expires_at       TIMESTAMPTZ,
    ADD COLUMN idle_timeout_ms  BIGINT;

-- What each broker carries of each open session, written every second by that broker.
CREATE TABLE session_presence (
    session_id        UUID NOT NULL REFERENCES access_session (id) ON DELETE CASCADE,
    broker_id         VARCHAR(64) NOT NULL,
    tunnels           INT NOT NULL,
    connectors        TEXT NOT NULL,
    bytes_from_user   BIGINT NOT NULL,
    bytes_to_user     BIGINT NOT NULL,
    last_activity_at  TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, broker_id)
);
