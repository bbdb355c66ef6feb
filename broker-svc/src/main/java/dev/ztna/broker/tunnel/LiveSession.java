package dev.ztna.broker.tunnel;

import io.grpc.Status;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** An open session in memory: what a Tunnel call checks (no database on the data path) and what a close cuts. */
public final class LiveSession {

    private final UUID id;
    private final String userId;
    private final String username;
    private final String app;
    private final Instant openedAt;
    private final Set<Splice> tunnels = ConcurrentHashMap.newKeySet();

    public LiveSession(UUID id, String userId, String username, String app, Instant openedAt) {
        this.id = id;
        this.userId = userId;
        this.username = username;
        this.app = app;
        this.openedAt = openedAt;
    }

    public UUID id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String username() {
        return username;
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

    public int tunnelCount() {
        return tunnels.size();
    }

    /** Cuts every tunnel of the session. */
    public void cutAll(Status status) {
        tunnels.forEach(t -> t.cut(status));
    }
}
