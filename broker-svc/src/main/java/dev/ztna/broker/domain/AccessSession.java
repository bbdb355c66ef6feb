package dev.ztna.broker.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** The record of one user's access to one app, from the allowing decision to the close. */
@Entity
@Table(name = "access_session")
public class AccessSession {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String username;

    @Column(nullable = false)
    public String app;

    @Column(name = "rule_id", nullable = false)
    public String ruleId;

    @Column(name = "policy_version", nullable = false)
    public long policyVersion;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "close_reason")
    public String closeReason;

    /** The broker instance that opened it; any broker of the site may carry it. */
    @Column(name = "opened_by")
    public String openedBy;

    @Column(name = "source_address")
    public String sourceAddress;

    /** When the maximum session duration obligation ends it; null when the policy set none. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    /** The identity-svc login session (`sid`) of the token that opened it. */
    @Column(name = "login_session_id")
    public String loginSessionId;

    /** The re-authentication obligation; null when the policy set none. */
    @Column(name = "reauth_every_ms")
    public Long reauthEveryMs;

    /** When the user last proved MFA for this session (the token's auth_time, then each Reauthenticate). */
    @Column(name = "auth_at")
    public Instant authAt;

    /** The idle timeout obligation; null when the policy set none. */
    @Column(name = "idle_timeout_ms")
    public Long idleTimeoutMs;
}
