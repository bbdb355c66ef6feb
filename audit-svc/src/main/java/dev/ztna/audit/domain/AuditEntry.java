package dev.ztna.audit.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One link of the hash chain. Never updated: the table refuses UPDATE, DELETE and TRUNCATE. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    public long seq;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(name = "event_time", nullable = false)
    public Instant eventTime;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String service;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String app;

    @Column(nullable = false)
    public String outcome;

    @Column(nullable = false)
    public String reason;

    @Column(name = "session_id", nullable = false)
    public String sessionId;

    @Column(nullable = false)
    public byte[] payload;

    @Column(name = "prev_hash", nullable = false)
    public byte[] prevHash;

    @Column(name = "entry_hash", nullable = false)
    public byte[] entryHash;

    /** RFC 9162 leaf hash of the payload. */
    @Column(name = "leaf_hash", nullable = false)
    public byte[] leafHash;
}
