package dev.ztna.broker.tunnel;

import dev.ztna.proto.broker.v1.AttachResponse;
import dev.ztna.proto.broker.v1.DialOrder;
import io.grpc.stub.ServerCallStreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Set;

/** A connector holding its control stream to this broker. */
public final class AttachedConnector {

    private final String id;
    private final String name;
    private final String principal;
    private final Set<String> apps;
    private final ServerCallStreamObserver<AttachResponse> control;
    private volatile long lastSeenMillis = System.currentTimeMillis();
    /** The tunnels this connector carries right now. */
    private final Set<Cuttable> carrying = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The control call's event loop: it is written from there only. */
    private final Context context = Vertx.currentContext();

    AttachedConnector(String id, String name, String principal, Set<String> apps, ServerCallStreamObserver<AttachResponse> control) {
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

    /** The enrolled connector identity it authenticated as. */
    public String principal() {
        return principal;
    }

    public Set<String> apps() {
        return apps;
    }

    /** Hands the message to the control call's own loop, which writes messages in order. */
    public void send(AttachResponse message) {
        Runnable write = () -> {
            if (!control.isCancelled()) {
                control.onNext(message);
            }
        };
        if (context == null || Vertx.currentContext() == context) {
            write.run();
        } else {
            context.runOnContext(v -> write.run());
        }
    }

    /** The connector showed it is alive (a heartbeat or any other message). */
    public void seen() {
        lastSeenMillis = System.currentTimeMillis();
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Ends the control stream from the broker's side, on its own loop. */
    void end(io.grpc.Status status) {
        Runnable close = () -> {
            if (!control.isCancelled()) {
                try {
                    control.onError(status.asRuntimeException());
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
        };
        if (context == null || Vertx.currentContext() == context) {
            close.run();
        } else {
            context.runOnContext(v -> close.run());
        }
    }

    void carry(Cuttable stream) {
        carrying.add(stream);
    }

    void release(Cuttable stream) {
        carrying.remove(stream);
    }

    /** Cuts every tunnel this connector carries (it is gone); returns how many. */
    int cutAll(io.grpc.Status status) {
        List<Cuttable> cut = List.copyOf(carrying);
        cut.forEach(s -> s.cut(status));
        return cut.size();
    }

    void dial(String streamId, String app) {
        send(AttachResponse.newBuilder().setDial(DialOrder.newBuilder().setStreamId(streamId).setApp(app)).build());
    }

    /** A dial order answered on the broker's TCP data channel with {@code ticket}. */
    void dial(String streamId, String app, byte[] ticket, int port) {
        send(AttachResponse.newBuilder().setDial(DialOrder.newBuilder().setStreamId(streamId).setApp(app)
                .setDataTicket(com.google.protobuf.ByteString.copyFrom(ticket)).setDataPort(port)).build());
    }
}
