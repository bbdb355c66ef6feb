package dev.ztna.broker.tunnel;

import dev.ztna.common.auth.Caller;
import dev.ztna.proto.broker.v1.TunnelRequest;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.atomic.AtomicBoolean;

/** The user's side of one tunnelled TCP connection: waits for `open`, then feeds the splice. */
public final class UserTunnel implements StreamObserver<TunnelRequest> {

    private final ServerCallStreamObserver<TunnelResponse> call;
    private final Splice.Side<TunnelResponse> side;
    private final Caller caller;
    private final TunnelBroker.SessionLookup sessions;
    private final TunnelBroker broker;
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile boolean opened;
    private volatile Splice splice;

    UserTunnel(ServerCallStreamObserver<TunnelResponse> call, Caller caller, TunnelBroker.SessionLookup sessions,
               TunnelBroker broker) {
        this.call = call;
        this.side = Splice.Side.current(call);
        this.caller = caller;
        this.sessions = sessions;
        this.broker = broker;
        call.disableAutoRequest();
        call.setOnReadyHandler(this::onReady);
        call.setOnCancelHandler(() -> {
            Splice s = splice;
            if (s != null) {
                s.cut(Status.CANCELLED);
            }
        });
        call.request(1);
    }

    Splice.Side<TunnelResponse> side() {
        return side;
    }

    @Override
    public void onNext(TunnelRequest request) {
        Splice s = splice;
        if (s != null) {
            if (request.hasData()) {
                s.fromUser(request.getData());
            } else {
                s.cut(Status.INVALID_ARGUMENT.withDescription("open may only be sent once"));
            }
            return;
        }
        if (opened) {
            fail(Status.FAILED_PRECONDITION.withDescription("wait for the tunnel to open before sending data"));
            return;
        }
        if (!request.hasOpen()) {
            fail(Status.INVALID_ARGUMENT.withDescription("open: the first message must open the tunnel"));
            return;
        }
        opened = true;
        sessions.find(request.getOpen().getSessionId(), caller).whenComplete((session, error) -> side.run(() -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            if (cause instanceof io.grpc.StatusRuntimeException refused) {
                fail(refused.getStatus()); // only ever about the caller's own session (re-authentication due)
            } else if (error != null || session.isEmpty()) {
                fail(TunnelBroker.NOT_FOUND);
            } else {
                broker.dial(this, session.get());
            }
        }));
    }

    @Override
    public void onError(Throwable t) {
        Splice s = splice;
        if (s != null) {
            s.cut(Status.CANCELLED);
        }
    }

    @Override
    public void onCompleted() {
        Splice s = splice;
        if (s != null) {
            s.userEof();
        } else {
            fail(Status.CANCELLED.withDescription("closed before the tunnel opened"));
        }
    }

    void spliced(Splice s) {
        splice = s;
    }

    void fail(Status status) {
        if (failed.compareAndSet(false, true)) {
            side.run(() -> {
                try {
                    call.onError(status.asRuntimeException());
                } catch (RuntimeException ignored) {
                    // already cancelled by the client
                }
            });
        }
    }

    private void onReady() {
        Splice s = splice;
        if (s != null) {
            s.userReady();
        }
    }
}
