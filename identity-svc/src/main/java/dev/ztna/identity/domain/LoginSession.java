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

    /** Local groups mapped from the upstream IdP at a federated login, comma-separated; its tokens carry them. */
    @Column(name = "upstream_groups", nullable = false)
    public String upstreamGroups = "";

    /** The groups this session's tokens carry: the user's own, plus those the upstream IdP vouched for at login. */
    public java.util.Set<String> tokenGroups(java.util.Set<String> userGroups) {
        if (upstreamGroups.isEmpty()) {
            return userGroups;
        }
        java.util.Set<String> all = new java.util.TreeSet<>(userGroups);
        all.addAll(java.util.List.of(upstreamGroups.split(",")));
        return all;
    }
}
