package dev.ztna.policy.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shadow mode: a candidate policy evaluated beside the live one on every real decision and only recorded — never
 * enforced. Disagreements are counted here (by user, app and rule, with the latest examples) and each decision record
 * carries the shadow's answer. The candidate is kept in the database, so every instance (and a restart) evaluates it.
 */
@ApplicationScoped
public class ShadowPolicy {

    private static final Logger LOG = Logger.getLogger(ShadowPolicy.class);
    static final int MAX_KEYS = 10_000;
    static final int RECENT = 20;
    static final String OTHER = "(other)";

    /** A shadow's answer for one decision. */
    public record Verdict(boolean allowed, String ruleId) {
    }

    /** Disagreements of one user, app or rule pair. */
    public record Count(String key, long newlyDenied, long newlyAllowed) {
    }

    /** The 100 keys with the most disagreements, most first. */
    static List<Count> top(Map<String, long[]> counts) {
        return counts.entrySet().stream()
                .map(e -> {
                    synchronized (e.getValue()) {
                        return new Count(e.getKey(), e.getValue()[0], e.getValue()[1]);
                    }
                })
                .sorted(java.util.Comparator.comparingLong((Count c) -> -(c.newlyDenied() + c.newlyAllowed()))
                        .thenComparing(Count::key))
                .limit(100)
                .toList();
    }

    public record Example(Instant time, String username, String app, boolean liveAllowed, String liveRule,
                          boolean shadowAllowed, String shadowRule) {
    }

    /** The candidate and what it would have changed since {@code since}. */
    public static final class Shadow {
        final CompiledPolicy policy;
        final String author;
        final Instant since;
        final AtomicLong compared = new AtomicLong();
        final AtomicLong newlyDenied = new AtomicLong();
        final AtomicLong newlyAllowed = new AtomicLong();
        final ConcurrentHashMap<String, long[]> byUser = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, long[]> byApp = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, long[]> byRule = new ConcurrentHashMap<>();
        final Deque<Example> recent = new ArrayDeque<>();

        Shadow(CompiledPolicy policy, String author, Instant since) {
            this.policy = policy;
            this.author = author;
            this.since = since;
        }

        public String author() {
            return author;
        }

        public Instant since() {
            return since;
        }

        public long compared() {
            return compared.get();
        }

        public long newlyDenied() {
            return newlyDenied.get();
        }

        public long newlyAllowed() {
            return newlyAllowed.get();
        }

        public List<Count> byUser() {
            return top(byUser);
        }

        public List<Count> byApp() {
            return top(byApp);
        }

        public List<Count> byRule() {
            return top(byRule);
        }

        public synchronized List<Example> recent() {
            return List.copyOf(recent);
        }
    }

    private final EntityManager em;
    private final AuditOutbox audit;
    private volatile Shadow current;
    private volatile Instant loadedCreatedAt;

    public ShadowPolicy(EntityManager em, AuditOutbox audit) {
        this.em = em;
        this.audit = audit;
    }

    void onStart(@Observes StartupEvent event) {
        reload();
    }

