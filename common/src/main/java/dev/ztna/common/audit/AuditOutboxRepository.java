package dev.ztna.common.audit;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AuditOutboxRepository implements PanacheRepositoryBase<AuditOutboxEntry, UUID> {

    /** The oldest pending entries, locked so that several instances of a service never send the same batch. */
    @SuppressWarnings("unchecked")
    public List<AuditOutboxEntry> lockOldest(int limit) {
        return getEntityManager()
                .createNativeQuery("SELECT * FROM audit_outbox ORDER BY created_at, id LIMIT :limit FOR UPDATE SKIP LOCKED",
                        AuditOutboxEntry.class)
                .setParameter("limit", limit)
                .getResultList();
    }
}
