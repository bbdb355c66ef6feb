package dev.ztna.common.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One audit event waiting for delivery; written in the same transaction as the change it records. */
@Entity
@Table(name = "audit_outbox")
public class AuditOutboxEntry {

    @Id
    public UUID id;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The serialized {@code ztna.audit.v1.AuditEvent}. */
    @Column(nullable = false)
    public byte[] payload;
}
