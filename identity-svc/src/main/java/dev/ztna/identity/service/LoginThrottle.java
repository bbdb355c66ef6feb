package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Lockout with exponential backoff, per account and per source address. Keys are the name the caller typed, so an
 * unknown name locks exactly like a real one and a lockout tells an attacker nothing. Runs inside the caller's
 * transaction; counters are updated with an atomic upsert, so parallel guesses cannot race past the threshold.
 */
@ApplicationScoped
public class LoginThrottle {

    private final IdentityConfig.Lockout config;
    private final AuditOutbox audit;

    /** The account or the source is locked until {@code until}. */
    public static final class LockedOut extends RuntimeException {
        private final Duration retryAfter;

        LockedOut(Duration retryAfter) {
            super("too many failed attempts; try again in " + Math.max(1, retryAfter.toSeconds()) + " s", null, false, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    public LoginThrottle(IdentityConfig config, AuditOutbox audit) {
        this.config = config.lockout();
        this.audit = audit;
    }

    /** Refuses the attempt before any secret is checked when the account or the source is locked. */
    public void check(String username, String source) {
        Instant now = Instant.now();
        Instant until = lockedUntil(List.of(userKey(username), sourceKey(source)));
        if (until != null && until.isAfter(now)) {
            throw new LockedOut(Duration.between(now, until));
        }
    }

    public void failure(String username, String source) {
        count(userKey(username), config.accountThreshold(), username);
        if (!source.isEmpty()) {
            count(sourceKey(source), config.sourceThreshold(), username);
        }
    }

    public void success(String username) {
        em().createNativeQuery("DELETE FROM login_throttle WHERE throttle_key = :k").setParameter("k", userKey(username))
                .executeUpdate();
    }

    private void count(String key, int threshold, String username) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        int failures = ((Number) em().createNativeQuery("""
                        INSERT INTO login_throttle AS t (throttle_key, failures, last_failure) VALUES (:k, 1, :now)
                        ON CONFLICT (throttle_key) DO UPDATE SET
                          failures = CASE WHEN t.last_failure < :windowStart THEN 1 ELSE t.failures + 1 END,
                          last_failure = :now
                        RETURNING failures""")
                .setParameter("k", key).setParameter("now", now)
                .setParameter("windowStart", now.minus(config.window()))
                .getSingleResult()).intValue();
        if (failures >= threshold) {
            Duration delay = backoff(failures - threshold);
            em().createNativeQuery("UPDATE login_throttle SET locked_until = :until WHERE throttle_key = :k")
                    .setParameter("until", now.plus(delay)).setParameter("k", key).executeUpdate();
            audit.record("auth.lockout", username, Outcome.OUTCOME_FAILURE,
                    "locked for " + delay.toSeconds() + " s after " + failures + " failures",
                    Map.of("scope", key.substring(0, key.indexOf(':'))));
        }
    }

    /** base × 2^n, capped. */
    Duration backoff(int beyondThreshold) {
        Duration delay = config.baseDelay();
        for (int i = 0; i < beyondThreshold && delay.compareTo(config.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    private Instant lockedUntil(List<String> keys) {
        List<?> rows = em().createNativeQuery(
                        "SELECT max(locked_until) FROM login_throttle WHERE throttle_key IN (:keys)")
                .setParameter("keys", keys).getResultList();
        Object value = rows.isEmpty() ? null : rows.get(0);
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return null;
    }

    private static String userKey(String username) {
        return "user:" + username;
    }

    private static String sourceKey(String source) {
        return "source:" + source;
    }

    private static EntityManager em() {
        return Panache.getEntityManager();
    }
}
