package dev.ztna.identity.repository;

import dev.ztna.identity.domain.ServiceAccount;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ServiceAccountRepository implements PanacheRepositoryBase<ServiceAccount, String> {
}
