package dev.ztna.identity.repository;

import dev.ztna.identity.domain.SigningKey;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class SigningKeyRepository implements PanacheRepositoryBase<SigningKey, String> {

    public Optional<SigningKey> findActive() {
        return find("active = true order by createdAt desc").firstResultOptional();
    }
}
