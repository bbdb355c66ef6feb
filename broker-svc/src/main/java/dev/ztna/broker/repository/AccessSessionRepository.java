package dev.ztna.broker.repository;

import dev.ztna.broker.domain.AccessSession;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Sessions and what each broker carries of them (session_presence), shared by every broker of a site. A session ends
 * once, by a conditional UPDATE, and the broker that ended it tells the others in the same transaction
 * ({@code NOTIFY ztna_session_closed}).
 */
@ApplicationScoped
public class AccessSessionRepository implements PanacheRepositoryBase<AccessSession, UUID> {

    public static final String CLOSED_CHANNEL = "ztna_session_closed";

    /** A session as the whole site sees it: its record plus every broker's fresh presence. */
    public record SessionView(UUID id, String username, String app, Instant openedAt, String sourceAddress,
                              int tunnels, List<String> connectors, long bytesFromUser, long bytesToUser,
                              Instant lastActivityAt) {
    }

    /** A session ended by the sweep, for its receipt. */
    public record Ended(UUID id, String username, String app, String cause, Instant causeTime, Instant lastActivityAt) {
    }

    /**
     * Ends the session if it is still open and tells every broker (delivered when the transaction commits); false
     * when it had already ended. Must run in a transaction.
     */
    public boolean close(UUID id, Instant at, String reason, io.grpc.Status.Code code, String description) {
        int updated = update("closedAt = ?1, closeReason = ?2 where id = ?3 and closedAt is null", at, truncate(reason, 256), id);
        if (updated == 1) {
            getEntityManager().createNativeQuery("SELECT pg_notify(:channel, :payload)")
                    .setParameter("channel", CLOSED_CHANNEL)
                    .setParameter("payload", id + "|" + code.name() + "|" + truncate(description, 4000))
                    .getSingleResult();
        }
        return updated == 1;
    }

    /** Open sessions of a login session, or of a user opened at or before {@code openedBy}. */
    public List<UUID> openOf(String loginSessionId, String userId, Instant openedBy) {
        if (loginSessionId != null) {
            return getEntityManager().createQuery("select s.id from AccessSession s where s.closedAt is null "
                    + "and s.loginSessionId = :sid", UUID.class).setParameter("sid", loginSessionId).getResultList();
        }
        return getEntityManager().createQuery("select s.id from AccessSession s where s.closedAt is null "
                        + "and s.userId = :user and s.openedAt <= :at", UUID.class)
                .setParameter("user", userId).setParameter("at", openedBy).getResultList();
    }

    /** Of these sessions, the ones that have ended (a backstop for a missed notification). */
    @SuppressWarnings("unchecked")
    public List<Object[]> closedAmong(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return getEntityManager().createNativeQuery(
                        "SELECT CAST(id AS text), close_reason FROM access_session WHERE id IN (:ids) AND closed_at IS NOT NULL")
                .setParameter("ids", ids).getResultList();
    }

    /** What the other brokers report of a session: the latest byte any broker carried, and their tunnels now. */
    public record Activity(Instant lastByte, int tunnelsElsewhere) {
    }

    public Activity activity(UUID id, String thisBroker, Instant freshAfter) {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("""
                        SELECT max(last_activity_at),
                               coalesce(sum(tunnels) FILTER (WHERE broker_id <> :broker AND updated_at > :fresh), 0)
                        FROM session_presence WHERE session_id = :id""")
                .setParameter("id", id).setParameter("broker", thisBroker).setParameter("fresh", Timestamp.from(freshAfter))
                .getSingleResult();
        return new Activity(instant(row[0]), ((Number) row[1]).intValue());
    }

    /** Records what this broker carries of a session right now. */
    public void upsertPresence(UUID session, String broker, int tunnels, String connectors, long fromUser, long toUser,
                               Instant lastActivity, Instant now) {
        getEntityManager().createNativeQuery("""
                        INSERT INTO session_presence (session_id, broker_id, tunnels, connectors, bytes_from_user,
                                                      bytes_to_user, last_activity_at, updated_at)
                        SELECT :session, :broker, :tunnels, :connectors, :fromUser, :toUser, :activity, :now
                        WHERE EXISTS (SELECT 1 FROM access_session WHERE id = :session)
                        ON CONFLICT (session_id, broker_id) DO UPDATE SET tunnels = EXCLUDED.tunnels,
                            connectors = EXCLUDED.connectors, bytes_from_user = EXCLUDED.bytes_from_user,
                            bytes_to_user = EXCLUDED.bytes_to_user, last_activity_at = EXCLUDED.last_activity_at,
                            updated_at = EXCLUDED.updated_at""")
                .setParameter("session", session).setParameter("broker", broker).setParameter("tunnels", tunnels)
                .setParameter("connectors", connectors).setParameter("fromUser", fromUser).setParameter("toUser", toUser)
                .setParameter("activity", Timestamp.from(lastActivity)).setParameter("now", Timestamp.from(now))
                .executeUpdate();
    }

