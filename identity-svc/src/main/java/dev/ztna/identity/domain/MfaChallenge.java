package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** The half-finished login between a correct password and a correct second factor. */
@Entity
@Table(name = "mfa_challenge")
public class MfaChallenge {

    @Id
    @Column(name = "id_hash")
    public byte[] idHash;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(nullable = false)
    public int attempts;

    @Column(nullable = false)
    public boolean used;

    /** {@code pwd} (local password) or {@code fed} (an upstream IdP): the first entry of the login's amr. */
    @Column(name = "first_factor", nullable = false)
    public String firstFactor = "pwd";

    /** Local groups mapped from the upstream IdP's groups, comma-separated (empty for a password login). */
    @Column(name = "upstream_groups", nullable = false)
    public String upstreamGroups = "";

    /** Upstream amr values accepted in place of local MFA, comma-separated; empty: a local code is required. */
    @Column(name = "upstream_mfa", nullable = false)
    public String upstreamMfa = "";
}
