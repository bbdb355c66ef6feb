package dev.ztna.broker;

import com.google.protobuf.ByteString;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.broker.v1.AppAnnouncement;
import dev.ztna.proto.broker.v1.AttachHello;
import dev.ztna.proto.broker.v1.AttachRequest;
import dev.ztna.proto.broker.v1.AttachResponse;
import dev.ztna.proto.broker.v1.ConnectorAdminServiceGrpc;
import dev.ztna.proto.broker.v1.ConnectorInfo;
import dev.ztna.proto.broker.v1.ConnectorServiceGrpc;
import dev.ztna.proto.broker.v1.CreateEnrollmentTokenRequest;
import dev.ztna.proto.broker.v1.EnrollRequest;
import dev.ztna.proto.broker.v1.EnrollResponse;
import dev.ztna.proto.broker.v1.ListConnectorsRequest;
import dev.ztna.proto.broker.v1.RevokeConnectorRequest;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connector enrolment against the real broker and its database: tokens, keys, assertions, app binding, revocation. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(TestTokensResource.class)
class ConnectorEnrollmentTest {

    @TestHTTPResource
    URL url;
    @Inject
    AgroalDataSource db;
    ManagedChannel channel;
    ConnectorAdminServiceGrpc.ConnectorAdminServiceBlockingStub admin;
    ConnectorServiceGrpc.ConnectorServiceBlockingStub anonymous;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        admin = ConnectorAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("ops", "admin")));
        anonymous = ConnectorServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void enrolledConnectorAttachesForItsAppsOnlyAndTheTokenWorksOnce() throws Exception {
        String token = token("edge-1", "echo", "wiki");
        KeyPair key = p256();
        EnrollResponse enrolled = enroll(token, key);
        assertEquals("edge-1", enrolled.getConnectorName());
        assertEquals(List.of("echo", "wiki"), enrolled.getAppsList());

        StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> enroll(token, p256()));
        assertEquals(Status.Code.UNAUTHENTICATED, again.getStatus().getCode());
        assertEquals("ENROLLMENT_TOKEN_INVALID", GrpcTestChannels.reason(again));

        Attach ok = attach(channel, assertion(enrolled.getConnectorId(), key.getPrivate(), c -> { }), "echo");
        assertTrue(ok.accepted().get(10, TimeUnit.SECONDS).hasAccepted());
        assertTrue(listed(enrolled.getConnectorId()).getAttached());

        Status foreign = attach(channel, assertion(enrolled.getConnectorId(), key.getPrivate(), c -> { }), "payroll")
                .ended().get(10, TimeUnit.SECONDS);
        assertEquals(Status.Code.PERMISSION_DENIED, foreign.getCode());
        assertTrue(foreign.getDescription().contains("not enrolled for payroll"), foreign.getDescription());
        ok.close();
    }

    @Test
    void unknownExpiredAndUsedTokensGetOneAnswer() throws Exception {
        String expired = token("edge-2", "echo");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE connector_enrollment SET expires_at = now() - interval '1 second' WHERE connector_name = 'edge-2'");
        }
        for (String bad : List.of(expired, "ztna-enroll_" + "A".repeat(43), "nonsense")) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> enroll(bad, p256()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), bad);
            assertEquals("the enrolment token is unknown, used or expired", e.getStatus().getDescription());
        }
    }

    @Test
    void assertionsThatAreNotTheConnectorsOwnAreRefused() throws Exception {
        KeyPair key = p256();
        EnrollResponse enrolled = enroll(token("edge-3", "echo"), key);
        String id = enrolled.getConnectorId();
        List<String> forged = List.of(
                assertion(id, p256().getPrivate(), c -> { }),                                  // another key, same kid
                assertion(id, key.getPrivate(), c -> c.setExpirationTimeMinutesInTheFuture(-2)), // expired
                assertion(id, key.getPrivate(), c -> c.setExpirationTimeMinutesInTheFuture(60)), // too long-lived
                assertion(id, key.getPrivate(), c -> c.setAudience("ztna")),                   // not for brokers
                assertion(id, key.getPrivate(), c -> c.setIssuer("someone-else")),             // speaks for another
                assertion("00000000-0000-0000-0000-000000000000", key.getPrivate(), c -> { }), // unknown connector
                TestTokens.service("edge-3", "connector"));                                    // an identity token
        for (String token : forged) {
            assertEquals(Status.Code.UNAUTHENTICATED, attach(channel, token, "echo").ended().get(10, TimeUnit.SECONDS).getCode());
        }
    }

    @Test
    void revokedConnectorIsDetachedAndRefusedEverywhere() throws Exception {
        KeyPair key = p256();
        EnrollResponse enrolled = enroll(token("edge-4", "echo"), key);
        Attach attached = attach(channel, assertion(enrolled.getConnectorId(), key.getPrivate(), c -> { }), "echo");
        assertTrue(attached.accepted().get(10, TimeUnit.SECONDS).hasAccepted());

        admin.revokeConnector(RevokeConnectorRequest.newBuilder().setConnectorId(enrolled.getConnectorId()).build());
        assertEquals(Status.Code.UNAUTHENTICATED, attached.ended().get(10, TimeUnit.SECONDS).getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, attach(channel, assertion(enrolled.getConnectorId(), key.getPrivate(),
                c -> { }), "echo").ended().get(10, TimeUnit.SECONDS).getCode());
        ConnectorInfo info = listed(enrolled.getConnectorId());
        assertTrue(info.hasRevokeTime());
        assertFalse(info.getAttached());
        StatusRuntimeException twice = assertThrows(StatusRuntimeException.class, () -> admin.revokeConnector(
                RevokeConnectorRequest.newBuilder().setConnectorId(enrolled.getConnectorId()).build()));
        assertEquals(Status.Code.NOT_FOUND, twice.getStatus().getCode());
    }

    @Test
    void onlyAdminsEnrolAndBadRequestsNameTheField() {
        var user = ConnectorAdminServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.user("alice", List.of("engineering"), List.of())));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> user.createEnrollmentToken(
                CreateEnrollmentTokenRequest.newBuilder().setConnectorName("x").addApps("echo").build())).getStatus().getCode());
        record Bad(CreateEnrollmentTokenRequest request, String field) {
        }
        for (Bad bad : List.of(
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("").addApps("echo").build(), "connector_name"),
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("Edge 1").addApps("echo").build(), "connector_name"),
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("edge").build(), "apps"),
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("edge").addApps("Echo!").build(), "apps"),
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("edge").addApps("echo")
                        .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(5)).build(), "ttl"),
                new Bad(CreateEnrollmentTokenRequest.newBuilder().setConnectorName("edge").addApps("echo")
                        .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(8 * 86400)).build(), "ttl"))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> admin.createEnrollmentToken(bad.request()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad.toString());
            assertEquals(bad.field(), GrpcTestChannels.badField(e));
        }
        String token = token("edge-5", "echo");
        for (byte[] key : List.of(new byte[0], "not a key".getBytes(), rsaPublicKey(), p384PublicKey())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> anonymous.enroll(EnrollRequest.newBuilder()
                    .setEnrollmentToken(token).setPublicKey(ByteString.copyFrom(key)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals("public_key", GrpcTestChannels.badField(e));
        }
        // a refused key does not use the token up
        enroll(token, p256());
        assertEquals("page_token", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> admin.listConnectors(ListConnectorsRequest.newBuilder().setPageToken("zzz").build()))));
        assertEquals("connector_id", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> admin.revokeConnector(RevokeConnectorRequest.newBuilder().setConnectorId("42").build()))));
    }

    @Test
    void listingPagesThroughEveryConnector() {
        for (int i = 0; i < 5; i++) {
            enroll(token("page-" + i, "echo"), p256());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        String pageToken = "";
        do {
            var page = admin.listConnectors(ListConnectorsRequest.newBuilder().setPageSize(2).setPageToken(pageToken).build());
            assertTrue(page.getConnectorsCount() <= 2);
            page.getConnectorsList().forEach(c -> assertTrue(seen.add(c.getConnectorId()), "listed twice"));
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        assertTrue(seen.size() >= 5);
    }

    // --- helpers ---

    String token(String name, String... apps) {
        return admin.createEnrollmentToken(CreateEnrollmentTokenRequest.newBuilder().setConnectorName(name)
                .addAllApps(List.of(apps)).build()).getEnrollmentToken();
    }

    EnrollResponse enroll(String token, KeyPair key) {
        return anonymous.enroll(EnrollRequest.newBuilder().setEnrollmentToken(token)
                .setPublicKey(ByteString.copyFrom(key.getPublic().getEncoded())).build());
    }

    ConnectorInfo listed(String id) {
        return admin.listConnectors(ListConnectorsRequest.newBuilder().setPageSize(1000).build()).getConnectorsList().stream()
                .filter(c -> c.getConnectorId().equals(id)).findFirst().orElseThrow();
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] rsaPublicKey() {
        try {
            return KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] p384PublicKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            return g.generateKeyPair().getPublic().getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An assertion as the connector makes it, with one claim changed by {@code tamper}. */
    static String assertion(String connectorId, PrivateKey key, Consumer<JwtClaims> tamper) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(connectorId);
        claims.setSubject(connectorId);
        claims.setAudience("ztna-broker");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setGeneratedJwtId();
        tamper.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(connectorId);
        jws.setHeader("typ", "ztna-connector+jwt");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        return jws.getCompactSerialization();
    }

    /** A control stream: the first response, and how the stream ended. */
    record Attach(CompletableFuture<AttachResponse> accepted, CompletableFuture<Status> ended, StreamObserver<AttachRequest> out) {
        void close() {
            out.onCompleted();
        }
    }

    static Attach attach(ManagedChannel channel, String token, String app) {
        CompletableFuture<AttachResponse> first = new CompletableFuture<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<AttachRequest> out = ConnectorServiceGrpc.newStub(channel).withCallCredentials(bearer(token))
                .attach(new StreamObserver<>() {
                    @Override
                    public void onNext(AttachResponse value) {
                        first.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.complete(Status.fromThrowable(t));
                        first.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(Status.OK);
                    }
                });
        out.onNext(AttachRequest.newBuilder().setHello(AttachHello.newBuilder()
                .addApps(AppAnnouncement.newBuilder().setName(app))).build());
        return new Attach(first, ended, out);
    }
}
