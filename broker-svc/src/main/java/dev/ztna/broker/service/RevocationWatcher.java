package dev.ztna.broker.service;

import dev.ztna.broker.client.IdentityLink;
import dev.ztna.proto.identity.v1.AuthService;
import dev.ztna.proto.identity.v1.RevocationEvent;
import dev.ztna.proto.identity.v1.RevocationKind;
import dev.ztna.proto.identity.v1.WatchRevocationsRequest;
import dev.ztna.proto.identity.v1.WatchRevocationsResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Holds a WatchRevocations stream to identity-svc (resuming after the last revocation seen, with backoff) and cuts
 * the sessions of every logout, revoked user and disabled user the moment it hears of it, with a receipt.
 */
@ApplicationScoped
public class RevocationWatcher {

    private static final Logger LOG = Logger.getLogger(RevocationWatcher.class);
    private final AuthService identity;
    private final IdentityLink link;
    private final SessionManager sessions;
    /** Cuts happen off the stream's thread, in the order revocations arrived. */
    private final ExecutorService cutter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "revocation-cut");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastSequence;
    private volatile Cancellable subscription;

    public RevocationWatcher(@GrpcClient("identity") AuthService identity, IdentityLink link, SessionManager sessions) {
        this.identity = identity;
        this.link = link;
        this.sessions = sessions;
    }

    void onStart(@Observes StartupEvent event) {
        subscription = Multi.createFrom().deferred(() -> identity.watchRevocations(
                        WatchRevocationsRequest.newBuilder().setAfterSequence(lastSequence).build()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onCompletion().failWith(() -> new IllegalStateException("identity-svc ended the revocation stream"))
                .onFailure().invoke(e -> {
                    LOG.debugf("revocation stream lost: %s", e.getMessage());
                    link.unreachable(Instant.now());
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(this::received, e -> LOG.errorf("revocation stream gave up: %s", e.getMessage()));
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
        cutter.shutdownNow();
    }

    private void received(WatchRevocationsResponse response) {
        for (RevocationEvent r : response.getRevocationsList()) {
            Instant at = Instant.ofEpochSecond(r.getRevokeTime().getSeconds(), r.getRevokeTime().getNanos());
            boolean session = r.getKind() == RevocationKind.REVOCATION_KIND_SESSION;
            if (session) {
                link.revokeSession(r.getSessionId(), at);
            } else {
                link.revokeUser(r.getUserId(), at);
            }
            lastSequence = Math.max(lastSequence, r.getSequence());
            cutter.execute(() -> {
                int cut = sessions.identityRevoked(session ? r.getSessionId() : null, r.getUserId(), r.getReason(), at);
                if (cut > 0) {
                    LOG.infof("%s of %s revoked (%s): %d session(s) cut", session ? "login session" : "every token",
                            r.getUsername(), r.getReason(), cut);
                }
            });
        }
        if (response.getCaughtUp()) {
            link.caughtUp();
        }
    }
}
