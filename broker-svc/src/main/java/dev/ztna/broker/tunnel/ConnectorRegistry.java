package dev.ztna.broker.tunnel;

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

    public AttachedConnector attach(String name, String principal, Set<String> apps, ServerCallStreamObserver<AttachResponse> control) {
        AttachedConnector connector = new AttachedConnector(UUID.randomUUID().toString(), name, principal, apps, control);
        connectors.add(connector);
        LOG.infof("connector %s (%s) attached, fronting %s", name, connector.id(), apps);
        return connector;
    }

    public void detach(AttachedConnector connector) {
        if (connectors.remove(connector)) {
            LOG.infof("connector %s (%s) detached", connector.name(), connector.id());
        }
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
