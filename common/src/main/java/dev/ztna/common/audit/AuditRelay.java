package dev.ztna.common.audit;

import com.google.protobuf.CodedOutputStream;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AppendResponse;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
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

    /**
     * Append with the request as bytes: the outbox already holds each event serialised, and an AppendRequest is
     * nothing but its events as field 1, so a batch is sent as the stored bytes framed — never parsed and
     * serialised again (the relay ran on every decision's record). audit-svc parses it as any AppendRequest.
     */
    static final MethodDescriptor<byte[], AppendResponse> APPEND_STORED = AuditIngestServiceGrpc.getAppendMethod()
            .toBuilder(new StoredBytes(), ProtoUtils.marshaller(AppendResponse.getDefaultInstance())).build();

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
        ClientCalls.blockingUnaryCall(audit.getChannel(), APPEND_STORED,
                audit.getCallOptions().withDeadlineAfter(10, TimeUnit.SECONDS), framed(entries));
        repository.deleteDelivered(entries.stream().map(AuditOutboxRepository.Pending::id).toList());
        return entries.size();
    }

    /** The serialised AppendRequest holding the stored events, byte for byte what AppendRequest would write. */
    static byte[] framed(List<AuditOutboxRepository.Pending> entries) {
        int size = 0;
        for (AuditOutboxRepository.Pending entry : entries) {
            size += CodedOutputStream.computeByteArraySize(AppendRequest.EVENTS_FIELD_NUMBER, entry.payload());
        }
        byte[] out = new byte[size];
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        try {
            for (AuditOutboxRepository.Pending entry : entries) {
                coded.writeByteArray(AppendRequest.EVENTS_FIELD_NUMBER, entry.payload());
            }
            coded.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("framing an append batch", e);
        }
        return out;
    }

    /** Passes a request that is already serialised. */
    private static final class StoredBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
