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
    private volatile Caller caller;
    private final String source;
    private final String app;
    private final Instant openedAt;
    private final Duration maxDuration;
    private final Duration idleTimeout;
    private final Duration reauthEvery;
    private volatile Instant authAt;
    private volatile boolean paused;
    private final AtomicLong lastByteMillis = new AtomicLong();
    /** The last time a tunnel of this session opened or closed here, or another broker carried one. */
    private final AtomicLong lastUseMillis = new AtomicLong();
    private final AtomicLong bytesFromUser = new AtomicLong();
    private final AtomicLong bytesToUser = new AtomicLong();
    private final Set<String> connectors = ConcurrentHashMap.newKeySet();
    private final Set<Cuttable> tunnels = ConcurrentHashMap.newKeySet();

    /** {@code maxDuration}, {@code idleTimeout}, {@code reauthEvery} are the policy's obligations; null means none. */
    public LiveSession(UUID id, Caller caller, String source, String app, Instant openedAt, Duration maxDuration,
                       Duration idleTimeout, Duration reauthEvery) {
        this.id = id;
        this.caller = caller;
        this.source = source;
        this.app = app;
        this.openedAt = openedAt;
        this.maxDuration = maxDuration;
        this.idleTimeout = idleTimeout;
        this.reauthEvery = reauthEvery;
        this.authAt = caller.authTime();
        this.lastByteMillis.set(openedAt.toEpochMilli());
        this.lastUseMillis.set(openedAt.toEpochMilli());
    }

    /** Whether the re-authentication interval has run out: tunnels are refused until the user re-verifies MFA. */
    public boolean reauthDue(Instant now) {
        Instant at = authAt;
        return reauthEvery != null && (at == null || !now.isBefore(at.plus(reauthEvery)));
    }

    public Duration reauthEvery() {
        return reauthEvery;
    }

    /** The user re-verified MFA at {@code at} (here or through another broker). */
    public void noteAuth(Instant at) {
        if (at != null && (authAt == null || at.isAfter(authAt))) {
            authAt = at;
            paused = false;
        }
    }

    /** Resumed with a fresh token: its identity is what re-decisions ask about from now on. */
    public void reauthenticated(Caller fresh) {
        caller = fresh;
        noteAuth(fresh.authTime());
    }

    /** Marks the session paused; true the first time (so the pause is audited once). */
    public boolean pause() {
        if (paused) {
            return false;
        }
        paused = true;
        return true;
    }

    /** Another broker carried bytes of this session at {@code at}. */
    public void noteActivity(Instant at) {
        lastByteMillis.accumulateAndGet(at.toEpochMilli(), Math::max);
    }

    /** A tunnel of this session was in use at {@code at} (here or on another broker). */
    public void noteUse(Instant at) {
        lastUseMillis.accumulateAndGet(at.toEpochMilli(), Math::max);
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

    /**
     * The obligation this session breaks at {@code now}, with when it started to, or null: its maximum duration, its
     * idle timeout, or — carrying no tunnel — {@code unusedTimeout} without one.
     */
    public Breach breach(Instant now, Duration unusedTimeout) {
        if (maxDuration != null && !now.isBefore(openedAt.plus(maxDuration))) {
            return new Breach("maximum session duration " + maxDuration + " reached", openedAt.plus(maxDuration), false);
        }
        Instant idleSince = lastByteAt();
        if (idleTimeout != null && !now.isBefore(idleSince.plus(idleTimeout))) {
            return new Breach("idle for " + idleTimeout + " (idle timeout)", idleSince.plus(idleTimeout), true);
        }
        Instant unusedSince = Instant.ofEpochMilli(Math.max(lastUseMillis.get(), lastByteMillis.get()));
        if (tunnels.isEmpty() && !now.isBefore(unusedSince.plus(unusedTimeout))) {
            return new Breach("no tunnel on any broker for " + unusedTimeout, unusedSince.plus(unusedTimeout), true);
        }
        return null;
    }

    /**
     * Why and since when a session must end; {@code maybeElsewhere}: another broker's activity could clear it (idle,
     * unused), so it is checked against the shared database first.
     */
    public record Breach(String cause, Instant since, boolean maybeElsewhere) {
    }

    void add(Cuttable tunnel, String connector) {
        tunnels.add(tunnel);
        connectors.add(connector);
        noteUse(Instant.now());
    }

    void remove(Cuttable tunnel) {
        tunnels.remove(tunnel);
        noteUse(Instant.now());
    }

    /** Cuts every tunnel of the session. */
    public void cutAll(Status status) {
        tunnels.forEach(t -> t.cut(status));
    }
}
