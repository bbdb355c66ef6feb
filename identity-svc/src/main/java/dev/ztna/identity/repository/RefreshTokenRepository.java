package dev.ztna.identity.repository;

import dev.ztna.identity.domain.RefreshToken;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, byte[]> {

    /** Spends the token if it is unspent: one conditional UPDATE, so two racing uses cannot both succeed. */
    public boolean spend(byte[] hash, Instant at) {
        return update("usedAt = ?1 where tokenHash = ?2 and usedAt is null", at, hash) == 1;
    }
}
