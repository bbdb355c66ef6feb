package dev.ztna.broker.grpc;

import com.google.protobuf.Timestamp;
import dev.ztna.broker.domain.ConnectorIdentity;
import dev.ztna.broker.service.ConnectorAssertionVerifier;
import dev.ztna.broker.service.ConnectorEnroller;
import dev.ztna.broker.tunnel.ConnectorRegistry;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.broker.v1.ConnectorAdminServiceGrpc;
import dev.ztna.proto.broker.v1.ConnectorInfo;
import dev.ztna.proto.broker.v1.CreateEnrollmentTokenRequest;
import dev.ztna.proto.broker.v1.CreateEnrollmentTokenResponse;
import dev.ztna.proto.broker.v1.ListConnectorsRequest;
import dev.ztna.proto.broker.v1.ListConnectorsResponse;
import dev.ztna.proto.broker.v1.RevokeConnectorRequest;
import dev.ztna.proto.broker.v1.RevokeConnectorResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Operators (role admin) enrol, list and revoke connectors. */
@GrpcService
public class ConnectorAdminGrpcService extends ConnectorAdminServiceGrpc.ConnectorAdminServiceImplBase {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    private static final Duration MIN_TTL = Duration.ofMinutes(1);
    private static final Duration MAX_TTL = Duration.ofDays(7);
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final ConnectorEnroller enroller;
    private final ConnectorAssertionVerifier assertions;
    private final ConnectorRegistry registry;

    public ConnectorAdminGrpcService(ConnectorEnroller enroller, ConnectorAssertionVerifier assertions,
                                     ConnectorRegistry registry) {
        this.enroller = enroller;
        this.assertions = assertions;
        this.registry = registry;
    }

    @Override
    @Blocking
    public void createEnrollmentToken(CreateEnrollmentTokenRequest request,
                                      StreamObserver<CreateEnrollmentTokenResponse> response) {
        Caller caller = CallerContext.requireRole("admin");
        if (!NAME.matcher(request.getConnectorName()).matches()) {
            throw Errors.invalidArgument("connector_name", "must be 1..128 characters of a-z, 0-9, '.', '_' and '-'");
        }
        Set<String> apps = new LinkedHashSet<>();
        for (String app : request.getAppsList()) {
            if (!AccessGrpcService.APP.matcher(app).matches()) {
                throw Errors.invalidArgument("apps", "'" + app + "' must be 1..64 characters of a-z, 0-9 and -");
            }
            apps.add(app);
        }
        if (apps.isEmpty() || apps.size() > ConnectorGrpcService.MAX_APPS) {
            throw Errors.invalidArgument("apps", "name 1.." + ConnectorGrpcService.MAX_APPS + " apps");
        }
        Duration ttl = DEFAULT_TTL;
        if (request.hasTtl()) {
            ttl = Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos());
            if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
                throw Errors.invalidArgument("ttl", "must be between 1 minute and 7 days");
            }
        }
        ConnectorEnroller.IssuedToken issued = enroller.createToken(caller, request.getConnectorName(), apps, ttl);
        response.onNext(CreateEnrollmentTokenResponse.newBuilder().setEnrollmentToken(issued.token())
                .setExpireTime(timestamp(issued.expiresAt())).build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void listConnectors(ListConnectorsRequest request, StreamObserver<ListConnectorsResponse> response) {
        CallerContext.requireRole("admin");
        if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE) {
            throw Errors.invalidArgument("page_size", "must be 0.." + MAX_PAGE);
        }
        UUID after = request.getPageToken().isEmpty() ? null : connectorId(request.getPageToken(), "page_token");
        int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
        List<ConnectorIdentity> page = enroller.page(after, size + 1);
        ListConnectorsResponse.Builder out = ListConnectorsResponse.newBuilder();
        for (ConnectorIdentity c : page.subList(0, Math.min(size, page.size()))) {
            ConnectorInfo.Builder info = ConnectorInfo.newBuilder().setConnectorId(c.id.toString())
                    .setConnectorName(c.name).addAllApps(c.appList()).setEnrollTime(timestamp(c.enrolledAt))
                    .setAttached(registry.isAttached(c.id.toString()));
            if (c.revokedAt != null) {
                info.setRevokeTime(timestamp(c.revokedAt));
            }
            out.addConnectors(info);
        }
        if (page.size() > size) {
            out.setNextPageToken(page.get(size - 1).id.toString());
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void revokeConnector(RevokeConnectorRequest request, StreamObserver<RevokeConnectorResponse> response) {
        Caller caller = CallerContext.requireRole("admin");
        UUID id = connectorId(request.getConnectorId(), "connector_id");
        if (!enroller.revoke(caller, id)) {
            throw Errors.notFound("CONNECTOR_NOT_FOUND", "no enrolled, unrevoked connector " + id);
        }
        assertions.refresh();
        registry.detachRevoked();
        response.onNext(RevokeConnectorResponse.getDefaultInstance());
        response.onCompleted();
    }

    private static UUID connectorId(String text, String field) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument(field, "must be a connector id (UUID) as listed by ListConnectors");
        }
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
