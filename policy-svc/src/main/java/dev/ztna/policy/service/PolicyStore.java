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
        long next = repository.findLatest().map(v -> v.version).orElse(0L) + 1;
        CompiledPolicy compiled = PolicyCompiler.compile(document, format, next);
        List<PolicyTests.Failure> failed = PolicyTests.run(compiled, Instant.now());
        if (!failed.isEmpty()) {
            throw new PolicyCompiler.InvalidPolicyException(PolicyTests.asErrors(failed));
        }
        PolicyVersion version = new PolicyVersion();
        version.version = next;
        version.document = document;
        version.format = format.name().toLowerCase();
        version.author = author;
        version.createdAt = Instant.now();
        repository.persist(version);
        repository.flush();
        audit.record("policy.change", author, Outcome.OUTCOME_SUCCESS, "policy version " + next + " stored",
                Map.of("policy_version", Long.toString(next), "rules", Integer.toString(compiled.ruleCount())));
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
