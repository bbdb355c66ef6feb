package dev.ztna.broker;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forged and malformed tokens sent to a consuming service (the broker): every one is UNAUTHENTICATED, alike. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(TestTokensResource.class)
class ForgedTokenTest {

    @TestHTTPResource
    URL url;
    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    static JwtClaims claims() {
        JwtClaims claims = TestTokens.base("user-1");
        claims.setClaim("preferred_username", "alice");
        claims.setStringListClaim("groups", "engineering");
        claims.setStringListClaim("roles");
        return claims;
    }

    static JwtClaims claims(Consumer<JwtClaims> change) {
        JwtClaims claims = claims();
        change.accept(claims);
        return claims;
    }

    static String unsigned(String headerJson, JwtClaims claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toJson().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    static String withOtherKey(String curve, String alg, String kid) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(alg.startsWith("RS") ? "RSA" : "EC");
        if (alg.startsWith("RS")) {
            generator.initialize(2048);
        } else {
            generator.initialize(new ECGenParameterSpec(curve));
        }
        var key = generator.generateKeyPair().getPrivate();
        return TestTokens.sign(claims(), jws -> {
            jws.setKey(key);
            jws.setAlgorithmHeaderValue(alg);
            jws.setKeyIdHeaderValue(kid);
        });
    }

    Map<String, String> forgeries() throws Exception {
        String valid = TestTokens.sign(claims());
        String[] parts = valid.split("\\.");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("alg none", unsigned("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"test-key\"}", claims()));
        f.put("alg none, signature kept", unsigned("{\"alg\":\"none\",\"typ\":\"at+jwt\"}", claims()) + parts[2]);
        f.put("HS256 keyed with the public key", TestTokens.sign(claims(), jws -> {
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(TestTokens.publicKeyBytes()));
            jws.setDoKeyValidation(false);
        }));
        f.put("HS256 with a guessable secret", TestTokens.sign(claims(), jws -> {
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey("secretsecretsecretsecretsecret32".getBytes(StandardCharsets.UTF_8)));
        }));
        f.put("expired", TestTokens.sign(claims(c -> {
            c.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 3600));
            c.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        })));
        f.put("nbf in the future", TestTokens.sign(claims(c -> c.setNotBeforeMinutesInThePast(-10))));
        f.put("exp absurdly far in the future", TestTokens.sign(claims(c -> c.setExpirationTimeMinutesInTheFuture(60 * 24 * 365))));
        f.put("wrong iss", TestTokens.sign(claims(c -> c.setIssuer("https://evil.example"))));
        f.put("wrong aud", TestTokens.sign(claims(c -> c.setAudience("other-suite"))));
        f.put("no aud", TestTokens.sign(claims(c -> c.unsetClaim("aud"))));
        f.put("no exp", TestTokens.sign(claims(c -> c.unsetClaim("exp"))));
        f.put("no sub", TestTokens.sign(claims(c -> c.unsetClaim("sub"))));
        f.put("no jti", TestTokens.sign(claims(c -> c.unsetClaim("jti"))));
        f.put("no iat", TestTokens.sign(claims(c -> c.unsetClaim("iat"))));
        f.put("unknown kid, other key", withOtherKey("secp256r1", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, "other-key"));
        f.put("trusted kid, other key", withOtherKey("secp256r1", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, TestTokens.KID));
        f.put("ES384 with a P-384 key", withOtherKey("secp384r1", AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384, TestTokens.KID));
        f.put("RS256 with an RSA key", withOtherKey(null, AlgorithmIdentifiers.RSA_USING_SHA256, TestTokens.KID));
        f.put("kid path injection", TestTokens.sign(claims(), jws -> jws.setKeyIdHeaderValue("../../../../dev/null")));
        f.put("tampered payload (groups)", parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(c -> c.setStringListClaim("groups", "admins")).toJson().getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        char last = parts[2].charAt(10);
        f.put("tampered signature", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
                + (last == 'A' ? 'B' : 'A') + parts[2].substring(11));
        f.put("truncated", valid.substring(0, valid.length() - 12));
        f.put("two segments", parts[0] + "." + parts[1]);
        f.put("oversized", TestTokens.sign(claims(c -> c.setClaim("pad", "x".repeat(9000)))));
        f.put("wrong typ (JWT)", TestTokens.sign(claims(), jws -> jws.setHeader("typ", "JWT")));
        f.put("no typ", TestTokens.sign(claims(), jws -> jws.getHeaders().setObjectHeaderValue("typ", null)));
        f.put("unknown crit header", TestTokens.sign(claims(), jws -> {
            jws.setCriticalHeaderNames("x-must-understand");
            jws.setHeader("x-must-understand", "yes");
        }));
        f.put("garbage", "garbage.not.a-token");
        f.put("not base64", "%%%.###.$$$");
        f.put("empty", "");
        return f;
    }

    @Test
    void everyForgeryIsRefusedTheSameWayAndTheGenuineTokenPasses() throws Exception {
        AccessServiceGrpc.AccessServiceBlockingStub access = AccessServiceGrpc.newBlockingStub(channel);
        access.withCallCredentials(GrpcTestChannels.bearer(TestTokens.sign(claims())))
                .listApps(ListAppsRequest.getDefaultInstance()); // the control: accepted

        Map<String, String> forgeries = forgeries();
        assertTrue(forgeries.size() >= 20, "at least 20 forgeries");
        for (Map.Entry<String, String> forgery : forgeries.entrySet()) {
            Status status = call(access, "Bearer " + forgery.getValue());
            assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), forgery.getKey() + ": " + status);
            assertTrue(List.of("invalid or expired token", "missing bearer token").contains(status.getDescription()),
                    forgery.getKey() + ": " + status.getDescription());
        }
        for (String header : List.of("Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer", "Bearer ", "bearer", TestTokens.sign(claims()))) {
            assertEquals(Status.Code.UNAUTHENTICATED, call(access, header).getCode(), "authorization: " + header);
        }
    }

    static Status call(AccessServiceGrpc.AccessServiceBlockingStub access, String authorization) {
        try {
            access.withCallCredentials(raw(authorization)).listApps(ListAppsRequest.getDefaultInstance());
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    static CallCredentials raw(String authorization) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
                applier.apply(headers);
            }
        };
    }
}
