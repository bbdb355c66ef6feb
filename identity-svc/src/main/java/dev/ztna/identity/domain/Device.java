package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A user's device, known by the public key that signs its posture reports. */
@Entity
@Table(name = "device")
public class Device {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    /** X.509 SubjectPublicKeyInfo of an EC P-256 key. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The latest accepted report's attributes, as a JSON object of strings. */
    @Column
    public String posture;

    @Column(name = "reported_at")
    public Instant reportedAt;
}
