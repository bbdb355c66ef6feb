package dev.ztna.broker.client;

import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.RevocationCheck;
import dev.ztna.common.auth.RevokedTokens;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the broker knows from identity-svc's revocation stream: the revoked tokens (refused on every call, even before
 * they expire) and whether the stream is up. Until it has caught up after a start or an outage, the broker cannot
 * know every revocation, so it fails closed.
 */
@ApplicationScoped
public class IdentityLink implements RevocationCheck {

    private static final Logger LOG = Logger.getLogger(IdentityLink.class);
    private final RevokedTokens revoked = new RevokedTokens();
    private final AtomicReference<Instant> unreachableSince = new AtomicReference<>(Instant.now());

    @Override
    public boolean isRevoked(Caller caller) {
        return revoked.isRevoked(caller);
    }

    public void revokeSession(String sessionId, Instant at) {
        revoked.revokeSession(sessionId, at);
    }

    public void revokeUser(String userId, Instant at) {
        revoked.revokeUser(userId, at);
    }

    /** The stream caught up: every revocation so far is known. */
    public void caughtUp() {
        if (unreachableSince.getAndSet(null) != null) {
            LOG.info("identity-svc revocation stream caught up");
        }
    }

    public void unreachable(Instant at) {
        if (unreachableSince.compareAndSet(null, at)) {
            LOG.warn("identity-svc revocation stream lost: new sessions are refused until it is back");
        }
    }

    public Optional<Instant> unreachableSince() {
        return Optional.ofNullable(unreachableSince.get());
    }

    @Scheduled(every = "60s")
    void prune() {
        revoked.prune(Instant.now());
    }
}
