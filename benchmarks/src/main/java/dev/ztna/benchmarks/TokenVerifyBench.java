package dev.ztna.benchmarks;

import dev.ztna.common.auth.AuthConfig;
import dev.ztna.common.auth.Caller;
import dev.ztna.common.auth.TokenVerifier;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What every consuming service pays per call: {@link TokenVerifier} on an ES256 access token (signature, exp/iat/nbf,
 * iss, aud, typ, jti, sub, claim extraction). Peer in the same run: jose4j checking the signature only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerifyBench {

    TokenVerifier verifier;
    TokenVerifier cachingVerifier;
    JwtConsumer signatureOnly;
    String token;

    @Setup
    public void setUp() throws Exception {
        EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("bench");
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://identity.bench");
        claims.setAudience("ztna");
        claims.setSubject("user-1");
        claims.setGeneratedJwtId();
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setClaim("preferred_username", "alice");
        claims.setStringListClaim("groups", "engineering");
        claims.setStringListClaim("roles");
        claims.setStringListClaim("amr", "pwd", "otp");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue("bench");
        jws.setHeader("typ", "at+jwt");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        token = jws.getCompactSerialization();
        JwksVerificationKeyResolver keys = new JwksVerificationKeyResolver(List.of(key));
        verifier = new TokenVerifier(config(0), keys);
        cachingVerifier = new TokenVerifier(config(10_000), keys);
        signatureOnly = new JwtConsumerBuilder().setSkipAllValidators().setVerificationKeyResolver(keys).build();
    }

    static AuthConfig config(int cacheSize) {
        return new AuthConfig() {
            public String issuer() { return "https://identity.bench"; }
            public String audience() { return "ztna"; }
            public Optional<String> jwksUrl() { return Optional.empty(); }
            public Optional<List<String>> publicMethods() { return Optional.empty(); }
            public int clockSkewSeconds() { return 30; }
            public int verifiedTokenCacheSize() { return cacheSize; }
            public java.time.Duration verifiedTokenCacheTtl() { return java.time.Duration.ofMinutes(5); }
        };
    }

    /** Every check, every time (cache off). */
    @Benchmark
    public Caller tokenVerifier() throws Exception {
        return verifier.verify(token);
    }

    /** The same token presented again, as a broker's service token is on every Decide. */
    @Benchmark
    public Caller tokenVerifierCached() throws Exception {
        return cachingVerifier.verify(token);
    }

    @Benchmark
    public Object peerSignatureOnly() throws Exception {
        return signatureOnly.processToClaims(token);
    }
}
