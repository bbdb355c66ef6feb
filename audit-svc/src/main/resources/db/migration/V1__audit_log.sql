-- Append-only, hash-linked audit log. entry_hash = SHA-256(prev_hash || seq as 8 bytes || payload).
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    event_id       UUID NOT NULL UNIQUE,
    event_time     TIMESTAMPTZ NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    type           VARCHAR(128) NOT NULL,
    service        VARCHAR(128) NOT NULL,
    actor          VARCHAR(256) NOT NULL,
    app            VARCHAR(128) NOT NULL,
    outcome        VARCHAR(16) NOT NULL,
    reason         TEXT NOT NULL,
    session_id     VARCHAR(128) NOT NULL,
    -- the exact AuditEvent bytes as received; the columns above are derived from it and checked against it
    payload        BYTEA NOT NULL,
    prev_hash      BYTEA NOT NULL,
    entry_hash     BYTEA NOT NULL
);
CREATE INDEX audit_log_event_time ON audit_log (event_time);
CREATE INDEX audit_log_type ON audit_log (type);
CREATE INDEX audit_log_actor ON audit_log (actor);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
