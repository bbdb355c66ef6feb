package dev.ztna.broker;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The broker alone, with policy-svc unreachable: it must refuse (fail closed), never guess. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(TestTokensResource.class)
class BrokerAccessTest {

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    AccessServiceGrpc.AccessServiceBlockingStub alice;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        alice = AccessServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.user("alice", List.of("engineering"), List.of())));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void policyUnreachableMeansNoSession() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> alice.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("POLICY_UNAVAILABLE", GrpcTestChannels.reason(e));
    }

    @Test
    void noTokenOrAForgedTokenIsUnauthenticated() {
        var anonymous = AccessServiceGrpc.newBlockingStub(channel);
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.listApps(ListAppsRequest.getDefaultInstance())).getStatus().getCode());
        String valid = TestTokens.user("alice", List.of("engineering"), List.of());
        String tampered = valid.substring(0, valid.lastIndexOf('.') - 4) + "AAAA" + valid.substring(valid.lastIndexOf('.'));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.withCallCredentials(bearer(tampered)).listApps(ListAppsRequest.getDefaultInstance()))
                .getStatus().getCode());
        String[] parts = valid.split("\\.");
        String none = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0." + parts[1] + ".";
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.withCallCredentials(bearer(none)).listApps(ListAppsRequest.getDefaultInstance()))
                .getStatus().getCode());
    }

    @Test
    void appNamesAreValidatedBeforeAnythingElse() {
        for (String bad : List.of("", "Echo", "a/b", "x".repeat(65))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> alice.openSession(OpenSessionRequest.newBuilder().setApp(bad).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
            assertEquals("app", GrpcTestChannels.badField(e));
        }
    }

    @Test
    void withNoConnectorNothingIsListed() {
        assertEquals(0, alice.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount());
    }

    @Test
    void identityTokensCannotAttachNotEvenWithTheConnectorRole() throws Exception {
        for (String token : List.of(TestTokens.user("alice", List.of("engineering"), List.of()),
                TestTokens.service("c1", "connector"))) {
            assertEquals(Status.Code.UNAUTHENTICATED,
                    ConnectorEnrollmentTest.attach(channel, token, "echo").ended().get(10, TimeUnit.SECONDS).getCode());
        }
    }
}
