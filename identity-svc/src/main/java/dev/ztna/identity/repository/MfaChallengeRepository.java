package dev.ztna.identity.repository;

import dev.ztna.identity.domain.MfaChallenge;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class MfaChallengeRepository implements PanacheRepositoryBase<MfaChallenge, byte[]> {

    public long deleteExpired(Instant now) {
        return delete("expiresAt < ?1", now);
    }
}
