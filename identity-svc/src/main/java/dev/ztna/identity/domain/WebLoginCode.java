package dev.ztna.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A finished browser login waiting for the broker to redeem it, once, for the app host it was issued to. */
@Entity
@Table(name = "web_login_code")
public class WebLoginCode {

    @Id
    @Column(name = "code_hash")
    public byte[] codeHash;

    @Column(name = "redirect_uri", nullable = false)
    public String redirectUri;

    @Column(nullable = false)
    public String username;

    /** The access token, sealed with the master key (bound to this row's hash). */
    @Column(name = "token_enc", nullable = false)
    public byte[] tokenEnc;

    @Column(name = "token_expires_at", nullable = false)
    public Instant tokenExpiresAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
