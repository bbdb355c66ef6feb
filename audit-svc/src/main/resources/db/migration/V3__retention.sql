-- Retention. An archived prefix of the log keeps its hashes (seq, prev/entry/leaf hash, time, type, service,
-- outcome) but loses its content (payload, actor, app, reason, session id), which lives on in a segment file
-- verifiable on its own (see docs/audit.md). The Merkle tree, every proof for later entries and every signed tree
-- head stay valid, because the leaf hashes stay.

CREATE TABLE archive_segment (
    first_seq    BIGINT PRIMARY KEY,
    last_seq     BIGINT NOT NULL UNIQUE,
    -- the signed tree head of size last_seq the segment file carries
    root_hash    BYTEA NOT NULL,
    file_name    VARCHAR(256) NOT NULL,
    file_sha256  BYTEA NOT NULL,
    archived_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (first_seq >= 1 AND last_seq >= first_seq)
);
CREATE TRIGGER archive_segment_no_update_delete BEFORE UPDATE OR DELETE ON archive_segment
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER archive_segment_no_truncate BEFORE TRUNCATE ON archive_segment
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE audit_log ALTER COLUMN payload DROP NOT NULL;

-- The one UPDATE the log allows: redacting an archived entry inside audit_redact, hashes untouched.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'audit_log' AND TG_OP = 'UPDATE'
       AND current_setting('ztna.audit.redacting', true) = 'on'
       AND OLD.payload IS NOT NULL AND NEW.payload IS NULL
       AND NEW.seq = OLD.seq AND NEW.event_id = OLD.event_id AND NEW.event_time = OLD.event_time
       AND NEW.received_at = OLD.received_at AND NEW.type = OLD.type AND NEW.service = OLD.service
       AND NEW.outcome = OLD.outcome AND NEW.prev_hash = OLD.prev_hash AND NEW.entry_hash = OLD.entry_hash
       AND NEW.leaf_hash = OLD.leaf_hash
       AND NEW.seq <= (SELECT coalesce(max(last_seq), 0) FROM archive_segment) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;

-- Runs as the owner, so the runtime role needs no UPDATE privilege: it can only redact what an archive segment
-- already covers, and only the content columns.
CREATE FUNCTION audit_redact(upto BIGINT) RETURNS BIGINT LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
DECLARE
    archived BIGINT;
    redacted BIGINT;
BEGIN
    SELECT coalesce(max(last_seq), 0) INTO archived FROM archive_segment;
    IF upto > archived THEN
        RAISE EXCEPTION 'entries up to % are not archived (archived up to %)', upto, archived;
    END IF;
    PERFORM set_config('ztna.audit.redacting', 'on', true);
    UPDATE audit_log SET payload = NULL, actor = '', app = '', reason = '', session_id = ''
        WHERE seq <= upto AND payload IS NOT NULL;
    GET DIAGNOSTICS redacted = ROW_COUNT;
    PERFORM set_config('ztna.audit.redacting', 'off', true);
    RETURN redacted;
END $$;
REVOKE ALL ON FUNCTION audit_redact(BIGINT) FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${runtime_role}') THEN
        EXECUTE 'GRANT SELECT, INSERT ON archive_segment TO ${runtime_role}';
        EXECUTE 'GRANT EXECUTE ON FUNCTION audit_redact(BIGINT) TO ${runtime_role}';
    END IF;
END $$;
