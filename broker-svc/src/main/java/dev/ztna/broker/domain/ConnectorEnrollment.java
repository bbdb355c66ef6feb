package dev.ztna.broker.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A one-time enrolment token, known only by its hash, that binds the connector redeeming it to a name and apps. */
@Entity
@Table(name = "connector_enrollment")
public class ConnectorEnrollment {

    @Id
    @Column(name = "token_hash")
    public byte[] tokenHash;

    @Column(name = "connector_name", nullable = false)
    public String connectorName;

    /** Comma-separated app names (app names never contain commas). */
    @Column(nullable = false)
    public String apps;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "connector_id")
    public UUID connectorId;
}
