package dev.ztna.identity;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.DisableUserRequest;
import dev.ztna.proto.identity.v1.EnableUserRequest;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.LogoutRequest;
import dev.ztna.proto.identity.v1.RevocationEvent;
import dev.ztna.proto.identity.v1.RevocationKind;
import dev.ztna.proto.identity.v1.RevokeUserSessionsRequest;
import dev.ztna.proto.identity.v1.WatchRevocationsRequest;
import dev.ztna.proto.identity.v1.WatchRevocationsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logout, revoking a user's sessions and disabling a user reach WatchRevocations subscribers, and the tokens die. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class RevocationTest {

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    AuthServiceGrpc.AuthServiceBlockingStub auth;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        auth = AuthServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void revocationsReachASubscriberWithinASecondAndTheTokensStopWorking() throws Exception {
        String broker = serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        String ops = serviceToken("ops", "TEST-ONLY-ops-secret-0123456789abcdef");
        Subscription watch = subscribe(broker, 0);
        WatchRevocationsResponse first = watch.next();
        assertTrue(first.getCaughtUp());

        // logout: the session's token is dead here, to introspection, and the subscriber hears of it
        String frank = login("frank", "TEST-ONLY-frank-password", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        var introspect = auth.withCallCredentials(bearer(broker));
        assertTrue(introspect.introspect(IntrospectRequest.newBuilder().setToken(frank).build()).getActive());
        Instant before = Instant.now();
        auth.withCallCredentials(bearer(frank)).logout(LogoutRequest.getDefaultInstance());
        RevocationEvent loggedOut = watch.next().getRevocations(0);
        Duration latency = Duration.between(before, watch.lastArrival);
        assertTrue(latency.compareTo(Duration.ofSeconds(1)) <= 0, "revocation took " + latency);
        assertEquals(RevocationKind.REVOCATION_KIND_SESSION, loggedOut.getKind());
        assertEquals("frank", loggedOut.getUsername());
        assertFalse(loggedOut.getSessionId().isEmpty());
        assertFalse(introspect.introspect(IntrospectRequest.newBuilder().setToken(frank).build()).getActive());
        StatusRuntimeException dead = assertThrows(StatusRuntimeException.class,
                () -> auth.withCallCredentials(bearer(frank)).logout(LogoutRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, dead.getStatus().getCode());

        // disabling a user: every token of theirs, and their logins
        String gina = login("gina", "TEST-ONLY-gina-password", "MZXW6YTBOI3DGNRSGQ2TMNZYHE4DEMJQ");
        var directory = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(ops));
        directory.disableUser(DisableUserRequest.newBuilder().setUsername("gina").setReason("offboarding").build());
        RevocationEvent disabled = watch.next().getRevocations(0);
        assertEquals(RevocationKind.REVOCATION_KIND_USER, disabled.getKind());
        assertEquals("offboarding", disabled.getReason());
        assertTrue(disabled.getSequence() > loggedOut.getSequence());
        assertFalse(introspect.introspect(IntrospectRequest.newBuilder().setToken(gina).build()).getActive());
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> auth.login(AuthFlowTest.login("gina", "TEST-ONLY-gina-password"))).getStatus().getCode());
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
                () -> directory.disableUser(DisableUserRequest.newBuilder().setUsername("gina").build())).getStatus().getCode());
        directory.enableUser(EnableUserRequest.newBuilder().setUsername("gina").build());
        assertNotNull(auth.login(AuthFlowTest.login("gina", "TEST-ONLY-gina-password")).getChallengeId());

        // a subscriber that reconnects gets what it missed, in order, then live ones
        directory.revokeUserSessions(RevokeUserSessionsRequest.newBuilder().setUsername("frank").build());
        RevocationEvent revoked = watch.next().getRevocations(0);
        Subscription resumed = subscribe(broker, loggedOut.getSequence());
        WatchRevocationsResponse replay = resumed.next();
        assertTrue(replay.getCaughtUp());
        assertEquals(java.util.List.of(disabled.getSequence(), revoked.getSequence()),
                replay.getRevocationsList().stream().map(RevocationEvent::getSequence).toList());
        assertEquals("sessions revoked by ops", revoked.getReason());
        watch.cancel();
        resumed.cancel();
    }

    @Test
    void badRequestsAreRefusedClearly() throws Exception {
        String broker = serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        String ops = serviceToken("ops", "TEST-ONLY-ops-secret-0123456789abcdef");
        Subscription negative = subscribe(broker, -1);
        assertEquals(Status.Code.INVALID_ARGUMENT, negative.error().getCode());
        Subscription anonymous = subscribe(null, 0);
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.error().getCode());
        Subscription notABroker = subscribe(ops.isEmpty() ? null : serviceToken("ops", "TEST-ONLY-ops-secret-0123456789abcdef"), 0);
        assertTrue(notABroker.next().getCaughtUp(), "admins may watch too");
        notABroker.cancel();

        var directory = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(ops));
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> directory.disableUser(DisableUserRequest.newBuilder().setUsername("nobody").build())).getStatus().getCode());
        StatusRuntimeException longReason = assertThrows(StatusRuntimeException.class, () -> directory.revokeUserSessions(
                RevokeUserSessionsRequest.newBuilder().setUsername("alice").setReason("x".repeat(201)).build()));
        assertEquals("reason", GrpcTestChannels.badField(longReason));
        assertEquals("username", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> directory.enableUser(EnableUserRequest.newBuilder().setUsername("").build()))));
        var asBroker = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(broker));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> asBroker.disableUser(DisableUserRequest.newBuilder().setUsername("alice").build())).getStatus().getCode());
        assertEquals("token", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> auth.withCallCredentials(bearer(broker)).introspect(IntrospectRequest.getDefaultInstance()))));
        assertFalse(auth.withCallCredentials(bearer(broker)).introspect(IntrospectRequest.newBuilder()
                .setToken("not.a.token").build()).getActive());
        assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class,
                () -> auth.withCallCredentials(bearer(broker)).logout(LogoutRequest.getDefaultInstance())).getStatus().getCode());
    }

    String login(String user, String password, String totp) {
        String challenge = auth.login(AuthFlowTest.login(user, password)).getChallengeId();
        return auth.verifyMfa(AuthFlowTest.mfa(challenge, Totp.code(totp, Instant.now()))).getAccessToken();
    }

    static String serviceToken(String client, String secret) {
        return RestAssured.given().formParam("grant_type", "client_credentials").formParam("client_id", client)
                .formParam("client_secret", secret).post("/oauth2/token").then().statusCode(200)
                .extract().path("access_token");
    }

    Subscription subscribe(String token, long after) {
        return subscribeOn(channel, token, after);
    }

    Subscription subscribeOn(ManagedChannel channel, String token, long after) {
        Subscription s = new Subscription();
        var stub = AuthServiceGrpc.newStub(channel);
        (token == null ? stub : stub.withCallCredentials(bearer(token)))
                .watchRevocations(WatchRevocationsRequest.newBuilder().setAfterSequence(after).build(), s);
        return s;
    }

    /** A WatchRevocations stream as a subscriber sees it. */
    static final class Subscription implements StreamObserver<WatchRevocationsResponse> {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        volatile Instant lastArrival;
        io.grpc.Context.CancellableContext context;

        @Override
        public void onNext(WatchRevocationsResponse value) {
            lastArrival = Instant.now();
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            received.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            received.add(Status.OK);
        }

        WatchRevocationsResponse next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertTrue(o instanceof WatchRevocationsResponse, "expected a message, got " + o);
            return (WatchRevocationsResponse) o;
        }

        Status error() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertTrue(o instanceof Status, "expected the stream to fail, got " + o);
            return (Status) o;
        }

        void cancel() {
            // the channel is shut down after each test, which ends the stream
        }
    }
}
