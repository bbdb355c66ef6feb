package dev.ztna.broker.tunnel;

import dev.ztna.proto.broker.v1.AttachResponse;
import dev.ztna.proto.broker.v1.DialOrder;
import io.grpc.stub.StreamObserver;

import java.util.Set;

/** A connector holding its control stream to this broker. */
public final class AttachedConnector {

    private final String id;
    private final String name;
    private final String principal;
    private final Set<String> apps;
    private final StreamObserver<AttachResponse> control;

    AttachedConnector(String id, String name, String principal, Set<String> apps, StreamObserver<AttachResponse> control) {
        this.id = id;
        this.name = name;
        this.principal = principal;
        this.apps = Set.copyOf(apps);
        this.control = control;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The service account the connector authenticated as. */
    public String principal() {
        return principal;
    }

    public Set<String> apps() {
        return apps;
    }

    /** Control messages from several threads must not interleave. */
    public synchronized void send(AttachResponse message) {
        control.onNext(message);
    }

    void dial(String streamId, String app) {
        send(AttachResponse.newBuilder().setDial(DialOrder.newBuilder().setStreamId(streamId).setApp(app)).build());
    }
}
