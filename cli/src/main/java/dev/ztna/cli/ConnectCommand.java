package dev.ztna.cli;

import dev.ztna.common.tunnel.DataChannel;
import dev.ztna.common.tunnel.SocketRelay;
import dev.ztna.proto.broker.v1.OpenDataChannelRequest;
import dev.ztna.proto.broker.v1.OpenDataChannelResponse;

import dev.ztna.common.tunnel.SocketBridge;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.CloseSessionRequest;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import dev.ztna.proto.broker.v1.OpenSessionResponse;
import dev.ztna.proto.broker.v1.TunnelOpen;
import dev.ztna.proto.broker.v1.TunnelRequest;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

@Command(name = "connect", mixinStandardHelpOptions = true, description = "Open a session to APP and forward a local TCP port to it, until Ctrl-C.")
final class ConnectCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Parameters(index = "0", description = "The app, as listed by `ztna apps`")
    String app;

    @Option(names = "--local-port", required = true, description = "Local port to listen on (0 picks a free one)")
    int localPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Local address to listen on. Default: ${DEFAULT-VALUE} (only this machine)")
    String bind;

    @Option(names = "--justification", defaultValue = "",
            description = "Why you need access (text or ticket id); required by some policies, always audited")
    String justification;

    @Option(names = "--posture-interval", defaultValue = "PT1M",
            description = "How often this device reports its posture while connected (ISO-8601). Default: ${DEFAULT-VALUE}")
    java.time.Duration postureInterval;

    @Option(names = "--transport", defaultValue = "grpc",
            description = "How connections travel to the broker: grpc (a gRPC stream each) or tcp (the broker's TCP data "
                    + "channel: raw bytes, several times the throughput; needs the broker's data port reachable). "
                    + "Default: ${DEFAULT-VALUE}")
    String transport;

    private ExecutorService workers;

    @Override
    public Integer call() throws Exception {
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("--local-port must be 0..65535");
        }
        if (!transport.equals("grpc") && !transport.equals("tcp")) {
            throw new IllegalArgumentException("--transport must be grpc or tcp");
        }
        ManagedChannel channel = endpoints.channel(endpoints.broker);
        CallCredentials credentials = endpoints.credentials();
        AccessServiceGrpc.AccessServiceBlockingStub access = AccessServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(credentials);
        AccessServiceGrpc.AccessServiceStub tunnels = AccessServiceGrpc.newStub(channel).withCallCredentials(credentials);
        OpenSessionResponse session = access.withDeadlineAfter(30, TimeUnit.SECONDS)
                .openSession(OpenSessionRequest.newBuilder().setApp(app).setJustification(justification).build());
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ztna-tunnel");
            t.setDaemon(true);
            return t;
        });
        reportPostureEvery(credentials);
        try (ServerSocket listener = new ServerSocket(localPort, 50, InetAddress.getByName(bind))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    listener.close();
                    access.withDeadlineAfter(5, TimeUnit.SECONDS).closeSession(
                            CloseSessionRequest.newBuilder().setSessionId(session.getSessionId()).build());
                } catch (IOException | StatusRuntimeException ignored) {
                    // best effort on the way out
                }
                channel.shutdownNow();
            }));
            System.out.println("Forwarding " + bind + ":" + listener.getLocalPort() + " -> " + app
                    + " (session " + session.getSessionId() + "). Press Ctrl-C to stop.");
            System.out.flush();
            while (!listener.isClosed()) {
                Socket socket;
                try {
                    socket = listener.accept();
                } catch (IOException e) {
                    break;
                }
                socket.setTcpNoDelay(true);
                // each connection with the token as it is now: renewed by refresh, or replaced by `ztna reauth`
                CallCredentials current;
                try {
                    current = endpoints.credentials();
                } catch (IOException e) {
                    current = credentials;
                }
                AccessServiceGrpc.AccessServiceStub stub = tunnels.withCallCredentials(current);
                AccessServiceGrpc.AccessServiceBlockingStub tickets = access.withCallCredentials(current);
                workers.execute(() -> {
                    if (transport.equals("tcp")) {
                        relay(tickets, session.getSessionId(), socket);
                    } else {
                        tunnel(stub, session.getSessionId(), socket);
                    }
                });
            }
        }
        return 0;
    }

    /** Keeps the device's posture fresh for rules with a posture max_age (only when the login is bound to a device). */
    private void reportPostureEvery(CallCredentials credentials) throws IOException {
        java.nio.file.Path idFile = endpoints.configDir.resolve(DeviceAgent.ID_FILE);
        if (!java.nio.file.Files.exists(idFile) || postureInterval.isZero() || postureInterval.isNegative()) {
            return;
        }
        String deviceId = java.nio.file.Files.readString(idFile).trim();
        DeviceAgent device = DeviceAgent.load(endpoints);
        java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ztna-posture");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                device.report(deviceId, DeviceAgent.collect(java.util.Map.of()), credentials);
            } catch (IOException | RuntimeException e) {
                System.err.println("posture report failed: " + e.getMessage());
            }
        }, postureInterval.toMillis(), postureInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One local connection over the broker's TCP data channel: a one-time ticket, a greeting, then raw bytes. */
    private void relay(AccessServiceGrpc.AccessServiceBlockingStub access, String sessionId, Socket local) {
        Socket broker = new Socket();
        try {
            OpenDataChannelResponse ticket = access.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .openDataChannel(OpenDataChannelRequest.newBuilder().setSessionId(sessionId).build());
            broker.setTcpNoDelay(true);
            broker.connect(new java.net.InetSocketAddress(java.net.URI.create("tcp://" + endpoints.broker).getHost(),
                    ticket.getPort()), 10_000);
            DataChannel.writeHello(broker.getOutputStream(), DataChannel.USER, ticket.getTicket().toByteArray());
            int answer = broker.getInputStream().read();
            if (answer != DataChannel.OK) {
                System.err.println("ztna: connection to " + app + " refused: " + (answer == DataChannel.NOT_FOUND
                        ? "app not found (or the session ended)" : "the app is unreachable right now"));
                SocketRelay.closeQuietly(broker);
                SocketRelay.closeQuietly(local);
                return;
            }
        } catch (StatusRuntimeException e) {
            System.err.println("ztna: connection to " + app + " refused: " + Messages.explain(e));
            SocketRelay.closeQuietly(broker);
            SocketRelay.closeQuietly(local);
            return;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("ztna: the broker's data channel is unreachable (" + e.getMessage() + "); try --transport grpc");
            SocketRelay.closeQuietly(broker);
            SocketRelay.closeQuietly(local);
            return;
        }
        new SocketRelay(local, broker, (toBroker, bytes) -> { }, () -> { }).start(workers);
    }

    private void tunnel(AccessServiceGrpc.AccessServiceStub tunnels, String sessionId, Socket socket) {
        SocketBridge<TunnelRequest> bridge = new SocketBridge<>(socket, d -> TunnelRequest.newBuilder().setData(d).build());
        StreamObserver<TunnelRequest> out = tunnels.tunnel(bridge.responses(TunnelResponse::getData, TunnelResponse::getEof,
                t -> {
                    if (t instanceof StatusRuntimeException s && s.getStatus().getCode() != io.grpc.Status.Code.CANCELLED) {
                        System.err.println("ztna: connection to " + app + " ended: " + Messages.explain(s));
                    }
                }));
        out.onNext(TunnelRequest.newBuilder().setOpen(TunnelOpen.newBuilder().setSessionId(sessionId)).build());
        bridge.start(workers);
    }
}
