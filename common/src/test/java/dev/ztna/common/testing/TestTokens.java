package dev.ztna.common.testing;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Signs access tokens for tests with the committed TEST key, shaped exactly like identity-svc's tokens. */
public final class TestTokens {

    public static final String ISSUER = "https://identity.test";
    public static final String KID = "test-key";
    private static final PrivateKey KEY = loadKey();

    private TestTokens() {
    }

    public static String user(String username, List<String> groups, List<String> roles) {
        JwtClaims claims = base(UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8)).toString());
        claims.setClaim("preferred_username", username);
        claims.setStringListClaim("groups", groups);
        claims.setStringListClaim("roles", roles);
        claims.setStringListClaim("amr", "pwd", "otp");
        claims.setClaim("sid", UUID.randomUUID().toString());
        return sign(claims);
    }

    public static String service(String clientId, String... roles) {
        JwtClaims claims = base(clientId);
        claims.setClaim("client_id", clientId);
        claims.setStringListClaim("roles", roles);
        return sign(claims);
    }

    public static JwtClaims base(String subject) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("ztna");
        claims.setSubject(subject);
        claims.setGeneratedJwtId();
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        return claims;
    }

    public static String sign(JwtClaims claims) {
        return sign(claims, jws -> {
        });
    }

    /** Signs with the trusted test key after {@code tweak} may change headers, key or algorithm (forgery tests). */
    public static String sign(JwtClaims claims, java.util.function.Consumer<JsonWebSignature> tweak) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(KEY);
        jws.setKeyIdHeaderValue(KID);
        jws.setHeader("typ", "at+jwt");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        tweak.accept(jws);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public JWKS to a file and returns its file: URL. */
    public static String writeJwks(Path dir) {
        try {
            PublicKey publicKey = KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(pem("test-public-key.pem", "PUBLIC KEY")));
            JsonWebKey jwk = JsonWebKey.Factory.newJwk(publicKey);
            jwk.setKeyId(KID);
            jwk.setAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            Files.createDirectories(dir);
            Path file = dir.resolve("jwks.json");
            Files.writeString(file, new JsonWebKeySet(jwk).toJson());
            return file.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trusted public key's X.509 bytes (what a key-confusion attacker would use as an HMAC secret). */
    public static byte[] publicKeyBytes() {
        return pem("test-public-key.pem", "PUBLIC KEY");
    }

    private static PrivateKey loadKey() {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pem("test-signing-key.pem", "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(String name, String type) {
        try (InputStream in = TestTokens.class.getResourceAsStream("/test-keys/" + name)) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String begin = "-----BEGIN " + type + "-----";
            String body = pem.substring(pem.indexOf(begin) + begin.length(), pem.indexOf("-----END")).replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
