package dev.ztna.broker.grpc;

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
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

import java.util.LinkedHashSet;
import java.util.Set;

@GrpcService
public class ConnectorGrpcService extends ConnectorServiceGrpc.ConnectorServiceImplBase {

    static final int MAX_APPS = 256;
    private final ConnectorRegistry registry;
    private final TunnelBroker tunnels;

    public ConnectorGrpcService(ConnectorRegistry registry, TunnelBroker tunnels) {
        this.registry = registry;
        this.tunnels = tunnels;
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
                    String name = request.getHello().getConnectorName();
                    if (name.isEmpty() || name.length() > 128) {
                        refuse("hello.connector_name: must be 1..128 characters");
                        return;
                    }
                    attached = registry.attach(name, caller.subject(), apps, call);
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
                detach();
                if (!call.isCancelled()) {
                    call.onError(Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException());
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
