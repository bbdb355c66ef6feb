package dev.ztna.audit.grpc;

import dev.ztna.audit.service.AuditLog;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AppendResponse;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

@GrpcService
public class AuditIngestGrpcService implements AuditIngestService {

    static final int MAX_BATCH = 1000;
    private final AuditLog log;

    public AuditIngestGrpcService(AuditLog log) {
        this.log = log;
    }

    @Override
    @Blocking
    public Uni<AppendResponse> append(AppendRequest request) {
        CallerContext.requireRole("audit-writer");
        if (request.getEventsCount() == 0 || request.getEventsCount() > MAX_BATCH) {
            throw Errors.invalidArgument("events", "must hold 1.." + MAX_BATCH + " events");
        }
        for (int i = 0; i < request.getEventsCount(); i++) {
            validate("events[" + i + "].", request.getEvents(i));
        }
        AuditLog.AppendResult result = log.append(request.getEventsList());
        return Uni.createFrom().item(AppendResponse.newBuilder()
                .setAppended(result.appended()).setDuplicates(result.duplicates()).build());
    }

    private static void validate(String prefix, AuditEvent event) {
        try {
            UUID.fromString(event.getId());
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument(prefix + "id", "must be a UUID");
        }
        if (!event.hasTime() || event.getTime().getSeconds() <= 0) {
            throw Errors.invalidArgument(prefix + "time", "is required");
        }
        text(prefix + "type", event.getType(), 1, 128);
        text(prefix + "service", event.getService(), 1, 128);
        text(prefix + "actor", event.getActor(), 0, 256);
        text(prefix + "app", event.getApp(), 0, 128);
        text(prefix + "reason", event.getReason(), 0, 4096);
        text(prefix + "session_id", event.getSessionId(), 0, 128);
        if (event.getAttributesCount() > 64) {
            throw Errors.invalidArgument(prefix + "attributes", "at most 64 attributes");
        }
    }

    private static void text(String field, String value, int min, int max) {
        if (value.length() < min || value.length() > max) {
            throw Errors.invalidArgument(field, min > 0 ? "must be " + min + ".." + max + " characters"
                    : "must be at most " + max + " characters");
        }
    }
}
