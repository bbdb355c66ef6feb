package dev.ztna.broker.grpc;

import com.google.protobuf.Timestamp;
import dev.ztna.broker.service.SessionManager;
import dev.ztna.broker.tunnel.LiveSession;
import dev.ztna.broker.tunnel.DataChannelServer;
import dev.ztna.broker.tunnel.TunnelBroker;
import com.google.protobuf.ByteString;
import dev.ztna.proto.broker.v1.OpenDataChannelRequest;
import dev.ztna.proto.broker.v1.OpenDataChannelResponse;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.App;
import dev.ztna.proto.broker.v1.CloseSessionRequest;
import dev.ztna.proto.broker.v1.CloseSessionResponse;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.ListAppsResponse;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import dev.ztna.proto.broker.v1.OpenSessionResponse;
import dev.ztna.proto.broker.v1.ReauthenticateRequest;
import dev.ztna.proto.broker.v1.ReauthenticateResponse;
import dev.ztna.proto.broker.v1.TunnelRequest;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

@GrpcService
public class AccessGrpcService extends AccessServiceGrpc.AccessServiceImplBase {

    static final Pattern APP = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final SessionManager sessions;
    private final TunnelBroker tunnels;
    private final DataChannelServer dataChannels;

    public AccessGrpcService(SessionManager sessions, TunnelBroker tunnels, DataChannelServer dataChannels) {
        this.sessions = sessions;
        this.tunnels = tunnels;
        this.dataChannels = dataChannels;
    }

    @Override
    @Blocking
    public void listApps(ListAppsRequest request, StreamObserver<ListAppsResponse> response) {
        Caller caller = CallerContext.current();
        if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE) {
            throw Errors.invalidArgument("page_size", "must be 0.." + MAX_PAGE);
        }
        String after = "";
        if (!request.getPageToken().isEmpty()) {
            try {
                after = new String(Base64.getUrlDecoder().decode(request.getPageToken()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Errors.invalidArgument("page_token", "is not a token this server issued");
            }
        }
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
        String start = after;
        List<String> apps = sessions.reachableApps(caller, UUID.randomUUID().toString()).stream()
                .filter(a -> a.compareTo(start) > 0).toList();
        ListAppsResponse.Builder out = ListAppsResponse.newBuilder();
        apps.stream().limit(size).forEach(a -> out.addApps(App.newBuilder().setName(a)));
        if (apps.size() > size) {
            out.setNextPageToken(Base64.getUrlEncoder().encodeToString(
                    apps.get(size - 1).getBytes(StandardCharsets.UTF_8)));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> response) {
        Caller caller = CallerContext.current();
        String app = request.getApp();
        if (app.isEmpty()) {
            throw Errors.invalidArgument("app", "must not be empty");
        }
        if (!APP.matcher(app).matches()) {
            throw Errors.invalidArgument("app", "must be 1..64 characters of a-z, 0-9 and -");
        }
        String justification = request.getJustification().strip();
        if (justification.length() > 500 || justification.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidArgument("justification", "must be at most 500 characters, without control characters");
        }
        LiveSession session = sessions.open(caller, app, UUID.randomUUID().toString(), justification);
        response.onNext(OpenSessionResponse.newBuilder()
                .setSessionId(session.id().toString())
                .setOpenTime(Timestamp.newBuilder().setSeconds(session.openedAt().getEpochSecond()))
                .build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> response) {
        Caller caller = CallerContext.current();
        if (request.getSessionId().isEmpty()) {
            throw Errors.invalidArgument("session_id", "must not be empty");
        }
        sessions.close(request.getSessionId(), caller, "closed by user");
        response.onNext(CloseSessionResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void reauthenticate(ReauthenticateRequest request, StreamObserver<ReauthenticateResponse> response) {
        Caller caller = CallerContext.current();
        if (request.getSessionId().isEmpty()) {
            throw Errors.invalidArgument("session_id", "must not be empty");
        }
        sessions.reauthenticate(request.getSessionId(), caller);
        response.onNext(ReauthenticateResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void openDataChannel(OpenDataChannelRequest request, StreamObserver<OpenDataChannelResponse> response) {
        Caller caller = CallerContext.current();
        if (request.getSessionId().isEmpty()) {
            throw Errors.invalidArgument("session_id", "must not be empty");
        }
        int port = dataChannels.port().orElseThrow(() -> Errors.failedPrecondition("DATA_CHANNEL_DISABLED",
                "this broker has no TCP data channel; use Tunnel"));
        Optional<LiveSession> session;
        try {
            session = sessions.find(request.getSessionId(), caller).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.unavailable("INTERRUPTED", "the broker is stopping; try again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException refused) {
                throw refused; // only ever about the caller's own session (re-authentication due)
            }
            throw TunnelBroker.NOT_FOUND.asRuntimeException();
        }
        LiveSession live = session.orElseThrow(TunnelBroker.NOT_FOUND::asRuntimeException);
        response.onNext(OpenDataChannelResponse.newBuilder()
                .setTicket(ByteString.copyFrom(dataChannels.ticket(live, sessions::isLive))).setPort(port).build());
        response.onCompleted();
    }

    /** Not blocking: the data path never touches the database and stays on the event loop. */
    @Override
    public StreamObserver<TunnelRequest> tunnel(StreamObserver<TunnelResponse> response) {
        Caller caller = CallerContext.current();
        return tunnels.userTunnel((ServerCallStreamObserver<TunnelResponse>) response, caller, sessions);
    }
}
