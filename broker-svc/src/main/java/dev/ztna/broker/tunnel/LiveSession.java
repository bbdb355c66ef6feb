package dev.ztna.broker.tunnel;

import dev.ztna.common.auth.Caller;
import io.grpc.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An open session in memory: what a Tunnel call checks (no database on the data path) and what a close cuts. */
public final class LiveSession {

    private final UUID id;
    private final Caller caller;
    private final String source;
    private final String app;
    private final Instant openedAt;
    private final Duration maxDuration;
    private final Duration idleTimeout;
    private final AtomicLong lastByteMillis = new AtomicLong();
    private final AtomicLong bytesFromUser = new AtomicLong();
    private final AtomicLong bytesToUser = new AtomicLong();
    private final Set<String> connectors = ConcurrentHashMap.newKeySet();
    private final Set<Splice> tunnels = ConcurrentHashMap.newKeySet();

    /** {@code maxDuration} and {@code idleTimeout} are the policy's obligations; null means no limit. */
    public LiveSession(UUID id, Caller caller, String source, String app, Instant openedAt, Duration maxDuration,
                       Duration idleTimeout) {
        this.id = id;
        this.caller = caller;
        this.source = source;
        this.app = app;
        this.openedAt = openedAt;
        this.maxDuration = maxDuration;
        this.idleTimeout = idleTimeout;
        this.lastByteMillis.set(openedAt.toEpochMilli());
    }

    /** The identity the session was opened with: what every re-decision is asked about. */
    public Caller caller() {
        return caller;
    }

    /** The client address the session was opened from (re-decisions are asked about it too). */
    public String source() {
        return source;
    }

    /** Called for every frame carried; cheap. */
    void carried(boolean fromUser, int bytes) {
        lastByteMillis.set(System.currentTimeMillis());
        (fromUser ? bytesFromUser : bytesToUser).addAndGet(bytes);
    }

    public long bytesFromUser() {
        return bytesFromUser.get();
    }

    public long bytesToUser() {
        return bytesToUser.get();
    }

    /** Names of the connectors that carried a tunnel of this session. */
    public Set<String> connectors() {
        return Set.copyOf(connectors);
    }

    public int tunnelCount() {
        return tunnels.size();
    }

    public Instant lastByteAt() {
        return Instant.ofEpochMilli(lastByteMillis.get());
    }

    public UUID id() {
        return id;
    }

    public String userId() {
        return caller.subject();
    }

    public String username() {
        return caller.name();
    }

    public String app() {
        return app;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /** The obligation this session breaks at {@code now}, with when it started to, or null. */
    public Breach breach(Instant now) {
        if (maxDuration != null && !now.isBefore(openedAt.plus(maxDuration))) {
            return new Breach("maximum session duration " + maxDuration + " reached", openedAt.plus(maxDuration));
        }
        Instant idleSince = lastByteAt();
        if (idleTimeout != null && !now.isBefore(idleSince.plus(idleTimeout))) {
            return new Breach("idle for " + idleTimeout + " (idle timeout)", idleSince.plus(idleTimeout));
        }
        return null;
    }

    /** Why and since when a session must end. */
    public record Breach(String cause, Instant since) {
    }

    void add(Splice splice, String connector) {
        tunnels.add(splice);
        connectors.add(connector);
    }

    void remove(Splice splice) {
        tunnels.remove(splice);
    }

    /** Cuts every tunnel of the session. */
    public void cutAll(Status status) {
        tunnels.forEach(t -> t.cut(status));
    }
}
