package dev.ztna.identity.repository;

import dev.ztna.identity.domain.SigningKey;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class SigningKeyRepository implements PanacheRepositoryBase<SigningKey, String> {

    /** The key that signs at {@code now}: the newest one already active and not retired. */
    public Optional<SigningKey> signingAt(java.time.Instant now) {
        return find("retiredAt is null and activatesAt <= ?1 order by activatesAt desc", now).firstResultOptional();
    }

    /** Every key in the JWKS: not retired, oldest first. */
    public java.util.List<SigningKey> published() {
        return list("retiredAt is null order by activatesAt");
    }
}
