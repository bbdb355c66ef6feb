package dev.ztna.common.audit;

import com.google.protobuf.Timestamp;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Records audit events in the service's own database; {@link AuditRelay} delivers them to audit-svc. */
@ApplicationScoped
public class AuditOutbox {

    private final AuditOutboxRepository repository;
    private final String service;

    public AuditOutbox(AuditOutboxRepository repository,
                       @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.application.name") String service) {
        this.repository = repository;
        this.service = service;
    }

    /** Starts an event of the given type stamped with a fresh id, the current time and this service's name. */
    public AuditEvent.Builder event(String type, String actor, Outcome outcome, String reason) {
        Instant now = Instant.now();
        return AuditEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setType(type)
                .setService(service)
                .setActor(actor == null ? "" : actor)
                .setOutcome(outcome)
                .setReason(reason == null ? "" : reason);
    }

    /** Joins the caller's transaction, so the event exists exactly when the change it records does. */
    @Transactional
    public void record(AuditEvent event) {
        repository.persist(entry(event));
    }

    /** Many events in one statement batch, joining the caller's transaction. */
    @Transactional
    public void recordAll(List<AuditEvent> events) {
        repository.insertAll(events.stream().map(AuditOutbox::entry).toList());
    }

    private static AuditOutboxEntry entry(AuditEvent event) {
        AuditOutboxEntry entry = new AuditOutboxEntry();
        entry.id = UUID.fromString(event.getId());
        entry.createdAt = Instant.now();
        entry.payload = event.toByteArray();
        return entry;
    }

    @Transactional
    public void record(String type, String actor, Outcome outcome, String reason, Map<String, String> attributes) {
        record(event(type, actor, outcome, reason).putAllAttributes(attributes).build());
    }
}
