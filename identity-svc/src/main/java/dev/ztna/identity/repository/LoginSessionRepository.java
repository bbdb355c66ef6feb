package dev.ztna.identity.repository;

import dev.ztna.identity.domain.LoginSession;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class LoginSessionRepository implements PanacheRepositoryBase<LoginSession, UUID> {

    /** Marks every open login session of the user revoked; how many there were. */
    public int revokeAllOf(UUID userId, Instant at) {
        return update("revokedAt = ?1 where userId = ?2 and revokedAt is null", at, userId);
    }
}
