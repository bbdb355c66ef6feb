package dev.ztna.broker.repository;

import dev.ztna.broker.domain.ConnectorEnrollment;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class ConnectorEnrollmentRepository implements PanacheRepositoryBase<ConnectorEnrollment, byte[]> {

    /**
     * Marks the token used if it is unused and unexpired; the single conditional UPDATE makes redeeming atomic, so two
     * brokers racing on one token enrol one connector.
     */
    public boolean redeem(byte[] tokenHash, UUID connectorId, Instant now) {
        return update("usedAt = ?1, connectorId = ?2 where tokenHash = ?3 and usedAt is null and expiresAt > ?1",
                now, connectorId, tokenHash) == 1;
    }
}
