package dev.ztna.identity.federation;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * StartFederatedLogin is anonymous and each call costs a request to the upstream IdP: at most
 * {@code starts-per-minute} per source address (a sliding minute, per identity-svc instance), so nobody can use the
 * suite to flood the IdP or mint device codes in bulk.
 */
@ApplicationScoped
public class StartLimiter {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_SOURCES = 100_000;
    private final Map<String, Deque<Instant>> starts = new ConcurrentHashMap<>();
    private final FederationConfig config;

    public StartLimiter(FederationConfig config) {
        this.config = config;
    }

    /** Counts a start; empty when allowed, else how long until the oldest start in the window expires. */
    public Duration acquire(String source, Instant now) {
        if (starts.size() > MAX_SOURCES) {
            Instant cutoff = now.minus(WINDOW);
            starts.values().removeIf(w -> {
                synchronized (w) {
                    return w.isEmpty() || w.peekLast().isBefore(cutoff);
                }
            });
        }
        Deque<Instant> window = starts.computeIfAbsent(source, s -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && !window.peekFirst().isAfter(now.minus(WINDOW))) {
                window.pollFirst();
            }
            if (window.size() >= config.startsPerMinute()) {
                return Duration.between(now, window.peekFirst().plus(WINDOW));
            }
            window.addLast(now);
            return Duration.ZERO;
        }
    }
}
