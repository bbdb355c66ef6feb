package dev.ztna.broker.tunnel;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.proto.audit.v1.Outcome;
import io.grpc.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.broker.service.ConnectorAssertionVerifier;
import java.time.Duration;
import java.util.Map;
import dev.ztna.proto.broker.v1.AttachResponse;
import io.grpc.stub.ServerCallStreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Which connectors are attached to this broker and which apps each fronts. */
@ApplicationScoped
public class ConnectorRegistry {

    private static final Logger LOG = Logger.getLogger(ConnectorRegistry.class);
    private final List<AttachedConnector> connectors = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
    private final AuditOutbox audit;
    private final BrokerConfig config;

    private final ConnectorAssertionVerifier assertions;

    public ConnectorRegistry(AuditOutbox audit, BrokerConfig config, ConnectorAssertionVerifier assertions) {
        this.audit = audit;
        this.config = config;
        this.assertions = assertions;
    }

    /** Whether a connector with this enrolled identity holds a control stream to this broker. */
    public boolean isAttached(String connectorIdentity) {
        return connectors.stream().anyMatch(c -> c.principal().equals(connectorIdentity));
    }

    public Duration heartbeatInterval() {
        return config.connectorHeartbeat();
    }

    /**
     * Detaches connectors that stopped sending heartbeats: a crashed connector or a lost network does not always
     * reach the broker as a transport error (and the unified Vert.x gRPC server does not report every peer reset).
     */
    @io.quarkus.scheduler.Scheduled(every = "1s", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void expireSilentConnectors() {
        detachRevoked();
        long cutoff = System.currentTimeMillis() - config.connectorTimeout().toMillis();
        for (AttachedConnector connector : connectors) {
            if (connector.lastSeenMillis() < cutoff) {
                LOG.warnf("connector %s (%s) silent for more than %s", connector.name(), connector.id(), config.connectorTimeout());
                connector.end(Status.UNAVAILABLE.withDescription("no heartbeat for " + config.connectorTimeout()));
                detach(connector);
            }
        }
    }

    /** Detaches every connector whose enrolment was revoked (here or on another broker); their tunnels end. */
    public void detachRevoked() {
        for (AttachedConnector connector : connectors) {
            if (assertions.enrolled(connector.principal()) == null) {
                LOG.warnf("connector %s (%s) was revoked", connector.name(), connector.id());
                connector.end(Status.UNAUTHENTICATED.withDescription("this connector's enrolment was revoked"));
                detach(connector);
            }
        }
    }

    public AttachedConnector attach(String name, String principal, Set<String> apps, ServerCallStreamObserver<AttachResponse> control) {
        AttachedConnector connector = new AttachedConnector(UUID.randomUUID().toString(), name, principal, apps, control);
        connectors.add(connector);
        LOG.infof("connector %s (%s) attached, fronting %s", name, connector.id(), apps);
        record("connector.attach", connector, Map.of());
        return connector;
    }

    /**
     * The connector's control stream ended (it stopped, crashed or lost the network): new tunnels go to the other
     * connectors fronting its apps, and the tunnels it carried end at once with UNAVAILABLE, so clients reconnect
     * (through another connector) instead of hanging.
     */
    public void detach(AttachedConnector connector) {
        if (connectors.remove(connector)) {
            int cut = connector.cutAll(Status.UNAVAILABLE.withDescription(
                    "the connector carrying this connection went away; reconnect"));
            LOG.infof("connector %s (%s) detached; %d tunnel(s) ended", connector.name(), connector.id(), cut);
            record("connector.detach", connector, Map.of("tunnels_cut", Integer.toString(cut)));
        }
    }

    /** Off the event loop (detach runs on the control call's loop), in its own transaction. */
    private void record(String type, AttachedConnector connector, Map<String, String> extra) {
        Map<String, String> attributes = new java.util.HashMap<>(extra);
        attributes.put("connector_id", connector.id());
        attributes.put("connector_name", connector.name());
        attributes.put("apps", String.join(",", new TreeSet<>(connector.apps())));
        Infrastructure.getDefaultWorkerPool().execute(() -> QuarkusTransaction.requiringNew().run(() ->
                audit.record(type, connector.principal(), Outcome.OUTCOME_SUCCESS, connector.name(), attributes)));
    }

    /** Names of every app some attached connector fronts, sorted. */
    public Set<String> onlineApps() {
        Set<String> apps = new TreeSet<>();
        connectors.forEach(c -> apps.addAll(c.apps()));
        return apps;
    }

    public boolean isOnline(String app) {
        return connectors.stream().anyMatch(c -> c.apps().contains(app));
    }

    /** Spreads new connections over the connectors fronting the app. */
    public Optional<AttachedConnector> pick(String app) {
        List<AttachedConnector> candidates = connectors.stream().filter(c -> c.apps().contains(app)).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        int next = Math.floorMod(roundRobin.computeIfAbsent(app, a -> new AtomicInteger()).getAndIncrement(),
                candidates.size());
        return Optional.of(candidates.get(next));
    }
}
