package dev.ztna.audit.repository;

import dev.ztna.audit.domain.AuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class AuditEntryRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    /** Serializes writers across all instances for the rest of the transaction: the chain has one tip. */
    public void lockChain() {
        getEntityManager().createNativeQuery("SELECT pg_advisory_xact_lock(8084)").getSingleResult();
    }

    /**
     * One JDBC batch for the whole Append: entries are written once and never updated, so they need none of the
     * persistence context's bookkeeping.
     */
    public void insertAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        getEntityManager().unwrap(org.hibernate.Session.class).doWork(connection -> {
            try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_log (seq, event_id, "
                    + "event_time, received_at, type, service, actor, app, outcome, reason, session_id, payload, prev_hash, "
                    + "entry_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEntry e : entries) {
                    insert.setLong(1, e.seq);
                    insert.setObject(2, e.eventId);
                    insert.setObject(3, e.eventTime.atOffset(java.time.ZoneOffset.UTC));
                    insert.setObject(4, e.receivedAt.atOffset(java.time.ZoneOffset.UTC));
                    insert.setString(5, e.type);
                    insert.setString(6, e.service);
                    insert.setString(7, e.actor);
                    insert.setString(8, e.app);
                    insert.setString(9, e.outcome);
                    insert.setString(10, e.reason);
                    insert.setString(11, e.sessionId);
                    insert.setBytes(12, e.payload);
                    insert.setBytes(13, e.prevHash);
                    insert.setBytes(14, e.entryHash);
                    insert.setBytes(15, e.leafHash);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** The last entry's place in the chain, without loading the entry. */
    public record Tip(long seq, byte[] entryHash) {
    }

    public Optional<Tip> tip() {
        List<Object[]> rows = getEntityManager()
                .createQuery("select e.seq, e.entryHash from AuditEntry e order by e.seq desc", Object[].class)
                .setMaxResults(1).getResultList();
        return rows.stream().findFirst().map(r -> new Tip((Long) r[0], (byte[]) r[1]));
    }

    public Set<UUID> existing(Collection<UUID> ids) {
        List<UUID> found = getEntityManager()
                .createQuery("select e.eventId from AuditEntry e where e.eventId in :ids", UUID.class)
                .setParameter("ids", ids).getResultList();
        return new HashSet<>(found);
    }

    public List<AuditEntry> page(long afterSeq, int limit) {
        return find("seq > ?1 order by seq", afterSeq).page(0, limit).list();
    }
}
