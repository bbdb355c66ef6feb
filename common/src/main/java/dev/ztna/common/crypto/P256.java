package dev.ztna.common.crypto;

import org.jose4j.jws.EcdsaUsingShaAlgorithm;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;

/** EC P-256 keys that clients hold (connectors, devices): reading their public keys and checking their signatures. */
public final class P256 {

    /** The order of the P-256 group: tells the curve apart from any other. */
    private static final BigInteger ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private P256() {
    }

    /** The key, or IllegalArgumentException when the bytes are not an X.509 SubjectPublicKeyInfo of a P-256 key. */
    public static PublicKey publicKey(byte[] spki) {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            if (key instanceof ECPublicKey ec && ec.getParams().getOrder().equals(ORDER)) {
                return key;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // answered below
        }
        throw new IllegalArgumentException("not an EC P-256 public key");
    }

    /** Whether {@code signature} (ASN.1 DER, or the 64-byte R||S form of JOSE) is an ES256 signature of {@code data}. */
    public static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        try {
            byte[] der = signature.length == 64 ? EcdsaUsingShaAlgorithm.convertConcatenatedToDer(signature) : signature;
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(der);
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
