package dev.ztna.identity;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.ListSigningKeysRequest;
import dev.ztna.proto.identity.v1.RetireSigningKeyRequest;
import dev.ztna.proto.identity.v1.RotateSigningKeyRequest;
import dev.ztna.proto.identity.v1.SigningKeyInfo;
import dev.ztna.proto.identity.v1.SigningKeyServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing-key rotation with overlap: the new key signs, the old one verifies until retired, retiring waits. */
@QuarkusTest
@TestProfile(KeyRotationTest.FastRotation.class)
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class KeyRotationTest {

    public static class FastRotation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ztna.identity.key-publish-lead", "PT0S", "ztna.identity.key-retire-after", "PT2S");
        }
    }

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

    static String kid(String token) throws Exception {
        return JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue();
    }

    static String brokerToken() {
        return RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
    }

    static String adminToken() {
        return RevocationTest.serviceToken("ops", "TEST-ONLY-ops-secret-0123456789abcdef");
    }

    @Test
    void rotateOverlapAndRetire() throws Exception {
        var admin = SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(adminToken()));
        List<SigningKeyInfo> before = admin.listSigningKeys(ListSigningKeysRequest.getDefaultInstance()).getKeysList();
        assertEquals(1, before.size());
        String old = before.get(0).getKid();
        String signedByOld = brokerToken();
        String signedByOldUnseen = brokerToken();
        assertEquals(old, kid(signedByOld));

        SigningKeyInfo rotated = admin.rotateSigningKey(RotateSigningKeyRequest.getDefaultInstance()).getKey();
        assertNotEquals(old, rotated.getKid());
        List<SigningKeyInfo> after = admin.listSigningKeys(ListSigningKeysRequest.getDefaultInstance()).getKeysList();
        assertEquals(2, after.size());
        assertTrue(after.stream().filter(SigningKeyInfo::getSigning).allMatch(k -> k.getKid().equals(rotated.getKid())));
        RestAssured.get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys.kid", org.hamcrest.Matchers.containsInAnyOrder(old, rotated.getKid()));
        String signedByNew = brokerToken();
        assertEquals(rotated.getKid(), kid(signedByNew));
        var introspect = AuthServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(signedByNew));
        assertTrue(introspect.introspect(IntrospectRequest.newBuilder().setToken(signedByOld).build()).getActive(),
                "tokens of the old key verify until they expire");

        // retiring waits until every token of the old key has expired; the signing key cannot be retired
        StatusRuntimeException early = assertThrows(StatusRuntimeException.class, () -> admin.retireSigningKey(
                RetireSigningKeyRequest.newBuilder().setKid(old).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, early.getStatus().getCode());
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class, () -> admin.retireSigningKey(
                RetireSigningKeyRequest.newBuilder().setKid(rotated.getKid()).build())).getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> admin.retireSigningKey(
                RetireSigningKeyRequest.newBuilder().setKid("no-such-kid").build())).getStatus().getCode());
        assertEquals("kid", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class, () -> admin.retireSigningKey(
                RetireSigningKeyRequest.getDefaultInstance()))));
        var broker = SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(signedByNew));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> broker.rotateSigningKey(RotateSigningKeyRequest.getDefaultInstance())).getStatus().getCode());

        Thread.sleep(2200);
        SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(adminToken()))
                .retireSigningKey(RetireSigningKeyRequest.newBuilder().setKid(old).build());
        RestAssured.get("/.well-known/jwks.json").then().body("keys.kid", org.hamcrest.Matchers.contains(rotated.getKid()));
        assertFalse(introspect.introspect(IntrospectRequest.newBuilder().setToken(signedByOldUnseen).build()).getActive(),
                "a token of a retired key no longer verifies");
    }
}
