package dev.ztna.common.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the outbox to audit-svc in batches. A batch is deleted only after audit-svc acknowledged it; audit-svc
 * deduplicates by event id, so a crash between the two steps resends and never loses or doubles an event.
 */
@ApplicationScoped
public class AuditRelay {

    private static final Logger LOG = Logger.getLogger(AuditRelay.class);
    static final int BATCH = 500;

    private final AuditOutboxRepository repository;
    private final AuditIngestServiceGrpc.AuditIngestServiceBlockingStub audit;
    private volatile boolean failing;

    public AuditRelay(AuditOutboxRepository repository,
                      @GrpcClient("audit") AuditIngestServiceGrpc.AuditIngestServiceBlockingStub audit) {
        this.repository = repository;
        this.audit = audit;
    }

    @Scheduled(every = "${ztna.audit-relay.interval:500ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            while (deliverBatch() == BATCH) {
                // keep draining a backlog
            }
            if (failing) {
                LOG.info("audit-svc reachable again; outbox delivery resumed");
                failing = false;
            }
        } catch (StatusRuntimeException e) {
            if (!failing) {
                LOG.warnf("audit delivery paused, events stay in the outbox: %s", e.getStatus().getCode());
                failing = true;
            }
        }
    }

    /** Sends one batch; returns how many events it delivered. */
    @Transactional
    int deliverBatch() {
        List<AuditOutboxRepository.Pending> entries = repository.lockOldest(BATCH);
        if (entries.isEmpty()) {
            return 0;
        }
        AppendRequest.Builder request = AppendRequest.newBuilder();
        for (AuditOutboxRepository.Pending entry : entries) {
            try {
                request.addEvents(AuditEvent.parseFrom(entry.payload()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt outbox entry " + entry.id(), e);
            }
        }
        audit.withDeadlineAfter(10, TimeUnit.SECONDS).append(request.build());
        repository.deleteDelivered(entries.stream().map(AuditOutboxRepository.Pending::id).toList());
        return entries.size();
    }
}
