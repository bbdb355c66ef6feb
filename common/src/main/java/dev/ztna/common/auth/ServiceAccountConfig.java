package dev.ztna.common.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** This service's own credentials, exchanged at identity-svc for service tokens (OAuth 2 client credentials). */
@ConfigMapping(prefix = "ztna.service-account")
public interface ServiceAccountConfig {

    Optional<String> clientId();

    /** Never logged. */
    Optional<String> clientSecret();

    /** Defaults to {@code <ztna.auth.issuer>/oauth2/token}. */
    Optional<String> tokenUrl();

    /** Renew a cached token this many seconds before it expires. */
    @WithDefault("60")
    int renewBeforeSeconds();
}
