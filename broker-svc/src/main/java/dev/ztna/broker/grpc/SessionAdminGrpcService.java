package dev.ztna.broker.grpc;

import com.google.protobuf.Timestamp;
import dev.ztna.broker.service.SessionManager;
import dev.ztna.broker.repository.AccessSessionRepository.SessionView;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.broker.v1.ListSessionsRequest;
import dev.ztna.proto.broker.v1.ListSessionsResponse;
import dev.ztna.proto.broker.v1.RevokeSessionRequest;
import dev.ztna.proto.broker.v1.RevokeSessionResponse;
import dev.ztna.proto.broker.v1.SessionAdminService;
import dev.ztna.proto.broker.v1.SessionInfo;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.UUID;

/** Operators (role admin) list the open sessions of the site (every broker) and cut one, wherever it is carried. */
@GrpcService
public class SessionAdminGrpcService implements SessionAdminService {

    private final SessionManager sessions;

    public SessionAdminGrpcService(SessionManager sessions) {
        this.sessions = sessions;
    }

    @Override
    @Blocking
    public Uni<ListSessionsResponse> listSessions(ListSessionsRequest request) {
        CallerContext.requireRole("admin");
        ListSessionsResponse.Builder out = ListSessionsResponse.newBuilder();
        for (SessionView s : sessions.openSessions(request.getUsername(), request.getApp())) {
            out.addSessions(SessionInfo.newBuilder()
                    .setSessionId(s.id().toString())
                    .setUsername(s.username())
                    .setApp(s.app())
                    .addAllConnectors(s.connectors())
                    .setBytesFromUser(s.bytesFromUser())
                    .setBytesToUser(s.bytesToUser())
                    .setOpenTime(timestamp(s.openedAt()))
                    .setLastActivityTime(timestamp(s.lastActivityAt()))
                    .setTunnels(s.tunnels())
                    .setSourceAddress(s.sourceAddress()));
        }
        return Uni.createFrom().item(out.build());
    }

    @Override
    @Blocking
    public Uni<RevokeSessionResponse> revokeSession(RevokeSessionRequest request) {
        Caller caller = CallerContext.requireRole("admin");
        UUID id;
        try {
            id = UUID.fromString(request.getSessionId());
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument("session_id", "must be a session id (UUID) as listed by ListSessions");
        }
        String reason = request.getReason().strip();
        if (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidArgument("reason", "must be at most 200 characters, without control characters");
        }
        if (!sessions.revokeByOperator(id, caller.name(), reason)) {
            throw Errors.notFound("SESSION_NOT_FOUND", "no open session " + id);
        }
        return Uni.createFrom().item(RevokeSessionResponse.getDefaultInstance());
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
