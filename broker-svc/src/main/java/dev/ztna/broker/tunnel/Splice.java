package dev.ztna.broker.tunnel;

import com.google.protobuf.ByteString;
import dev.ztna.proto.broker.v1.DataResponse;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins a user's Tunnel call and a connector's Data call, both server calls on this broker, with end-to-end flow
 * control: a frame is requested from one side only when the other side can take it, so a fast sender is slowed
 * to the pace of the slow receiver instead of filling the broker's memory. EOF travels as a frame in each direction;
 * both calls finish when both directions have ended. Any error cuts both.
 */
public final class Splice {

    private final ServerCallStreamObserver<TunnelResponse> user;
    private final ServerCallStreamObserver<DataResponse> connector;
    private final AtomicBoolean userWaiting = new AtomicBoolean();
    private final AtomicBoolean connectorWaiting = new AtomicBoolean();
    private final AtomicBoolean userDone = new AtomicBoolean();
    private final AtomicBoolean appDone = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final Runnable onClose;

    Splice(ServerCallStreamObserver<TunnelResponse> user, ServerCallStreamObserver<DataResponse> connector,
           Runnable onClose) {
        this.user = user;
        this.connector = connector;
        this.onClose = onClose;
    }

    /** Starts the flow in both directions. */
    void start() {
        user.request(1);
        connector.request(1);
    }

    // user → app

    void fromUser(ByteString data) {
        bytesUp.addAndGet(data.size());
        synchronized (connector) {
            connector.onNext(DataResponse.newBuilder().setData(data).build());
        }
        requestWhenReady(connector, user, userWaiting);
    }

    void userEof() {
        synchronized (connector) {
            connector.onNext(DataResponse.newBuilder().setEof(true).build());
        }
        userDone.set(true);
        finishIfBothDone();
    }

    /** The connector side can take more: resume reading from the user. */
    void connectorReady() {
        if (userWaiting.compareAndSet(true, false)) {
            user.request(1);
        }
    }

    // app → user

    void fromApp(ByteString data) {
        bytesDown.addAndGet(data.size());
        synchronized (user) {
            user.onNext(TunnelResponse.newBuilder().setData(data).build());
        }
        requestWhenReady(user, connector, connectorWaiting);
    }

    void appEof() {
        synchronized (user) {
            user.onNext(TunnelResponse.newBuilder().setEof(true).build());
        }
        appDone.set(true);
        finishIfBothDone();
    }

    void userReady() {
        if (connectorWaiting.compareAndSet(true, false)) {
            connector.request(1);
        }
    }

    /** Cuts both calls; the user sees {@code status}. */
    public void cut(Status status) {
        if (closed.compareAndSet(false, true)) {
            safely(() -> user.onError(status.asRuntimeException()));
            safely(() -> connector.onError(Status.CANCELLED.withDescription("tunnel closed").asRuntimeException()));
            onClose.run();
        }
    }

    public long bytesUp() {
        return bytesUp.get();
    }

    public long bytesDown() {
        return bytesDown.get();
    }

    private void finishIfBothDone() {
        if (userDone.get() && appDone.get() && closed.compareAndSet(false, true)) {
            safely(user::onCompleted);
            safely(connector::onCompleted);
            onClose.run();
        }
    }

    /** After forwarding to {@code out}, ask {@code in} for the next frame now, or once {@code out} drains. */
    private static void requestWhenReady(ServerCallStreamObserver<?> out, ServerCallStreamObserver<?> in,
                                         AtomicBoolean waiting) {
        if (out.isReady()) {
            in.request(1);
            return;
        }
        waiting.set(true);
        // the onReady callback may have fired between isReady() and set(true)
        if (out.isReady() && waiting.compareAndSet(true, false)) {
            in.request(1);
        }
    }

    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // the call is already gone; nothing left to tell it
        }
    }
}
