package dev.ztna.broker.health;

import dev.ztna.broker.client.IdentityLink;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until identity-svc's revocations are followed: until then every new session is refused (fail closed). */
@Readiness
@ApplicationScoped
public class RevocationsReadinessCheck implements HealthCheck {

    private final IdentityLink identity;

    public RevocationsReadinessCheck(IdentityLink identity) {
        this.identity = identity;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("identity-revocations").status(identity.unreachableSince().isEmpty()).build();
    }
}
