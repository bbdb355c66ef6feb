package dev.ztna.identity.repository;

import dev.ztna.identity.domain.WebLoginCode;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class WebLoginCodeRepository implements PanacheRepositoryBase<WebLoginCode, byte[]> {
}
