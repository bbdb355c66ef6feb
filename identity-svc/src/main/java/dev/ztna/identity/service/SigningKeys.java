package dev.ztna.identity.service;

import dev.ztna.common.audit.AuditOutbox;
import dev.ztna.identity.config.IdentityConfig;
import dev.ztna.identity.domain.SigningKey;
import dev.ztna.identity.repository.SigningKeyRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ES256 token-signing keys. The first start generates one and stores it encrypted with the master key, so every
 * instance of identity-svc sharing the database signs with the same key. Key ids are RFC 7638 thumbprints.
 */
@ApplicationScoped
public class SigningKeys {

    private static final String CONTEXT = "signing-key";

    private final SigningKeyRepository repository;
    private final SecretBox box;
    private final IdentityConfig config;
    private final AuditOutbox audit;
    private volatile Active active;
    private volatile JsonWebKeySet published;

    public record Active(String kid, PrivateKey privateKey, Instant activatesAt) {
    }

    /** A key as operators see it. */
    public record KeyInfo(String kid, Instant createdAt, Instant activatesAt, Instant retiredAt, boolean signing) {
    }

    public SigningKeys(SigningKeyRepository repository, SecretBox box, IdentityConfig config, AuditOutbox audit) {
        this.repository = repository;
        this.box = box;
        this.config = config;
        this.audit = audit;
    }

    /**
     * Loaded at start: tokens are verified in the gRPC interceptor, on the event loop, where reading the keys from the
     * database is not allowed (the first token of a fresh process would otherwise be refused).
     */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        reload();
    }

    /** The signing key; a rotated-in key takes over once its activation time has come (checked every few seconds). */
    public Active active() {
        Active current = active;
        if (current == null) {
            synchronized (this) {
                if (active == null) {
                    reload();
                }
                current = active;
            }
        }
        return current;
    }

    /** Every published key, for the JWKS endpoint and for local verification. */
    public JsonWebKeySet jwks() {
        JsonWebKeySet current = published;
        if (current == null) {
            reload();
            current = published;
        }
        return current;
    }

    /** Re-reads the keys (another instance may have rotated), and switches to a rotated-in key once it is active. */
    @io.quarkus.scheduler.Scheduled(every = "5s", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    synchronized void reload() {
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            SigningKey signing = repository.signingAt(now).orElseGet(() -> create(now));
            if (active == null || !active.kid().equals(signing.kid)) {
                byte[] pkcs8 = box.open(signing.privateKeyEnc, CONTEXT + ":" + signing.kid);
                try {
                    active = new Active(signing.kid, KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                            signing.activatesAt);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("stored signing key is unreadable", e);
                }
            }
            List<JsonWebKey> jwks = new ArrayList<>();
            for (SigningKey key : repository.published()) {
                jwks.add(toJwk(key.kid, decodePublic(key.publicKey)));
            }
            published = new JsonWebKeySet(jwks);
        });
    }

    /**
     * Rotation: a new key, published at once and signing after {@code ztna.identity.key-publish-lead}; the old one
     * stays published, so tokens it signed verify until they expire. Returns the new key.
     */
    public KeyInfo rotate(String actor) {
        Instant activates = Instant.now().plus(config.keyPublishLead());
        SigningKey key = QuarkusTransaction.requiringNew().call(() -> {
            SigningKey created = create(activates);
            audit.record("signing_key.rotate", actor, dev.ztna.proto.audit.v1.Outcome.OUTCOME_SUCCESS,
                    "new signing key published", java.util.Map.of("kid", created.kid, "activates_at", activates.toString()));
            return created;
        });
        reload();
        return new KeyInfo(key.kid, key.createdAt, key.activatesAt, null, false);
    }

    /** Outcome of a retire request. */
    public enum Retired { DONE, NO_SUCH_KEY, STILL_NEEDED }

    /**
     * Removes a superseded key from the JWKS once every token it can have signed has expired: its successor must have
     * been signing for {@code ztna.identity.key-retire-after}.
     */
    public Retired retire(String actor, String kid) {
        Instant now = Instant.now();
        Retired outcome = QuarkusTransaction.requiringNew().call(() -> {
            SigningKey key = repository.findById(kid);
            if (key == null || key.retiredAt != null) {
                return Retired.NO_SUCH_KEY;
            }
            Instant superseded = repository.published().stream()
                    .filter(k -> k.activatesAt.isAfter(key.activatesAt) && !k.activatesAt.isAfter(now))
                    .map(k -> k.activatesAt).min(Instant::compareTo).orElse(null);
            if (superseded == null || now.isBefore(superseded.plus(config.keyRetireAfter()))) {
                return Retired.STILL_NEEDED;
            }
            key.retiredAt = now;
            audit.record("signing_key.retire", actor, dev.ztna.proto.audit.v1.Outcome.OUTCOME_SUCCESS,
                    "signing key removed from the JWKS", java.util.Map.of("kid", kid));
            return Retired.DONE;
        });
        if (outcome == Retired.DONE) {
            reload();
        }
        return outcome;
    }

    public List<KeyInfo> list() {
        String signing = active().kid();
        return QuarkusTransaction.requiringNew().call(() -> repository.listAll().stream()
                .sorted(java.util.Comparator.comparing((SigningKey k) -> k.activatesAt))
                .map(k -> new KeyInfo(k.kid, k.createdAt, k.activatesAt, k.retiredAt, k.kid.equals(signing))).toList());
    }

    private SigningKey create(Instant activatesAt) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            String kid = toJwk(null, pair.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256");
            SigningKey key = new SigningKey();
            key.kid = kid;
            key.publicKey = pair.getPublic().getEncoded();
            key.privateKeyEnc = box.seal(pair.getPrivate().getEncoded(), CONTEXT + ":" + kid);
            key.createdAt = Instant.now();
            key.activatesAt = activatesAt;
            repository.persist(key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    private static PublicKey decodePublic(byte[] x509) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored public key is unreadable", e);
        }
    }

    private static PublicJsonWebKey toJwk(String kid, PublicKey key) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            if (kid != null) {
                jwk.setKeyId(kid);
            }
            jwk.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jwk.setUse("sig");
            return jwk;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
