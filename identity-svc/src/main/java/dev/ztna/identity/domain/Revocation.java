package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A login session or every token of a user, revoked: the ordered log WatchRevocations serves. */
@Entity
@Table(name = "revocation")
public class Revocation {

    public static final String SESSION = "SESSION";
    public static final String USER = "USER";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long sequence;

    @Column(nullable = false)
    public String kind;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false)
    public String username;

    @Column(name = "session_id")
    public UUID sessionId;

    @Column(nullable = false)
    public String reason;

    @Column(nullable = false)
    public String actor;

    @Column(name = "revoked_at", nullable = false)
    public Instant revokedAt;
}
