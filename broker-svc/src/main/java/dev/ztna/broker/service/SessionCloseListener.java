package dev.ztna.broker.service;

import dev.ztna.broker.repository.AccessSessionRepository;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Hears, within milliseconds, that another broker ended a session ({@code LISTEN ztna_session_closed}), so the tunnels
 * this broker carries for it are cut at once. If the listening connection drops, it reconnects; the obligation check
 * also polls for sessions ended elsewhere, so a notification lost meanwhile delays a cut by at most a second.
 */
@ApplicationScoped
public class SessionCloseListener {

    private static final Logger LOG = Logger.getLogger(SessionCloseListener.class);
    private final AgroalDataSource dataSource;
    private final SessionManager sessions;
    private volatile boolean running;
    private Thread thread;

    public SessionCloseListener(AgroalDataSource dataSource, SessionManager sessions) {
        this.dataSource = dataSource;
        this.sessions = sessions;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::listen, "session-close-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + AccessSessionRepository.CLOSED_CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("session close notifications interrupted (%s); listening again in 1 s", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(String payload) {
        String[] parts = payload.split("\\|", 3);
        if (parts.length != 3) {
            return;
        }
        try {
            sessions.endedElsewhere(UUID.fromString(parts[0]),
                    Status.fromCode(Status.Code.valueOf(parts[1])).withDescription(parts[2]));
        } catch (IllegalArgumentException e) {
            LOG.warnf("ignored a malformed session close notification");
        }
    }
}
