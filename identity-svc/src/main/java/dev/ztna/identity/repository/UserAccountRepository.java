package dev.ztna.identity.repository;

import dev.ztna.identity.domain.UserAccount;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class UserAccountRepository implements PanacheRepositoryBase<UserAccount, UUID> {

    public Optional<UserAccount> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public Optional<UserAccount> findByFederatedIdentity(String issuer, String subject) {
        return find("federatedIssuer = ?1 and federatedSubject = ?2", issuer, subject).firstResultOptional();
    }

    /** Keyset page by username: those after {@code after} ("" from the start), at most {@code size}. */
    public java.util.List<UserAccount> page(String after, int size) {
        return find("username > ?1 order by username", after).page(0, size).list();
    }
}
