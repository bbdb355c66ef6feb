package dev.ztna.common.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** How every service verifies the bearer tokens identity-svc issues. */
@ConfigMapping(prefix = "ztna.auth")
public interface AuthConfig {

    /** Expected `iss`; identity-svc's external base URL. */
    @WithDefault("http://localhost:8081")
    String issuer();

    /** Expected `aud`. */
    @WithDefault("ztna")
    String audience();

    /** Where the verification keys are: an http(s) JWKS URL or a file: URL. Defaults to the issuer's JWKS. */
    Optional<String> jwksUrl();

    /** Full gRPC method names (service/method) that accept anonymous callers. Everything else needs a token. */
    Optional<List<String>> publicMethods();

    /** Tolerated clock skew in seconds for exp/nbf/iat. */
    @WithDefault("30")
    int clockSkewSeconds();

    /**
     * How many verified tokens to remember, so a token presented again (a broker's service token on every Decide, a
     * user's on every call) skips the ES256 signature check. 0 turns the cache off.
     */
    @WithDefault("10000")
    int verifiedTokenCacheSize();

    /**
     * How long a remembered token is trusted without re-checking its signature (never past its `exp`): bounds how
     * long a token signed by a key since withdrawn from the JWKS keeps working.
     */
    @WithDefault("5m")
    java.time.Duration verifiedTokenCacheTtl();

    default String effectiveJwksUrl() {
        return jwksUrl().orElse(issuer() + "/.well-known/jwks.json");
    }
}
