package dev.ztna.broker.tunnel;

import com.google.protobuf.ByteString;
import dev.ztna.proto.broker.v1.DataResponse;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Joins a user's Tunnel call and a connector's Data call, both server calls on this broker, with end-to-end flow
 * control: a frame is requested from one side only when the other side can take it, so a fast sender is slowed
 * to the pace of the slow receiver instead of filling the broker's memory. EOF travels as a frame in each direction;
 * both calls finish when both directions have ended. Any error cuts both.
 * <p>
 * Each call lives on its own connection's event loop and is only ever touched from there: a frame read on one loop
 * is handed to the other loop to be written. Nothing is written after a call is closed.
 */
public final class Splice implements AppStream {

    /** Frames handed to the other loop but not yet written, per direction, before reading pauses. */
    static final int MAX_IN_FLIGHT = 4;

    private final Side<TunnelResponse> user;
    private final Side<DataResponse> connector;
    private final Direction up;
    private final Direction down;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean userDone = new AtomicBoolean();
    private final AtomicBoolean appDone = new AtomicBoolean();
    private final Runnable onClose;
    /** Told of every frame carried: whether it came from the user, and its size. */
    public interface Activity {
        void carried(boolean fromUser, int bytes);
    }

    private final Activity activity;

    /** One call and the event-loop context it belongs to. */
    record Side<T>(ServerCallStreamObserver<T> call, Context context) {

        static <T> Side<T> current(ServerCallStreamObserver<T> call) {
            return new Side<>(call, Vertx.currentContext());
        }

        /** Runs on this call's loop; skipped once the peer cancelled (writing to a reset HTTP/2 stream is fatal). */
        void run(Runnable action) {
            Runnable guarded = () -> {
                if (!call.isCancelled()) {
                    action.run();
                }
            };
            if (context == null || Vertx.currentContext() == context) {
                guarded.run();
            } else {
                context.runOnContext(v -> guarded.run());
            }
        }
    }

    /** Reading from {@code from} is resumed only while {@code to} can take more. */
    private static final class Direction {
        final Side<?> from;
        final Side<?> to;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicBoolean paused = new AtomicBoolean();

        Direction(Side<?> from, Side<?> to) {
            this.from = from;
            this.to = to;
        }

        void resume() {
            if (inFlight.get() < MAX_IN_FLIGHT && to.call().isReady() && paused.compareAndSet(true, false)) {
                from.run(() -> from.call().request(1));
            }
        }
    }

    Splice(Side<TunnelResponse> user, Side<DataResponse> connector, Runnable onClose, Activity activity) {
        this.user = user;
        this.connector = connector;
        this.up = new Direction(user, connector);
        this.down = new Direction(connector, user);
        this.onClose = onClose;
        this.activity = activity;
    }

    /** Starts the flow in both directions. */
    @Override
    public void start() {
        user.run(() -> user.call().request(1));
        connector.run(() -> connector.call().request(1));
    }

    void fromUser(ByteString data) {
        activity.carried(true, data.size());
        forward(up, connector, DataResponse.newBuilder().setData(data).build());
    }

    @Override
    public void fromApp(ByteString data) {
        activity.carried(false, data.size());
        forward(down, user, TunnelResponse.newBuilder().setData(data).build());
    }

    void userEof() {
        connector.run(() -> {
            if (!closed.get()) {
                connector.call().onNext(DataResponse.newBuilder().setEof(true).build());
            }
            userDone.set(true);
            finishIfBothDone();
        });
    }

    @Override
    public void appEof() {
        user.run(() -> {
            if (!closed.get()) {
                user.call().onNext(TunnelResponse.newBuilder().setEof(true).build());
            }
            appDone.set(true);
            finishIfBothDone();
        });
    }

    @Override
    public void connectorReady() {
        up.resume();
    }

    /** The user's call can take more (runs on its loop). */
    void userReady() {
        down.resume();
    }

    /** Cuts both calls; the user sees {@code status}. */
    @Override
    public void cut(Status status) {
        if (closed.compareAndSet(false, true)) {
            user.run(() -> safely(() -> user.call().onError(status.asRuntimeException())));
            connector.run(() -> safely(() -> connector.call().onError(
                    Status.CANCELLED.withDescription("tunnel closed").asRuntimeException())));
            onClose.run();
        }
    }

    private <T> void forward(Direction direction, Side<T> to, T message) {
        direction.inFlight.incrementAndGet();
        direction.paused.set(true);
        to.run(() -> {
            if (!closed.get()) {
                safely(() -> to.call().onNext(message));
            }
            direction.inFlight.decrementAndGet();
            direction.resume();
        });
        // (a write skipped because the call was cancelled leaves inFlight up: that direction is dead anyway)
        direction.resume();
    }

    /** Runs on one of the loops once both EOFs were written; completes both calls exactly once. */
    private void finishIfBothDone() {
        if (userDone.get() && appDone.get() && closed.compareAndSet(false, true)) {
            user.run(() -> safely(() -> user.call().onCompleted()));
            connector.run(() -> safely(() -> connector.call().onCompleted()));
            onClose.run();
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
