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

    public Optional<AuditEntry> tip() {
        return find("order by seq desc").firstResultOptional();
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
