package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "signing_key")
public class SigningKey {

    @Id
    public String kid;

    @Column(name = "private_key_enc", nullable = false)
    public byte[] privateKeyEnc;

    /** X.509 SubjectPublicKeyInfo. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** From then on it signs (the newest key already active is the signing key). */
    @Column(name = "activates_at", nullable = false)
    public Instant activatesAt;

    /** Removed from the JWKS: tokens it signed no longer verify. */
    @Column(name = "retired_at")
    public Instant retiredAt;
}
