package dev.ztna.identity;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static dev.ztna.identity.AuthFlowTest.login;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Password spraying: many accounts from one address lock the address, whatever the account. */
@QuarkusTest
@TestProfile(SourceLockoutTest.LowSourceThreshold.class)
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class SourceLockoutTest {

    public static class LowSourceThreshold implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ztna.identity.lockout.source-threshold", "3", "ztna.identity.lockout.account-threshold", "100");
        }
    }

    @TestHTTPResource
    URL url;

    @Test
    void sprayingFromOneAddressLocksThatAddress() {
        ManagedChannel channel = GrpcTestChannels.to(url);
        try {
            AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel);
            for (String user : new String[]{"spray-1", "spray-2", "spray-3"}) {
                assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                        () -> auth.login(login(user, "Winter2026!"))).getStatus().getCode());
            }
            StatusRuntimeException locked = assertThrows(StatusRuntimeException.class,
                    () -> auth.login(login("alice", "TEST-ONLY-alice-password")));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, locked.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
    }
}
