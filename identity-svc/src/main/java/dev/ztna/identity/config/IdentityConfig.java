package dev.ztna.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "ztna.identity")
public interface IdentityConfig {

    /** Base64 of 32 random bytes; encrypts TOTP seeds and signing keys at rest (AES-256-GCM). Never logged. */
    String masterKey();

    /** Lifetime of access tokens; at most 15 minutes. */
    @WithDefault("PT5M")
    Duration accessTokenTtl();

    /**
     * Lifetime of a refresh token (each use returns a new one; the login session they belong to ends at the latest
     * this long after its last use).
     */
    @WithDefault("PT12H")
    Duration refreshTokenTtl();

    /**
     * How long a rotated-in key is published before it signs, so every consumer's JWKS cache (refreshed every 60 s)
     * holds it before the first token it signs arrives.
     */
    @WithDefault("PT2M")
    Duration keyPublishLead();

    /** A superseded key may be retired this long after its successor began signing: longer than any token lives. */
    @WithDefault("PT16M")
    Duration keyRetireAfter();

    /** Lifetime of service tokens. */
    @WithDefault("PT10M")
    Duration serviceTokenTtl();

    /** How long a password-verified login may wait for its second factor. */
    @WithDefault("PT5M")
    Duration mfaChallengeTtl();

    /** Wrong codes allowed per MFA challenge before it is burnt. */
    @WithDefault("5")
    int mfaMaxAttempts();

    Argon2 argon2();

    Lockout lockout();

    /** JSON file with users and service accounts to create at startup when absent (see docs/identity.md, "Bootstrap"). */
    Optional<String> bootstrapFile();

    Web web();

    /** Browser login for the broker's web proxy (/web/login); see docs/identity.md, "Web apps". */
    interface Web {
        /**
         * The broker's web domains: a login may send the browser back only to {@code https://APP.DOMAIN[:port]
         * /.ztna/callback} for one of these. None set: browser logins for web apps are off.
         */
        Optional<List<String>> redirectDomains();

        /** Also allow plain-http callbacks (a dev stack or a test on loopback); never in production. */
        @WithDefault("false")
        boolean allowHttp();

        /** How long the one-time code in the callback may wait to be redeemed by the broker. */
        @WithDefault("PT60S")
        Duration codeTtl();

        /** The identity host's login cookie is Secure (HTTPS only); turn off only for plain-HTTP tests. */
        @WithDefault("true")
        boolean cookieSecure();
    }

    /** Lockout with exponential backoff after repeated failed passwords or codes. */
    interface Lockout {
        /** Failures per account (within the window) before it is locked. */
        @WithDefault("5")
        int accountThreshold();

        /** Failures per source address (within the window) before it is locked, whatever the account. */
        @WithDefault("100")
        int sourceThreshold();

        /** First lock duration; doubles with every further failure. */
        @WithDefault("PT30S")
        Duration baseDelay();

        @WithDefault("PT15M")
        Duration maxDelay();

        /** Failures older than this are forgotten. */
        @WithDefault("PT15M")
        Duration window();
    }

    interface Argon2 {
        /** Memory in KiB (OWASP 2023 minimum for Argon2id: 19 MiB). */
        @WithDefault("19456")
        int memoryKib();

        @WithDefault("2")
        int iterations();

        @WithDefault("1")
        int parallelism();
    }
}
