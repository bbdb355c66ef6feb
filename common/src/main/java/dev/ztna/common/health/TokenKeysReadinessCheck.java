package dev.ztna.common.health;

import dev.ztna.common.auth.JwksCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/** Not ready while the keys that verify tokens have not been fetched from identity-svc: every call would be refused. */
@Readiness
@ApplicationScoped
public class TokenKeysReadinessCheck implements HealthCheck {

    private final VerificationKeyResolver keys;

    public TokenKeysReadinessCheck(VerificationKeyResolver keys) {
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = !(keys instanceof JwksCache cache) || cache.loaded();
        return HealthCheckResponse.named("token-keys").status(loaded).build();
    }
}
