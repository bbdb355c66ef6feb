package dev.ztna.broker.service;

import dev.ztna.broker.domain.ConnectorIdentity;
import dev.ztna.broker.repository.ConnectorIdentityRepository;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.MethodTokenVerifier;
import dev.ztna.common.auth.TokenVerifier;
import dev.ztna.common.auth.VerifiedTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.lang.UnresolvableKeyException;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates connectors by the assertions they sign with their enrolled key. The enrolled identities are held in
 * memory (refreshed from the shared database every {@code ztna.broker.connector-refresh-interval}), so verifying never
 * blocks the event loop, and a connector revoked on any broker is refused on every broker within one refresh.
 */
@ApplicationScoped
public class ConnectorAssertionVerifier implements MethodTokenVerifier {

    public static final String AUDIENCE = "ztna-broker";
    public static final String TYPE = "ztna-connector+jwt";
    private static final Logger LOG = Logger.getLogger(ConnectorAssertionVerifier.class);
    private static final String SERVICE = "ztna.broker.v1.ConnectorService/";
    private static final int MAX_ASSERTION_LENGTH = 4096;

    /** What the broker knows of one enrolled connector. */
    public record Enrolled(String id, String name, Set<String> apps, PublicKey key) {
    }

    private final ConnectorIdentityRepository identities;
    private final JwtConsumer consumer;
    private final VerifiedTokens verified = new VerifiedTokens(10_000, Duration.ofMinutes(10));
    private volatile Map<String, Enrolled> enrolled = Map.of();

    public ConnectorAssertionVerifier(ConnectorIdentityRepository identities) {
        this.identities = identities;
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(30)
                .setMaxFutureValidityInMinutes(10)
                .setExpectedAudience(AUDIENCE)
                .setExpectedType(true, TYPE)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver((jws, nesting) -> {
                    Enrolled known = enrolled.get(jws.getKeyIdHeaderValue());
                    if (known == null) {
                        throw new UnresolvableKeyException("unknown connector");
                    }
                    return known.key();
                })
                .build();
    }

    @Override
    public boolean appliesTo(String fullMethodName) {
        return fullMethodName.startsWith(SERVICE) && !fullMethodName.equals(SERVICE + "Enroll");
    }

    @Override
    public Caller verify(String token) throws TokenVerifier.InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > MAX_ASSERTION_LENGTH) {
            throw new TokenVerifier.InvalidTokenException();
        }
        Caller remembered = verified.get(token);
        if (remembered != null) {
            if (!enrolled.containsKey(remembered.subject())) {
                throw new TokenVerifier.InvalidTokenException();
            }
            return remembered;
        }
        try {
            JwtContext context = consumer.process(token);
            JwtClaims claims = context.getJwtClaims();
            Enrolled known = enrolled.get(claims.getSubject());
            // the key that verified the signature must be the subject's own key, and a connector speaks for itself only
            if (known == null || !known.id().equals(context.getJoseObjects().get(0).getKeyIdHeaderValue())
                    || !known.id().equals(claims.getIssuer())) {
                throw new TokenVerifier.InvalidTokenException();
            }
            Caller caller = new Caller(known.id(), known.name(), Set.of(), Set.of("connector"), null, true, Set.of(), null, null);
            verified.put(token, caller, claims.getExpirationTime().getValueInMillis());
            return caller;
        } catch (InvalidJwtException | org.jose4j.jwt.MalformedClaimException | RuntimeException e) {
            throw new TokenVerifier.InvalidTokenException();
        }
    }

    /** The enrolled, unrevoked connector with this id, if any. */
    public Enrolled enrolled(String connectorId) {
        return enrolled.get(connectorId);
    }

    void onStart(@Observes StartupEvent event) {
        refresh();
    }

    @Scheduled(every = "${ztna.broker.connector-refresh-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void refresh() {
        Map<String, Enrolled> next = new HashMap<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (ConnectorIdentity identity : identities.active()) {
                try {
                    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(identity.publicKey));
                    next.put(identity.id.toString(), new Enrolled(identity.id.toString(), identity.name,
                            Set.copyOf(identity.appList()), key));
                } catch (java.security.GeneralSecurityException e) {
                    LOG.errorf("connector %s has an unreadable public key; it cannot attach", identity.id);
                }
            }
        });
        enrolled = Map.copyOf(next);
    }
}
