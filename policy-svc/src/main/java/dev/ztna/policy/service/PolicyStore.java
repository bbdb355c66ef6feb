package dev.ztna.policy.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.policy.config.PolicyConfig;
import dev.ztna.policy.domain.PolicyVersion;
import dev.ztna.policy.repository.PolicyVersionRepository;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live policy. Writes validate first and store a new immutable version; a rejected document leaves the live
 * version untouched. Until a policy exists, the live policy is empty and everything is denied.
 */
@ApplicationScoped
public class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    private final PolicyVersionRepository repository;
    private final AuditOutbox audit;
    private final PolicyConfig config;
    private final PolicyChanges changes;
    private volatile CompiledPolicy live = new CompiledPolicy(0, List.of());

    public PolicyStore(PolicyVersionRepository repository, AuditOutbox audit, PolicyConfig config,
                       PolicyChanges changes) {
        this.repository = repository;
        this.audit = audit;
        this.config = config;
        this.changes = changes;
    }

    void onStart(@Observes StartupEvent event) {
        reload();
        if (live.version() == 0 && config.bootstrapFile().isPresent()) {
            Path file = Path.of(config.bootstrapFile().get());
            try {
                PolicyCompiler.Format format = file.toString().endsWith(".json")
                        ? PolicyCompiler.Format.JSON : PolicyCompiler.Format.YAML;
                long version = put(Files.readString(file), format, "bootstrap");
                LOG.infof("bootstrap: stored policy from %s as version %d", file, version);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read policy bootstrap file " + file, e);
            }
        }
    }

    public CompiledPolicy live() {
        return live;
    }

    public Optional<PolicyVersion> latest() {
        return QuarkusTransaction.requiringNew().call(repository::findLatest);
    }

    /** Validates, runs the document's own tests, stores and activates it; returns its version. */
    @Transactional
    public synchronized long put(String document, PolicyCompiler.Format format, String author) {
        return store(document, format, author, Map.of());
    }

    /** Makes an earlier version's document live again as a new version; empty when there is no such version. */
    @Transactional
    public synchronized Optional<Long> rollback(long toVersion, String author) {
        PolicyVersion old = repository.findById(toVersion);
        if (old == null) {
            return Optional.empty();
        }
        return Optional.of(store(old.document, PolicyCompiler.Format.valueOf(old.format.toUpperCase()), author,
                Map.of("rollback_of", Long.toString(toVersion))));
    }

    /** A stored version, or empty. */
    public Optional<PolicyVersion> version(long version) {
        return QuarkusTransaction.requiringNew().call(() -> Optional.ofNullable(repository.findById(version)));
    }

    /** Stored versions older than {@code before} (0: all), newest first. */
    public List<PolicyVersion> versions(long before, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> (before > 0
                ? repository.find("version < ?1 order by version desc", before)
                : repository.find("order by version desc")).page(0, limit).list());
    }

    private long store(String document, PolicyCompiler.Format format, String author, Map<String, String> extra) {
        long next = repository.findLatest().map(v -> v.version).orElse(0L) + 1;
        CompiledPolicy compiled = PolicyTests.compileTested(document, format, next);
        PolicyVersion version = new PolicyVersion();
        version.version = next;
        version.document = document;
        version.format = format.name().toLowerCase();
        version.author = author;
        version.createdAt = Instant.now();
        repository.persist(version);
        repository.flush();
        Map<String, String> attributes = new java.util.HashMap<>(extra);
        attributes.put("policy_version", Long.toString(next));
        attributes.put("rules", Integer.toString(compiled.ruleCount()));
        audit.record("policy.change", author, Outcome.OUTCOME_SUCCESS, "policy version " + next + " stored"
                + (extra.containsKey("rollback_of") ? " (rollback to version " + extra.get("rollback_of") + ")" : ""),
                attributes);
        live = compiled;
        changes.publish(next);
        return next;
    }

    /** Picks up versions written by other instances of policy-svc. */
    @Scheduled(every = "${ztna.policy.reload-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reload() {
        latest().filter(v -> v.version != live.version()).ifPresent(v -> {
            live = PolicyCompiler.compile(v.document, PolicyCompiler.Format.valueOf(v.format.toUpperCase()), v.version);
            changes.publish(v.version);
            LOG.infof("policy version %d is live", v.version);
        });
    }
}
