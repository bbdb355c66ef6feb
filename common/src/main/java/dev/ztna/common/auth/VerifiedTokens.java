package dev.ztna.common.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims already verified, by their exact text, until the earlier of their `exp` and a
 * TTL. Only successes are remembered, so an attacker cannot fill it with garbage; it is bounded and simply starts over
 * when full. The signature check is ~all of a verification's cost (see docs/BENCHMARKS.md).
 */
public final class VerifiedTokens {

    private record Entry(Caller caller, long validUntilMillis) {
    }

    private final int capacity;
    private final long ttlMillis;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public VerifiedTokens(int capacity, Duration ttl) {
        this.capacity = capacity;
        this.ttlMillis = ttl.toMillis();
    }

    public Caller get(String token) {
        if (capacity <= 0) {
            return null;
        }
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (System.currentTimeMillis() >= entry.validUntilMillis()) {
            entries.remove(token, entry);
            return null;
        }
        return entry.caller();
    }

    public void put(String token, Caller caller, long expiresAtMillis) {
        if (capacity <= 0) {
            return;
        }
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(token, new Entry(caller, Math.min(expiresAtMillis, System.currentTimeMillis() + ttlMillis)));
    }
}
