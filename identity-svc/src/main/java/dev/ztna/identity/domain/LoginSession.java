package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One completed login (password + MFA): its id is the `sid` of every token issued for it. */
@Entity
@Table(name = "login_session")
public class LoginSession {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The methods used, comma-separated (pwd,otp / pwd,recovery). */
    @Column(nullable = false)
    public String amr;

    @Column(name = "source_address", nullable = false)
    public String sourceAddress;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "device_id")
    public UUID deviceId;

    /** The latest MFA proof (a step-up); null: the login itself. */
    @Column(name = "last_auth_at")
    public Instant lastAuthAt;
}
