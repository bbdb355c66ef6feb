package dev.ztna.common.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The revocations still relevant: a revoked login session ({@code sid}) refuses every token of it; a revoked user
 * refuses every token of theirs authenticated at or before the revocation. Entries older than the longest token
 * lifetime are dropped — every token they could refuse has expired.
 */
public final class RevokedTokens implements RevocationCheck {

    /** User tokens live at most 15 minutes (identity-svc caps them), plus the verifiers' clock skew. */
    public static final Duration HORIZON = Duration.ofMinutes(16);

    private final ConcurrentHashMap<String, Instant> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> users = new ConcurrentHashMap<>();

    public void revokeSession(String sessionId, Instant at) {
        sessions.merge(sessionId, at, (a, b) -> a.isBefore(b) ? a : b);
    }

    public void revokeUser(String userId, Instant at) {
        users.merge(userId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public boolean isRevoked(Caller caller) {
        if (caller.service()) {
            return false;
        }
        if (caller.sessionId() != null && sessions.containsKey(caller.sessionId())) {
            return true;
        }
        Instant userRevoked = users.get(caller.subject());
        // auth_time has whole seconds: a login in the second of the revocation counts as before it (fail closed)
        return userRevoked != null && (caller.authTime() == null
                || !caller.authTime().isAfter(userRevoked.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    }

    /** Drops what can no longer refuse an unexpired token. */
    public void prune(Instant now) {
        Instant cutoff = now.minus(HORIZON);
        sessions.values().removeIf(at -> at.isBefore(cutoff));
        users.values().removeIf(at -> at.isBefore(cutoff));
    }
}
