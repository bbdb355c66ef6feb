package dev.ztna.identity.repository;

import dev.ztna.identity.domain.Device;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class DeviceRepository implements PanacheRepositoryBase<Device, UUID> {

    public Optional<Device> findByKey(UUID userId, byte[] publicKey) {
        return find("userId = ?1 and publicKey = ?2", userId, publicKey).firstResultOptional();
    }

    public List<Device> reportedSince(Instant since) {
        return list("reportedAt >= ?1", since);
    }
}