    /** Validates and tests the candidate like a live policy, stores it and starts counting afresh. */
    public Instant put(String document, PolicyCompiler.Format format, String author) {
        CompiledPolicy compiled = PolicyTests.compileTested(document, format, 0);
        // the database keeps microseconds: the reload compares this time with the stored one
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                            INSERT INTO shadow_policy (id, document, format, author, created_at) VALUES (1, :d, :f, :a, :t)
                            ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, format = EXCLUDED.format,
                                author = EXCLUDED.author, created_at = EXCLUDED.created_at""")
                    .setParameter("d", document).setParameter("f", format.name().toLowerCase())
                    .setParameter("a", author).setParameter("t", Timestamp.from(now)).executeUpdate();
            audit.record("policy.shadow.put", author, Outcome.OUTCOME_SUCCESS, "shadow policy put: evaluated, not enforced",
                    Map.of("rules", Integer.toString(compiled.ruleCount())));
        });
        current = new Shadow(compiled, author, now);
        loadedCreatedAt = now;
        return now;
    }

    /** Stops the shadow; false when there was none. */
    public boolean delete(String author) {
        boolean deleted = QuarkusTransaction.requiringNew().call(() -> {
            int rows = em.createNativeQuery("DELETE FROM shadow_policy WHERE id = 1").executeUpdate();
            if (rows > 0) {
                Shadow s = current;
                audit.record("policy.shadow.delete", author, Outcome.OUTCOME_SUCCESS, "shadow policy stopped",
                        s == null ? Map.of() : Map.of("compared", Long.toString(s.compared()),
                                "newly_denied", Long.toString(s.newlyDenied()), "newly_allowed", Long.toString(s.newlyAllowed())));
            }
            return rows > 0;
        });
        current = null;
        loadedCreatedAt = null;
        return deleted;
    }

    public Optional<Shadow> current() {
        return Optional.ofNullable(current);
    }

    /**
     * The shadow's answer to a decision just made by the live policy (none without a shadow); a disagreement is
     * counted. Evaluation is in memory, microseconds.
     */
    public Optional<Verdict> compare(CompiledPolicy.Subject subject, String app, Instant now, CompiledPolicy.Decision live) {
        Shadow s = current;
        if (s == null) {
            return Optional.empty();
        }
        CompiledPolicy.Decision shadow = s.policy.decide(subject, app, now);
        s.compared.incrementAndGet();
        if (shadow.allowed() != live.allowed()) {
            int column = shadow.allowed() ? 1 : 0; // 0: newly denied, 1: newly allowed
            (shadow.allowed() ? s.newlyAllowed : s.newlyDenied).incrementAndGet();
            count(s.byUser, subject.username(), column);
            count(s.byApp, app, column);
            count(s.byRule, rule(live.ruleId()) + " -> " + rule(shadow.ruleId()), column);
            synchronized (s) {
                s.recent.addFirst(new Example(now, subject.username(), app, live.allowed(), live.ruleId(), shadow.allowed(),
                        shadow.ruleId()));
                while (s.recent.size() > RECENT) {
                    s.recent.removeLast();
                }
            }
        }
        return Optional.of(new Verdict(shadow.allowed(), shadow.ruleId()));
    }

    private static void count(ConcurrentHashMap<String, long[]> counts, String key, int column) {
        String k = counts.size() >= MAX_KEYS && !counts.containsKey(key) ? OTHER : key;
        long[] cell = counts.computeIfAbsent(k, x -> new long[2]);
        synchronized (cell) {
            cell[column]++;
        }
    }

    private static String rule(String id) {
        return id.isEmpty() ? Simulator.DEFAULT_DENY : id;
    }

    /** Picks up a shadow put or deleted through another instance. */
    @Scheduled(every = "${ztna.policy.reload-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void reload() {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT document, format, author, created_at FROM shadow_policy WHERE id = 1")
                    .getResultList();
            return rows.isEmpty() ? null : rows.get(0);
        });
        if (row == null) {
            current = null;
            loadedCreatedAt = null;
            return;
        }
        Instant created = row[3] instanceof Timestamp t ? t.toInstant() : row[3] instanceof java.time.OffsetDateTime o
                ? o.toInstant() : (Instant) row[3];
        if (created.equals(loadedCreatedAt)) {
            return;
        }
        try {
            current = new Shadow(PolicyCompiler.compile((String) row[0],
                    PolicyCompiler.Format.valueOf(((String) row[1]).toUpperCase()), 0), (String) row[2], created);
            loadedCreatedAt = created;
        } catch (PolicyCompiler.InvalidPolicyException e) {
            LOG.errorf("the stored shadow policy no longer compiles; shadow evaluation is off: %s", e.getMessage());
            current = null;
        }
    }
}
