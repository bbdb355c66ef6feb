package dev.ztna.common.audit;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AuditOutboxRepository implements PanacheRepositoryBase<AuditOutboxEntry, UUID> {

    /** Many entries in one JDBC batch, outside the persistence context (they are only ever read back by the relay). */
    public void insertAll(List<AuditOutboxEntry> entries) {
        getEntityManager().unwrap(org.hibernate.Session.class).doWork(connection -> {
            try (java.sql.PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO audit_outbox (id, created_at, payload) VALUES (?, ?, ?)")) {
                for (AuditOutboxEntry e : entries) {
                    insert.setObject(1, e.id);
                    insert.setObject(2, e.createdAt.atOffset(java.time.ZoneOffset.UTC));
                    insert.setBytes(3, e.payload);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /** Removes delivered entries in one statement (not one DELETE per entity). */
    public void deleteDelivered(List<UUID> ids) {
        if (!ids.isEmpty()) {
            getEntityManager().createNativeQuery("DELETE FROM audit_outbox WHERE id = ANY(CAST(:ids AS uuid[]))")
                    .setParameter("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
                    .executeUpdate();
        }
    }

    /** A pending event as the relay reads it: plain values, not managed entities (nothing to dirty-check). */
    public record Pending(UUID id, byte[] payload) {
    }

    /** The oldest pending entries, locked so that several instances of a service never send the same batch. */
    @SuppressWarnings("unchecked")
    public List<Pending> lockOldest(int limit) {
        List<Object[]> rows = getEntityManager()
                .createNativeQuery("SELECT id, payload FROM audit_outbox ORDER BY created_at, id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .setParameter("limit", limit)
                .getResultList();
        return rows.stream().map(r -> new Pending((UUID) r[0], (byte[]) r[1])).toList();
    }
}
