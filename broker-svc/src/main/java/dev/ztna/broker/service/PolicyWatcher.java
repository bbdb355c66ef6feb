package dev.ztna.broker.service;

import dev.ztna.broker.client.PolicyClient;
import dev.ztna.proto.policy.v1.DecisionService;
import dev.ztna.proto.policy.v1.WatchPolicyChangesRequest;
import dev.ztna.proto.policy.v1.WatchPolicyChangesResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
 * Holds a WatchPolicyChanges stream to policy-svc (reconnecting with backoff) and re-verifies every live session as
 * soon as a new policy version goes live — continuous verification, not only at session start.
 */
@ApplicationScoped
public class PolicyWatcher {

    private static final Logger LOG = Logger.getLogger(PolicyWatcher.class);

    private final DecisionService policy;
    private final SessionManager sessions;
    private final PolicyClient decisions;
    /** One re-verification at a time, in the order changes arrived. */
    private final ExecutorService reverifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "policy-reverify");
        t.setDaemon(true);
        return t;
    });
    private volatile long seenVersion = -1;
    private volatile Cancellable subscription;

    public PolicyWatcher(@GrpcClient("policy") DecisionService policy, SessionManager sessions, PolicyClient decisions) {
        this.policy = policy;
        this.sessions = sessions;
        this.decisions = decisions;
    }

    void onStart(@Observes StartupEvent event) {
        subscription = policy.watchPolicyChanges(WatchPolicyChangesRequest.getDefaultInstance())
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> {
                    LOG.debugf("policy change stream lost: %s", e.getMessage());
                    decisions.unreachable(Instant.now());
                })
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .onCompletion().invoke(() -> LOG.info("policy change stream ended"))
                .subscribe().with(this::changed);
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
        reverifier.shutdownNow();
    }

    private void changed(WatchPolicyChangesResponse change) {
        boolean wasUnreachable = decisions.unreachableSince().isPresent();
        decisions.reachable();
        long version = change.getPolicyVersion();
        long before = seenVersion;
        seenVersion = version;
        if (wasUnreachable && before >= 0 && version == before) {
            // back after an outage with no new version: re-verify anyway, decisions may have failed meanwhile
            reverifier.execute(() -> sessions.reverifyAll("policy-svc reachable again", Instant.now()));
            return;
        }
        if (before < 0 || version == before) {
            return; // the first item is the version live when we (re)subscribed: a baseline, not a change
        }
        Instant at = Instant.ofEpochSecond(change.getChangeTime().getSeconds(), change.getChangeTime().getNanos());
        reverifier.execute(() -> sessions.reverifyAll("policy changed to version " + version, at));
    }
}
