package dev.ztna.connector;

import dev.ztna.common.tunnel.SocketBridge;
import dev.ztna.proto.broker.v1.AppAnnouncement;
import dev.ztna.proto.broker.v1.AttachAccepted;
import dev.ztna.proto.broker.v1.AttachHello;
import dev.ztna.proto.broker.v1.Heartbeat;
import dev.ztna.proto.broker.v1.AttachRequest;
import dev.ztna.proto.broker.v1.AttachResponse;
import dev.ztna.proto.broker.v1.ConnectorServiceGrpc;
import dev.ztna.proto.broker.v1.DataOpen;
import dev.ztna.proto.broker.v1.DataRequest;
import dev.ztna.proto.broker.v1.DataResponse;
import dev.ztna.proto.broker.v1.DialFailure;
import dev.ztna.common.tunnel.DataChannel;
import dev.ztna.common.tunnel.SocketRelay;
import dev.ztna.proto.broker.v1.DialOrder;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * One broker: keeps the Attach control stream up (reconnecting with exponential backoff and full jitter) and answers
 * each dial order by reaching the app locally and opening a Data stream back to the broker.
 */
final class BrokerAttachment implements Runnable {

    private static final Logger LOG = Logger.getLogger(BrokerAttachment.class.getName());
    private static final long MIN_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final String target;
    private final ManagedChannel channel;
    private final ConnectorServiceGrpc.ConnectorServiceStub stub;
    private final Map<String, InetSocketAddress> apps;
    private final ExecutorService workers;
    private volatile boolean stopping;

    BrokerAttachment(String target, ManagedChannel channel, EnrolledIdentity identity,
                     Map<String, InetSocketAddress> apps, ExecutorService workers) {
        this.target = target;
        this.channel = channel;
        this.stub = ConnectorServiceGrpc.newStub(channel).withCallCredentials(identity.credentials());
        this.apps = apps;
        this.workers = workers;
    }

    @Override
    public void run() {
        long backoff = MIN_BACKOFF_MS;
        while (!stopping) {
            long started = System.currentTimeMillis();
            String outcome = attachOnce();
            if (stopping) {
                return;
            }
            if (System.currentTimeMillis() - started > 10_000) {
                backoff = MIN_BACKOFF_MS;
            }
            long sleep = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
            LOG.warning("broker " + target + ": " + outcome + "; reconnecting in " + sleep + " ms");
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    void stop() {
        stopping = true;
        channel.shutdownNow();
    }

    /** Holds one control stream until it ends; returns why it ended. */
    private String attachOnce() {
        CountDownLatch done = new CountDownLatch(1);
        String[] outcome = {"control stream ended"};
        StreamObserver<AttachRequest>[] control = new StreamObserver[1];
        ScheduledFuture<?>[] heartbeat = new ScheduledFuture<?>[1];
        control[0] = stub.attach(new StreamObserver<>() {
            @Override
            public void onNext(AttachResponse response) {
                if (response.hasAccepted()) {
                    LOG.info("attached to broker " + target + " as " + response.getAccepted().getConnectorId()
                            + ", fronting " + apps.keySet());
                    heartbeat[0] = startHeartbeat(response.getAccepted(), control);
                } else if (response.hasDial()) {
                    DialOrder order = response.getDial();
                    workers.execute(() -> dial(order, control[0]));
                }
            }

            @Override
            public void onError(Throwable t) {
                outcome[0] = t instanceof StatusRuntimeException s ? s.getStatus().getCode() + ": "
                        + s.getStatus().getDescription() : t.toString();
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        AttachHello.Builder hello = AttachHello.newBuilder();
        apps.keySet().forEach(app -> hello.addApps(AppAnnouncement.newBuilder().setName(app)));
        synchronized (control[0]) {
            control[0].onNext(AttachRequest.newBuilder().setHello(hello).build());
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heartbeat[0] != null) {
            heartbeat[0].cancel(false);
        }
        return outcome[0];
    }

    /** Heartbeats at the interval the broker asked for (default 5 s), on the control stream. */
    private ScheduledFuture<?> startHeartbeat(AttachAccepted accepted, StreamObserver<AttachRequest>[] control) {
        long millis = accepted.hasHeartbeatInterval()
                ? accepted.getHeartbeatInterval().getSeconds() * 1000 + accepted.getHeartbeatInterval().getNanos() / 1_000_000
                : 5_000;
        long every = Math.max(100, millis);
        return HEARTBEATS.scheduleAtFixedRate(() -> {
            try {
                synchronized (control[0]) { // the same lock as every other write of this stream
                    control[0].onNext(AttachRequest.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
                }
            } catch (RuntimeException e) {
                LOG.fine("heartbeat not sent: " + e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private void dial(DialOrder order, StreamObserver<AttachRequest> control) {
        InetSocketAddress address = apps.get(order.getApp());
        Socket socket = new Socket();
        try {
            if (address == null) {
                throw new IOException("this connector does not front " + order.getApp());
            }
            socket.setTcpNoDelay(true);
            // resolved per dial so a moved app (DNS change) is followed
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 5_000);
        } catch (IOException e) {
            closeQuietly(socket);
            synchronized (control) {
                control.onNext(AttachRequest.newBuilder().setDialFailure(DialFailure.newBuilder()
                        .setStreamId(order.getStreamId()).setReason(e.getMessage() == null ? "connect failed" : e.getMessage()))
                        .build());
            }
            return;
        }
        if (!order.getDataTicket().isEmpty()) {
            relayOverDataChannel(order, socket, control);
            return;
        }
        SocketBridge<DataRequest> bridge = new SocketBridge<>(socket, data -> DataRequest.newBuilder().setData(data).build());
        StreamObserver<DataRequest> out = stub.data(bridge.responses(DataResponse::getData, DataResponse::getEof,
                t -> LOG.fine("data stream " + order.getStreamId() + " ended: " + t)));
        out.onNext(DataRequest.newBuilder().setOpen(DataOpen.newBuilder().setStreamId(order.getStreamId())).build());
        bridge.start(workers);
    }

    /** The fast path: the app's connection is relayed as raw bytes over the broker's TCP data channel. */
    private void relayOverDataChannel(DialOrder order, Socket app, StreamObserver<AttachRequest> control) {
        Socket broker = new Socket();
        try {
            broker.setTcpNoDelay(true);
            broker.connect(new InetSocketAddress(java.net.URI.create("tcp://" + target).getHost(), order.getDataPort()), 5_000);
            DataChannel.writeHello(broker.getOutputStream(), DataChannel.CONNECTOR, order.getDataTicket().toByteArray());
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(app);
            closeQuietly(broker);
            synchronized (control) {
                control.onNext(AttachRequest.newBuilder().setDialFailure(DialFailure.newBuilder()
                        .setStreamId(order.getStreamId()).setReason("broker data channel unreachable: " + e.getMessage()))
                        .build());
            }
            return;
        }
        new SocketRelay(app, broker, (toBroker, bytes) -> { }, () -> { }).start(workers);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
