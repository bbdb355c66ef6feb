package dev.ztna.audit.service;

import dev.ztna.audit.config.AuditConfig;
import dev.ztna.common.merkle.TreeHeads;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/** Signs tree heads with Ed25519. The signed bytes are documented in audit_query_service.proto. */
@ApplicationScoped
public class TreeHeadSigner {

    private static final Logger LOG = Logger.getLogger(TreeHeadSigner.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    public TreeHeadSigner(AuditConfig config) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("Ed25519");
        if (config.signingKey().isPresent()) {
            privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(config.signingKey().get().trim())));
            publicKey = derivePublic(privateKey);
        } else if (LaunchMode.current() != LaunchMode.NORMAL) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            privateKey = pair.getPrivate();
            publicKey = pair.getPublic();
            LOG.warn("ztna.audit.signing-key is not set: signing tree heads with an ephemeral key (dev/test only)");
        } else {
            throw new IllegalStateException("ztna.audit.signing-key (base64 PKCS#8 Ed25519) is required");
        }
        keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()), 0, 8);
    }

    public String keyId() {
        return keyId;
    }

    /** X.509 SubjectPublicKeyInfo, base64: what the offline verifier is given. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    public byte[] sign(long treeSize, Instant issuedAt, byte[] root) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(TreeHeads.signedBytes(treeSize, issuedAt.toEpochMilli(), root));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    public boolean verify(long treeSize, Instant issuedAt, byte[] root, byte[] sig) {
        return TreeHeads.verify(publicKey, treeSize, issuedAt.toEpochMilli(), root, sig);
    }

    /** The JDK has no direct Ed25519 private→public derivation; sign-free route via the key's encoded seed. */
    private static PublicKey derivePublic(PrivateKey key) throws GeneralSecurityException {
        byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
        // KeyPairGenerator with a fixed "random" source that returns the seed reproduces the same key pair
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
        });
        return generator.generateKeyPair().getPublic();
    }
}
