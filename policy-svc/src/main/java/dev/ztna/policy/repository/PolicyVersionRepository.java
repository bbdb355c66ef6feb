package dev.ztna.policy.repository;

import dev.ztna.policy.domain.PolicyVersion;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class PolicyVersionRepository implements PanacheRepositoryBase<PolicyVersion, Long> {

    public Optional<PolicyVersion> findLatest() {
        return find("order by version desc").firstResultOptional();
    }
}
