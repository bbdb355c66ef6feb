package dev.ztna.identity.repository;

import dev.ztna.identity.domain.Revocation;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class RevocationRepository implements PanacheRepositoryBase<Revocation, Long> {

    /** Revocations after {@code sequence} and not older than {@code notBefore}, in order. */
    public List<Revocation> after(long sequence, Instant notBefore) {
        return list("sequence > ?1 and revokedAt >= ?2 order by sequence", sequence, notBefore);
    }
}
