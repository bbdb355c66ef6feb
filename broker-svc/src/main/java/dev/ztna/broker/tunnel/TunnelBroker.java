package dev.ztna.broker.tunnel;

import dev.ztna.broker.config.BrokerConfig;
import dev.ztna.common.auth.Caller;
import dev.ztna.proto.broker.v1.DataResponse;
import dev.ztna.proto.broker.v1.TunnelResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends dial orders to connectors and pairs each answer with whoever dialled: a user's Tunnel call (spliced to the
 * connector's Data call), a web request ({@link WebExchange}) or the TCP data channel ({@link DataChannelServer}).
 * A stream id is a 128-bit random value, and only the connector that received the order may answer it.
 */
@ApplicationScoped
public class TunnelBroker {

    private static final Logger LOG = Logger.getLogger(TunnelBroker.class);
    /** Same status, same words, whatever the cause: an app's existence never leaks through a tunnel refusal. */
    public static final Status NOT_FOUND = Status.NOT_FOUND.withDescription("app not found");

    private final ConnectorRegistry connectors;
    private final BrokerConfig config;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tunnel-dial-timeout");
        t.setDaemon(true);
        return t;
    });

    /** {@code dataTicket}: the order is answered on the TCP data channel, never by a Data stream. */
    private record Pending(Dialer dialer, String app, AttachedConnector connector, byte[] dataTicket) {
    }

    /** Who waits for a connector to answer a dial order: a user's tunnel, or the web proxy. */
    public interface Dialer {
        /** No connector answered; {@code status} is what to tell the user. */
        void fail(Status status);

        /** The connector answered with {@code data}: returns the stream its frames are to feed. */
        AppStream answered(ConnectorData data, AttachedConnector connector);
    }

    public TunnelBroker(ConnectorRegistry connectors, BrokerConfig config) {
        this.connectors = connectors;
        this.config = config;
    }

    public UserTunnel userTunnel(ServerCallStreamObserver<TunnelResponse> call, Caller caller, SessionLookup sessions) {
        return new UserTunnel(call, caller, sessions, this);
    }

    public ConnectorData connectorData(ServerCallStreamObserver<DataResponse> call, Caller caller) {
        return new ConnectorData(call, caller, this);
    }

    /**
     * Looks a session up for a caller; empty when it is unknown, closed or someone else's. May complete on another
     * thread (a session held by another broker is read from the database and re-decided).
     */
    public interface SessionLookup {
        java.util.concurrent.CompletionStage<Optional<LiveSession>> find(String sessionId, Caller caller);
    }

    void dial(UserTunnel user, LiveSession session) {
        dial(session.app(), new Dialer() {
            @Override
            public void fail(Status status) {
                user.fail(status);
            }

            @Override
            public AppStream answered(ConnectorData data, AttachedConnector connector) {
                Splice[] holder = new Splice[1];
                Splice splice = new Splice(user.side(), data.side(), () -> {
                    session.remove(holder[0]);
                    connector.release(holder[0]);
                }, session::carried);
                holder[0] = splice;
                session.add(splice, connector.name());
                user.spliced(splice);
                return splice;
            }
        });
    }

    /**
     * Orders a connector fronting {@code app} to reach it and open a data stream back; the dialer hears the answer,
     * or a failure (no connector: NOT_FOUND like any unknown app; no answer in time: UNAVAILABLE).
     */
    public void dial(String app, Dialer dialer) {
        dial(app, dialer, null, 0);
    }

    /**
     * Orders a connector to answer on the TCP data channel (port {@code port}) with {@code ticket}; the dialer hears
     * only failures ({@link #settled} ends the wait once the connector arrived). Returns the connector, if any.
     */
    public Optional<AttachedConnector> dialData(String app, byte[] ticket, int port, Dialer dialer) {
        return dial(app, dialer, ticket, port);
    }

    /** The connector answered a data-channel order: stop waiting for it. */
    public void settled(byte[] ticket) {
        pending.values().removeIf(p -> p.dataTicket() != null && java.security.MessageDigest.isEqual(p.dataTicket(), ticket));
    }

    private Optional<AttachedConnector> dial(String app, Dialer dialer, byte[] dataTicket, int dataPort) {
        Optional<AttachedConnector> connector = connectors.pick(app);
        if (connector.isEmpty()) {
            dialer.fail(NOT_FOUND);
            return Optional.empty();
        }
        String streamId = UUID.randomUUID().toString();
        pending.put(streamId, new Pending(dialer, app, connector.get(), dataTicket));
        try {
            if (dataTicket == null) {
                connector.get().dial(streamId, app);
            } else {
                connector.get().dial(streamId, app, dataTicket, dataPort);
            }
        } catch (RuntimeException e) {
            pending.remove(streamId);
            dialer.fail(Status.UNAVAILABLE.withDescription("the app is unreachable right now"));
            return Optional.empty();
        }
        timers.schedule(() -> {
            Pending stale = pending.remove(streamId);
            if (stale != null) {
                stale.dialer().fail(Status.UNAVAILABLE.withDescription("the app did not answer in time"));
            }
        }, config.dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return connector;
    }

    public void dialFailed(String streamId, AttachedConnector from, String reason) {
        Pending p = pending.get(streamId);
        if (p != null && p.connector() == from && pending.remove(streamId, p)) {
            LOG.infof("connector %s could not reach app %s: %s", from.name(), p.app(), reason);
            p.dialer().fail(Status.UNAVAILABLE.withDescription("the app is unreachable right now"));
        }
    }

    /** A connector answered a dial order; returns the stream to feed, or empty when the stream id is not its to answer. */
    Optional<AppStream> answer(String streamId, Caller connectorCaller, ConnectorData data) {
        Pending p = pending.get(streamId);
        if (p == null || p.dataTicket() != null || !p.connector().principal().equals(connectorCaller.subject())
                || !pending.remove(streamId, p)) {
            return Optional.empty();
        }
        AppStream stream = p.dialer().answered(data, p.connector());
        p.connector().carry(stream);
        return Optional.of(stream);
    }
}
