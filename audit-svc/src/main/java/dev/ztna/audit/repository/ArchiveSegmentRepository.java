package dev.ztna.audit.repository;

import dev.ztna.audit.domain.ArchiveSegment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ArchiveSegmentRepository implements PanacheRepositoryBase<ArchiveSegment, Long> {

    /** The last seq any segment covers; 0 when nothing is archived. */
    public long archivedUpTo() {
        Long max = getEntityManager().createQuery("select max(s.lastSeq) from ArchiveSegment s", Long.class)
                .getSingleResult();
        return max == null ? 0 : max;
    }

    /** Redacts the content of every entry up to {@code upTo}; the database refuses anything not yet archived. */
    public long redact(long upTo) {
        return ((Number) getEntityManager().createNativeQuery("select audit_redact(?1)")
                .setParameter(1, upTo).getSingleResult()).longValue();
    }
}
