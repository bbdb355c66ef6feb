package dev.ztna.broker.repository;

import dev.ztna.broker.domain.AccessSession;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class AccessSessionRepository implements PanacheRepositoryBase<AccessSession, UUID> {

    /** Sessions this broker left open when it stopped cannot carry traffic any more. */
    public int closeAllOpen(Instant at, String reason) {
        return update("closedAt = ?1, closeReason = ?2 where closedAt is null", at, reason);
    }
}
