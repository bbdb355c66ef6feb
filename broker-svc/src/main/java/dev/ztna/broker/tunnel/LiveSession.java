package dev.ztna.broker.tunnel;

import dev.ztna.common.auth.Caller;
import io.grpc.Status;

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
    private final AtomicLong lastByteMillis = new AtomicLong();
    private final Set<Splice> tunnels = ConcurrentHashMap.newKeySet();

    public LiveSession(UUID id, Caller caller, String source, String app, Instant openedAt) {
        this.id = id;
        this.caller = caller;
        this.source = source;
        this.app = app;
        this.openedAt = openedAt;
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
    void touch() {
        lastByteMillis.set(System.currentTimeMillis());
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

    void add(Splice splice) {
        tunnels.add(splice);
    }

    void remove(Splice splice) {
        tunnels.remove(splice);
    }

    /** Cuts every tunnel of the session. */
    public void cutAll(Status status) {
        tunnels.forEach(t -> t.cut(status));
    }
}
