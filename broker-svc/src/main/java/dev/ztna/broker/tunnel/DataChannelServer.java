package dev.ztna.broker.tunnel;

import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.common.tunnel.DataChannel;
import dev.ztna.common.tunnel.SocketRelay;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The TCP data channel: the fast path for bulk TCP. A user's connection and the connector's connection each arrive
 * with a one-time ticket (the user's from OpenDataChannel, bound to a session; the connector's from its dial order,
 * which only it received on its authenticated control stream) and are then joined by a {@link SocketRelay}: bytes
 * cross the broker as they are, without gRPC framing. The relay is a tunnel of its session like any other — counted
 * for idle timeouts, cut by revocations, breaches and a lost connector.
 */
@ApplicationScoped
public class DataChannelServer {

    private static final Logger LOG = Logger.getLogger(DataChannelServer.class);
    /** How long a ticket waits for its connection, and a connection for its greeting. */
    static final int TICKET_TTL_MS = 10_000;

    private final BrokerConfig config;
    private final TunnelBroker tunnels;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, UserTicket> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Socket>> connectors = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "data-channel");
        t.setDaemon(true);
        return t;
    });
    private volatile ServerSocket server;
    /** Connections that have not finished their greeting yet (each holds a thread for up to the ticket lifetime). */
    private final java.util.concurrent.Semaphore greeting = new java.util.concurrent.Semaphore(256);

    private record UserTicket(LiveSession session, Predicate<LiveSession> stillLive, long expiresAt) {
    }

    public DataChannelServer(BrokerConfig config, TunnelBroker tunnels) {
        this.config = config;
        this.tunnels = tunnels;
    }

    void start(@Observes StartupEvent event) throws IOException {
        Optional<Integer> port = config.dataChannel().port();
        if (port.isEmpty()) {
            return;
        }
        server = new ServerSocket(port.get(), 200, InetAddress.getByName(config.dataChannel().host()));
        LOG.infof("TCP data channel on %s:%d", config.dataChannel().host(), server.getLocalPort());
        Thread acceptor = new Thread(this::accept, "data-channel-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    void stop(@Observes ShutdownEvent event) {
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
        threads.shutdownNow();
    }

    /** The port to give clients, or empty when the data channel is off. */
    public Optional<Integer> port() {
        ServerSocket s = server;
        return s == null ? Optional.empty() : Optional.of(s.getLocalPort());
    }

    /** A one-time ticket for one connection of {@code session}, usable while {@code stillLive} holds. */
    public byte[] ticket(LiveSession session, Predicate<LiveSession> stillLive) {
        if (users.size() > 64) {
            long now = System.currentTimeMillis();
            users.values().removeIf(t -> t.expiresAt() < now);
        }
        byte[] ticket = newTicket();
        users.put(key(ticket), new UserTicket(session, stillLive, System.currentTimeMillis() + TICKET_TTL_MS));
        return ticket;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (!greeting.tryAcquire()) {
                    SocketRelay.closeQuietly(socket); // too many connections still owing their greeting: shed load, keep live relays
                    continue;
                }
                threads.execute(() -> {
                    try {
                        greet(socket);
                    } finally {
                        greeting.release();
                    }
                });
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warnf("data channel accept failed: %s", e.getMessage());
                }
            }
        }
    }

    /** Reads the greeting (bounded in time and size) and hands the connection to its side; anything else is closed. */
    private void greet(Socket socket) {
        DataChannel.Hello hello;
        try {
            socket.setSoTimeout(TICKET_TTL_MS);
            socket.setTcpNoDelay(true);
            hello = DataChannel.readHello(socket.getInputStream());
        } catch (IOException e) {
            SocketRelay.closeQuietly(socket);
            return;
        }
        if (hello.side() == DataChannel.CONNECTOR) {
            CompletableFuture<Socket> waiting = connectors.remove(key(hello.ticket()));
            if (waiting == null || !waiting.complete(socket)) {
                SocketRelay.closeQuietly(socket);
            }
            return;
        }
        UserTicket ticket = users.remove(key(hello.ticket()));
        if (ticket == null || ticket.expiresAt() < System.currentTimeMillis() || !ticket.stillLive().test(ticket.session())) {
            answer(socket, DataChannel.NOT_FOUND);
            SocketRelay.closeQuietly(socket);
            return;
        }
        join(socket, ticket);
    }

    /** Orders a connector to the app, waits for its connection, and relays. */
    private void join(Socket user, UserTicket ticket) {
        LiveSession session = ticket.session();
        byte[] connectorTicket = newTicket();
        CompletableFuture<Socket> arrived = new CompletableFuture<>();
        connectors.put(key(connectorTicket), arrived);
        Optional<AttachedConnector> connector = tunnels.dialData(session.app(), connectorTicket, server.getLocalPort(),
                new TunnelBroker.Dialer() {
                    @Override
                    public void fail(Status status) {
                        arrived.completeExceptionally(status.asRuntimeException());
                    }

                    @Override
                    public AppStream answered(ConnectorData data, AttachedConnector from) {
                        throw new IllegalStateException("a data channel order is never answered by a Data stream");
                    }
                });
        Socket app;
        try {
            app = arrived.get(config.dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
            app.setSoTimeout(0);
            user.setSoTimeout(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connectors.remove(key(connectorTicket));
            SocketRelay.closeQuietly(user);
            return;
        } catch (ExecutionException | TimeoutException | IOException e) {
            connectors.remove(key(connectorTicket));
            boolean notFound = e.getCause() instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND;
            answer(user, notFound ? DataChannel.NOT_FOUND : DataChannel.UNAVAILABLE);
            SocketRelay.closeQuietly(user);
            return;
        } finally {
            tunnels.settled(connectorTicket);
        }
        AttachedConnector from = connector.orElseThrow();
        RelayedTunnel tunnel = new RelayedTunnel();
        tunnel.relay = new SocketRelay(user, app, session::carried, () -> {
            session.remove(tunnel);
            from.release(tunnel);
        });
        session.add(tunnel, from.name());
        from.carry(tunnel);
        // a revocation between the ticket check and now would have missed this tunnel: look again once it is registered
        if (!ticket.stillLive().test(session) || !answer(user, DataChannel.OK)) {
            tunnel.relay.close();
            return;
        }
        tunnel.relay.start(threads);
    }

    /** A relayed connection as a tunnel of its session: a cut closes both sockets. */
    private static final class RelayedTunnel implements Cuttable {
        volatile SocketRelay relay;

        @Override
        public void cut(Status status) {
            relay.close();
        }
    }

    private static boolean answer(Socket user, byte status) {
        try {
            OutputStream out = user.getOutputStream();
            out.write(status);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private byte[] newTicket() {
        byte[] ticket = new byte[DataChannel.TICKET_BYTES];
        random.nextBytes(ticket);
        return ticket;
    }

    private static String key(byte[] ticket) {
        return Base64.getEncoder().encodeToString(ticket);
    }
}
