package dev.ztna.audit.repository;

import dev.ztna.audit.domain.TreeHead;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

@ApplicationScoped
public class TreeHeadRepository implements PanacheRepositoryBase<TreeHead, Long> {

    public Optional<TreeHead> latest() {
        return find("order by treeSize desc").firstResultOptional();
    }
}