    /** Open sessions as the site sees them, oldest first; presence older than {@code freshAfter} counts no tunnels. */
    @SuppressWarnings("unchecked")
    public List<SessionView> open(String username, String app, Instant freshAfter) {
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        SELECT CAST(s.id AS text), s.username, s.app, s.opened_at, coalesce(s.source_address, ''),
                               coalesce(sum(p.tunnels) FILTER (WHERE p.updated_at > :fresh), 0),
                               coalesce(string_agg(p.connectors, ',') FILTER (WHERE p.connectors <> ''), ''),
                               coalesce(sum(p.bytes_from_user), 0), coalesce(sum(p.bytes_to_user), 0),
                               greatest(s.opened_at, max(p.last_activity_at))
                        FROM access_session s LEFT JOIN session_presence p ON p.session_id = s.id
                        WHERE s.closed_at IS NULL AND (:username = '' OR s.username = :username)
                          AND (:app = '' OR s.app = :app)
                        GROUP BY s.id ORDER BY s.opened_at, s.id""")
                .setParameter("fresh", Timestamp.from(freshAfter)).setParameter("username", username)
                .setParameter("app", app).getResultList();
        List<SessionView> views = new ArrayList<>();
        for (Object[] r : rows) {
            List<String> connectors = ((String) r[6]).isEmpty() ? List.of()
                    : List.of(((String) r[6]).split(",")).stream().distinct().sorted().toList();
            views.add(new SessionView(UUID.fromString((String) r[0]), (String) r[1], (String) r[2], instant(r[3]),
                    (String) r[4], ((Number) r[5]).intValue(), connectors, ((Number) r[7]).longValue(),
                    ((Number) r[8]).longValue(), instant(r[9])));
        }
        return views;
    }

    /**
     * Ends the open sessions no broker holds any more (a broker that holds a session enforces its obligations itself)
     * once past their maximum duration, idle past their idle timeout, or unused for {@code unusedTimeout}; whichever
     * broker's sweep gets there first ends each, once. Must run in a transaction.
     */
    @SuppressWarnings("unchecked")
    public List<Ended> sweep(Instant now, java.time.Duration unusedTimeout, Instant freshAfter) {
        List<Object[]> candidates = getEntityManager().createNativeQuery("""
                        SELECT CAST(s.id AS text), s.username, s.app, s.expires_at, s.idle_timeout_ms,
                               greatest(s.opened_at, max(p.last_activity_at)),
                               greatest(s.opened_at, max(p.last_activity_at),
                                        max(p.updated_at) FILTER (WHERE p.tunnels > 0)),
                               count(p.broker_id) FILTER (WHERE p.updated_at > :fresh)
                        FROM access_session s LEFT JOIN session_presence p ON p.session_id = s.id
                        WHERE s.closed_at IS NULL
                        GROUP BY s.id""")
                .setParameter("fresh", Timestamp.from(freshAfter)).getResultList();
        List<Ended> ended = new ArrayList<>();
        for (Object[] r : candidates) {
            if (((Number) r[7]).intValue() > 0) {
                continue; // held by a live broker
            }
            UUID id = UUID.fromString((String) r[0]);
            Instant expires = instant(r[3]);
            Instant lastActivity = instant(r[5]);
            Instant lastUsed = instant(r[6]);
            String cause = null;
            Instant since = null;
            if (expires != null && !now.isBefore(expires)) {
                cause = "maximum session duration reached";
                since = expires;
            } else if (r[4] != null && !now.isBefore(lastActivity.plusMillis(((Number) r[4]).longValue()))) {
                cause = "idle for " + java.time.Duration.ofMillis(((Number) r[4]).longValue()) + " (idle timeout)";
                since = lastActivity.plusMillis(((Number) r[4]).longValue());
            } else if (!now.isBefore(lastUsed.plus(unusedTimeout))) {
                cause = "no tunnel on any broker for " + unusedTimeout;
                since = lastUsed.plus(unusedTimeout);
            }
            if (cause != null && close(id, now, "revoked: " + cause, io.grpc.Status.Code.PERMISSION_DENIED,
                    "access revoked: " + cause)) {
                ended.add(new Ended(id, (String) r[1], (String) r[2], cause, since, lastActivity));
            }
        }
        return ended;
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
