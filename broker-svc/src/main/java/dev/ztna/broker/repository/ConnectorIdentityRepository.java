package dev.ztna.broker.repository;

import dev.ztna.broker.domain.ConnectorIdentity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ConnectorIdentityRepository implements PanacheRepositoryBase<ConnectorIdentity, UUID> {

    public List<ConnectorIdentity> active() {
        return list("revokedAt is null");
    }

    /** Keyset page ordered by id: {@code after} is the last id of the previous page, or null. */
    public List<ConnectorIdentity> page(UUID after, int size) {
        return after == null ? find("order by id").page(0, size).list()
                : find("id > ?1 order by id", after).page(0, size).list();
    }
}
