package dev.ztna.broker.grpc;

import dev.ztna.broker.domain.ConnectorIdentity;
import dev.ztna.broker.service.ConnectorAssertionVerifier;
import dev.ztna.broker.service.ConnectorEnroller;
import dev.ztna.broker.tunnel.AttachedConnector;
import dev.ztna.broker.tunnel.ConnectorRegistry;
import dev.ztna.broker.tunnel.TunnelBroker;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.CallerContext;
import dev.ztna.proto.broker.v1.AppAnnouncement;
import dev.ztna.proto.broker.v1.AttachAccepted;
import dev.ztna.proto.broker.v1.AttachRequest;
import dev.ztna.proto.broker.v1.AttachResponse;
import dev.ztna.proto.broker.v1.ConnectorServiceGrpc;
import dev.ztna.proto.broker.v1.DataRequest;
import dev.ztna.proto.broker.v1.DataResponse;
import dev.ztna.proto.broker.v1.EnrollRequest;
import dev.ztna.proto.broker.v1.EnrollResponse;
import dev.ztna.common.error.Errors;
import dev.ztna.common.grpc.SourceAddress;
import io.smallrye.common.annotation.Blocking;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

import java.util.LinkedHashSet;
import java.util.Set;

@GrpcService
public class ConnectorGrpcService extends ConnectorServiceGrpc.ConnectorServiceImplBase {

    static final int MAX_APPS = 256;
    private static final int MAX_TOKEN_LENGTH = 256;
    private static final int MAX_KEY_LENGTH = 1024;
    private final ConnectorRegistry registry;
    private final TunnelBroker tunnels;
    private final ConnectorEnroller enroller;
    private final ConnectorAssertionVerifier assertions;

    public ConnectorGrpcService(ConnectorRegistry registry, TunnelBroker tunnels, ConnectorEnroller enroller,
                                ConnectorAssertionVerifier assertions) {
        this.registry = registry;
        this.tunnels = tunnels;
        this.enroller = enroller;
        this.assertions = assertions;
    }

    @Override
    @Blocking
    public void enroll(EnrollRequest request, StreamObserver<EnrollResponse> response) {
        String token = request.getEnrollmentToken();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw Errors.invalidArgument("enrollment_token", "must be the token printed by `ztna connectors enroll`");
        }
        if (request.getPublicKey().isEmpty() || request.getPublicKey().size() > MAX_KEY_LENGTH) {
            throw Errors.invalidArgument("public_key", "must be an EC P-256 public key (X.509 SubjectPublicKeyInfo, DER)");
        }
        ConnectorIdentity identity = enroller.enroll(token, request.getPublicKey().toByteArray(), SourceAddress.current());
        assertions.refresh();
        response.onNext(EnrollResponse.newBuilder().setConnectorId(identity.id.toString())
                .setConnectorName(identity.name).addAllApps(identity.appList()).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<AttachRequest> attach(StreamObserver<AttachResponse> response) {
        Caller caller = CallerContext.requireRole("connector");
        ServerCallStreamObserver<AttachResponse> call = (ServerCallStreamObserver<AttachResponse>) response;
        return new StreamObserver<>() {
            private AttachedConnector attached;

            {
                call.setOnCancelHandler(this::detach);
            }

            @Override
            public void onNext(AttachRequest request) {
                if (request.hasHello() && attached == null) {
                    Set<String> apps = new LinkedHashSet<>();
                    for (AppAnnouncement app : request.getHello().getAppsList()) {
                        if (!AccessGrpcService.APP.matcher(app.getName()).matches()) {
                            refuse("hello.apps: '" + app.getName() + "' must be 1..64 characters of a-z, 0-9 and -");
                            return;
                        }
                        apps.add(app.getName());
                    }
                    if (apps.isEmpty() || apps.size() > MAX_APPS) {
                        refuse("hello.apps: announce 1.." + MAX_APPS + " apps");
                        return;
                    }
                    ConnectorAssertionVerifier.Enrolled enrolled = assertions.enrolled(caller.subject());
                    if (enrolled == null) {
                        end(Status.UNAUTHENTICATED.withDescription("this connector's enrolment was revoked"));
                        return;
                    }
                    Set<String> foreign = new java.util.TreeSet<>(apps);
                    foreign.removeAll(enrolled.apps());
                    if (!foreign.isEmpty()) {
                        end(Status.PERMISSION_DENIED.withDescription("hello.apps: this connector is not enrolled for "
                                + String.join(", ", foreign) + " (enrolled for " + String.join(", ",
                                new java.util.TreeSet<>(enrolled.apps())) + ")"));
                        return;
                    }
                    attached = registry.attach(enrolled.name(), caller.subject(), apps, call);
                    java.time.Duration beat = registry.heartbeatInterval();
                    attached.send(AttachResponse.newBuilder().setAccepted(AttachAccepted.newBuilder()
                            .setConnectorId(attached.id())
                            .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder()
                                    .setSeconds(beat.getSeconds()).setNanos(beat.getNano()))).build());
                } else if (request.hasHeartbeat() && attached != null) {
                    attached.seen();
                } else if (request.hasDialFailure() && attached != null) {
                    attached.seen();
                    tunnels.dialFailed(request.getDialFailure().getStreamId(), attached,
                            request.getDialFailure().getReason());
                } else {
                    refuse("the first message must be hello, and only once");
                }
            }

            @Override
            public void onError(Throwable t) {
                detach();
            }

            @Override
            public void onCompleted() {
                detach();
                if (!call.isCancelled()) {
                    call.onCompleted();
                }
            }

            private void refuse(String why) {
                end(Status.INVALID_ARGUMENT.withDescription(why));
            }

            private void end(Status status) {
                detach();
                if (!call.isCancelled()) {
                    call.onError(status.asRuntimeException());
                }
            }

            private void detach() {
                if (attached != null) {
                    registry.detach(attached);
                }
            }
        };
    }

    @Override
    public StreamObserver<DataRequest> data(StreamObserver<DataResponse> response) {
        Caller caller = CallerContext.requireRole("connector");
        return tunnels.connectorData((ServerCallStreamObserver<DataResponse>) response, caller);
    }
}
