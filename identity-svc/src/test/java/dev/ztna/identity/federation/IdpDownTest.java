package dev.ztna.identity.federation;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.identity.AuthFlowTestAccess;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.StartFederatedLoginRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Federation configured but the IdP unreachable: identity-svc still starts and local logins still work. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = IdpDownTest.UnreachableIdp.class, restrictToAnnotatedClass = true)
class IdpDownTest {

    public static class UnreachableIdp implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("ztna.identity.federation.enabled", "true",
                    "ztna.identity.federation.issuer", "http://127.0.0.1:9/realms/nowhere",
                    "ztna.identity.federation.client-secret", "test-only-secret",
                    "ztna.identity.federation.state-secret", "test-only-state-secret-0123456789abcdef");
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource
    URL url;

    @Test
    void localLoginsWorkAndSsoSaysTheIdpIsUnavailable() {
        ManagedChannel channel = GrpcTestChannels.to(url);
        try {
            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
            String token = AuthFlowTestAccess.login(auth, "alice", "TEST-ONLY-alice-password",
                    Totp.code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Instant.now()));
            assertFalse(token.isEmpty());
            StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
                    () -> auth.startFederatedLogin(StartFederatedLoginRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
            assertEquals("UPSTREAM_UNAVAILABLE", GrpcTestChannels.reason(down));
        } finally {
            channel.shutdownNow();
        }
    }
}
