-- Transactional outbox for audit events (shared by every emitting service, see dev.ztna.common.audit).
CREATE TABLE audit_outbox (
    id          UUID PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    payload     BYTEA NOT NULL
);
CREATE INDEX audit_outbox_created_at ON audit_outbox (created_at);
