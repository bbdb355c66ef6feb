-- RFC 9162 leaf hash of each entry's payload, kept so the tree can be rebuilt without rereading payloads.
-- Verification never trusts it: it recomputes every leaf from the payload.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;
ALTER TABLE audit_log ADD COLUMN leaf_hash BYTEA;
UPDATE audit_log SET leaf_hash = sha256('\x00'::bytea || payload);
ALTER TABLE audit_log ALTER COLUMN leaf_hash SET NOT NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;

-- Signed tree heads, published on a schedule and on demand. Append-only like the log.
CREATE TABLE tree_head (
    tree_size  BIGINT PRIMARY KEY,
    root_hash  BYTEA NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL,
    key_id     VARCHAR(64) NOT NULL,
    signature  BYTEA NOT NULL
);

CREATE TRIGGER tree_head_no_update_delete BEFORE UPDATE OR DELETE ON tree_head
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER tree_head_no_truncate BEFORE TRUNCATE ON tree_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Least privilege: when the runtime role exists (see docs/deploy.md), it may only read and append.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${runtime_role}') THEN
        EXECUTE 'GRANT SELECT, INSERT ON audit_log, tree_head TO ${runtime_role}';
    END IF;
END $$;
