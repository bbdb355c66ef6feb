package dev.ztna.identity.service;

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
    private volatile Active active;
    private volatile JsonWebKeySet published;

    public record Active(String kid, PrivateKey privateKey) {
    }

    public SigningKeys(SigningKeyRepository repository, SecretBox box) {
        this.repository = repository;
        this.box = box;
    }

    /**
     * Loaded at start: tokens are verified in the gRPC interceptor, on the event loop, where reading the keys from the
     * database is not allowed (the first token of a fresh process would otherwise be refused).
     */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        jwks();
    }

    public Active active() {
        Active current = active;
        if (current == null) {
            synchronized (this) {
                if (active == null) {
                    active = QuarkusTransaction.requiringNew().call(this::loadOrCreate);
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
            current = loadJwks();
            published = current;
        }
        return current;
    }

    private JsonWebKeySet loadJwks() {
        active();
        List<SigningKey> keys = QuarkusTransaction.requiringNew().call(() -> repository.listAll());
        List<JsonWebKey> jwks = new ArrayList<>();
        for (SigningKey key : keys) {
            jwks.add(toJwk(key.kid, decodePublic(key.publicKey)));
        }
        return new JsonWebKeySet(jwks);
    }

    private Active loadOrCreate() {
        SigningKey key = repository.findActive().orElseGet(this::create);
        byte[] pkcs8 = box.open(key.privateKeyEnc, CONTEXT + ":" + key.kid);
        try {
            return new Active(key.kid, KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored signing key is unreadable", e);
        }
    }

    private SigningKey create() {
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
            key.active = true;
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
