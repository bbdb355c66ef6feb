package dev.ztna.broker.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** An enrolled connector: its public key and the apps it may front. */
@Entity
@Table(name = "connector_identity")
public class ConnectorIdentity {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    /** Comma-separated app names (app names never contain commas). */
    @Column(nullable = false)
    public String apps;

    /** X.509 SubjectPublicKeyInfo of an EC P-256 key. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(name = "enrolled_at", nullable = false)
    public Instant enrolledAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;

    public List<String> appList() {
        return Arrays.asList(apps.split(","));
    }
}
