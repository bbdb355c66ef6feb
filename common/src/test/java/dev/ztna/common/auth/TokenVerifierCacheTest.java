package dev.ztna.common.auth;

import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenVerifierCacheTest {

    static EllipticCurveJsonWebKey key;

    @BeforeAll
    static void key() throws Exception {
        key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("test");
    }

    static AuthConfig config(int size, Duration ttl) {
        return new AuthConfig() {
            public String issuer() { return "https://identity.test"; }
            public String audience() { return "ztna"; }
            public Optional<String> jwksUrl() { return Optional.empty(); }
            public Optional<List<String>> publicMethods() { return Optional.empty(); }
            public int clockSkewSeconds() { return 0; }
            public int verifiedTokenCacheSize() { return size; }
            public Duration verifiedTokenCacheTtl() { return ttl; }
        };
    }

    static TokenVerifier verifier(int size, Duration ttl) {
        return new TokenVerifier(config(size, ttl), new JwksVerificationKeyResolver(List.<JsonWebKey>of(key)));
    }

    static String token(String user, long validForMillis) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://identity.test");
        claims.setAudience("ztna");
        claims.setSubject("id-" + user);
        claims.setGeneratedJwtId();
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromMilliseconds(System.currentTimeMillis() + validForMillis));
        claims.setClaim("preferred_username", user);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue("test");
        jws.setHeader("typ", "at+jwt");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jws.getCompactSerialization();
    }

    @Test
    void aTokenPresentedAgainIsRememberedButNothingElseIs() throws Exception {
        TokenVerifier verifier = verifier(100, Duration.ofMinutes(5));
        String token = token("alice", 60_000);
        Caller first = verifier.verify(token);
        assertEquals("alice", first.name());
        assertSame(first, verifier.verify(token), "the second presentation is served from the cache");

        String[] parts = token.split("\\.");
        char c = parts[2].charAt(10);
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (c == 'A' ? 'B' : 'A')
                + parts[2].substring(11);
        assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(tampered));
        String otherPayload = parts[0] + "." + token("mallory", 60_000).split("\\.")[1] + "." + parts[2];
        assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(otherPayload));
    }

    @Test
    void aRememberedTokenStillExpiresAtItsExp() throws Exception {
        TokenVerifier verifier = verifier(100, Duration.ofMinutes(5));
        String token = token("bob", 1500);
        verifier.verify(token);
        verifier.verify(token);
        Thread.sleep(2100);
        assertThrows(TokenVerifier.InvalidTokenException.class, () -> verifier.verify(token));
    }

    @Test
    void theTtlAndASizeOfZeroBoundTheCache() throws Exception {
        String token = token("carol", 60_000);
        TokenVerifier off = verifier(0, Duration.ofMinutes(5));
        assertNotSame(off.verify(token), off.verify(token));
        TokenVerifier shortTtl = verifier(100, Duration.ofMillis(1));
        Caller first = shortTtl.verify(token);
        Thread.sleep(5);
        assertNotSame(first, shortTtl.verify(token));
        TokenVerifier tiny = verifier(1, Duration.ofMinutes(5));
        Caller carol = tiny.verify(token);
        tiny.verify(token("dave", 60_000));
        assertNotSame(carol, tiny.verify(token), "a full cache starts over");
    }
}
