package dev.ztna.broker.service;

import dev.ztna.broker.domain.ConnectorEnrollment;
import dev.ztna.broker.domain.ConnectorIdentity;
import dev.ztna.broker.repository.ConnectorEnrollmentRepository;
import dev.ztna.broker.repository.ConnectorIdentityRepository;
import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.crypto.P256;
import dev.ztna.common.error.Errors;
import dev.ztna.proto.audit.v1.Outcome;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one-time enrolment tokens into connector identities: an operator binds a token to a connector name and the
 * apps it may front; the connector redeems it once with the public key of a key pair it generated, and from then on
 * signs its own short-lived assertions. The broker keeps only the token's hash and the public key.
 */
@ApplicationScoped
public class ConnectorEnroller {

    public static final String TOKEN_PREFIX = "ztna-enroll_";
    private final SecureRandom random = new SecureRandom();
    private final ConnectorEnrollmentRepository enrollments;
    private final ConnectorIdentityRepository identities;
    private final AuditOutbox audit;

    public ConnectorEnroller(ConnectorEnrollmentRepository enrollments, ConnectorIdentityRepository identities,
                             AuditOutbox audit) {
        this.enrollments = enrollments;
        this.identities = identities;
        this.audit = audit;
    }

    public record IssuedToken(String token, Instant expiresAt) {
    }

    @Transactional
    public IssuedToken createToken(Caller operator, String connectorName, Set<String> apps, Duration ttl) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = Instant.now();
        ConnectorEnrollment enrollment = new ConnectorEnrollment();
        enrollment.tokenHash = sha256(token);
        enrollment.connectorName = connectorName;
        enrollment.apps = String.join(",", new java.util.TreeSet<>(apps));
        enrollment.createdBy = operator.name();
        enrollment.createdAt = now;
        enrollment.expiresAt = now.plus(ttl);
        enrollments.persist(enrollment);
        audit.record("connector.enrollment_token.create", operator.name(), Outcome.OUTCOME_SUCCESS, connectorName,
                Map.of("connector_name", connectorName, "apps", enrollment.apps, "expire_time", enrollment.expiresAt.toString()));
        return new IssuedToken(token, enrollment.expiresAt);
    }

    /**
     * Redeems the token for a connector identity. An unknown, used or expired token gets one answer, and each refusal
     * is audited (with the caller's address) without the token.
     */
    public ConnectorIdentity enroll(String token, byte[] publicKey, String source) {
        PublicKey key = p256(publicKey);
        Optional<ConnectorIdentity> enrolled = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            byte[] hash = sha256(token);
            ConnectorEnrollment enrollment = enrollments.findById(hash);
            UUID id = UUID.randomUUID();
            if (enrollment == null || !enrollments.redeem(hash, id, now)) {
                return Optional.<ConnectorIdentity>empty();
            }
            ConnectorIdentity identity = new ConnectorIdentity();
            identity.id = id;
            identity.name = enrollment.connectorName;
            identity.apps = enrollment.apps;
            identity.publicKey = key.getEncoded();
            identity.enrolledAt = now;
            identities.persist(identity);
            audit.record("connector.enroll", id.toString(), Outcome.OUTCOME_SUCCESS, identity.name,
                    Map.of("connector_id", id.toString(), "connector_name", identity.name, "apps", identity.apps,
                            "source_address", source, "token_created_by", enrollment.createdBy));
            return Optional.of(identity);
        });
        if (enrolled.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> audit.record("connector.enroll", "anonymous",
                    Outcome.OUTCOME_FAILURE, "unknown, used or expired enrolment token", Map.of("source_address", source)));
            throw Errors.unauthenticated("ENROLLMENT_TOKEN_INVALID", "the enrolment token is unknown, used or expired");
        }
        return enrolled.get();
    }

    /** Marks the connector revoked; false when there is no such connector or it was already revoked. */
    @Transactional
    public boolean revoke(Caller operator, UUID connectorId) {
        ConnectorIdentity identity = identities.findById(connectorId);
        if (identity == null || identity.revokedAt != null) {
            return false;
        }
        identity.revokedAt = Instant.now();
        identity.revokedBy = operator.name();
        audit.record("connector.revoke", operator.name(), Outcome.OUTCOME_SUCCESS, identity.name,
                Map.of("connector_id", connectorId.toString(), "connector_name", identity.name));
        return true;
    }

    @Transactional
    public List<ConnectorIdentity> page(UUID after, int size) {
        return identities.page(after, size);
    }

    private static PublicKey p256(byte[] encoded) {
        try {
            return P256.publicKey(encoded);
        } catch (IllegalArgumentException e) {
            throw Errors.invalidArgument("public_key", "must be an EC P-256 public key (X.509 SubjectPublicKeyInfo, DER)");
        }
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
