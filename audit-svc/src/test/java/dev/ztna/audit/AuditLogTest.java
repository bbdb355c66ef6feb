package dev.ztna.audit;

import com.google.protobuf.Timestamp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AppendResponse;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import dev.ztna.proto.audit.v1.Outcome;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokensResource.class)
class AuditLogTest {

    @TestHTTPResource
    URL url;
    @Inject
    AgroalDataSource dataSource;
    ManagedChannel channel;
    AuditIngestServiceGrpc.AuditIngestServiceBlockingStub ingest;
    String auditor = TestTokens.service("compliance", "auditor");

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        ingest = AuditIngestServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.service("broker-svc", "audit-writer")));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    static AuditEvent event(String type, String actor) {
        Instant now = Instant.now();
        return AuditEvent.newBuilder().setId(UUID.randomUUID().toString()).setType(type).setService("test")
                .setActor(actor).setOutcome(Outcome.OUTCOME_SUCCESS)
                .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build();
    }

    @Test
    void appendIsIdempotentAndTheChainVerifiesUntilSomeoneTampers() throws SQLException {
        AuditEvent a = event("auth.login", "alice");
        AuditEvent b = event("session.open", "alice");
        AppendResponse first = ingest.append(AppendRequest.newBuilder().addEvents(a).addEvents(b).build());
        assertEquals(2, first.getAppended());
        AppendResponse again = ingest.append(AppendRequest.newBuilder().addEvents(a).addEvents(event("x.y", "bob")).build());
        assertEquals(1, again.getAppended());
        assertEquals(1, again.getDuplicates());

        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?actor=alice")
                .then().statusCode(200).body("events.size()", equalTo(2)).body("events[0].type", equalTo("auth.login"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify")
                .then().statusCode(200).body("valid", equalTo(true));

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.executeUpdate("UPDATE audit_log SET actor = 'mallory' WHERE actor = 'alice'"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_log"));
            assertThrows(SQLException.class, () -> s.executeUpdate("TRUNCATE audit_log"));

            // a superuser can switch the guard off; verification must still catch the edit
            s.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
            long seq;
            try (var rs = s.executeQuery("SELECT seq FROM audit_log WHERE event_id = '" + b.getId() + "'")) {
                rs.next();
                seq = rs.getLong(1);
            }
            s.executeUpdate("UPDATE audit_log SET actor = 'mallory' WHERE seq = " + seq);
            RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify")
                    .then().statusCode(200).body("valid", equalTo(false)).body("first_bad_seq", equalTo((int) seq));
            s.executeUpdate("UPDATE audit_log SET actor = 'alice' WHERE seq = " + seq);
            s.executeUpdate("DELETE FROM audit_log WHERE seq = " + seq);
            RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify")
                    .then().statusCode(200).body("valid", equalTo(false)).body("first_bad_seq", equalTo((int) seq + 1));
            s.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
        }
    }

    @Test
    void badBatchesNameTheFieldAndStoreNothing() {
        assertInvalid("events", AppendRequest.getDefaultInstance());
        assertInvalid("events[1].id", AppendRequest.newBuilder().addEvents(event("a.b", "x"))
                .addEvents(event("a.b", "x").toBuilder().setId("not-a-uuid")).build());
        assertInvalid("events[0].type", AppendRequest.newBuilder().addEvents(event("", "x")).build());
        assertInvalid("events[0].time", AppendRequest.newBuilder().addEvents(event("a.b", "x").toBuilder().clearTime()).build());
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?actor=x").then().body("events.size()", equalTo(0));
    }

    @Test
    void onlyWritersWriteAndOnlyAuditorsRead() {
        var reader = AuditIngestServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(auditor));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> reader.append(AppendRequest.newBuilder().addEvents(event("a.b", "x")).build())).getStatus().getCode());
        RestAssured.get("/api/v1/chain/verify").then().statusCode(401).contentType("application/problem+json");
        RestAssured.given().auth().oauth2("garbage").get("/api/v1/chain/verify").then().statusCode(401);
        RestAssured.given().auth().oauth2(TestTokens.user("alice", List.of("engineering"), List.of()))
                .get("/api/v1/events").then().statusCode(403);
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?limit=0")
                .then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void freeTextOutcomeAndTimeFiltersFindTheRightEvents() {
        AuditEvent odd = event("session.open", "frank").toBuilder().setReason("Suspicious LATERAL movement blocked")
                .setOutcome(Outcome.OUTCOME_FAILURE).build();
        ingest.append(AppendRequest.newBuilder().addEvents(odd).addEvents(event("session.open", "frank")).build());
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?q=lateral")
                .then().statusCode(200).body("events.size()", equalTo(1)).body("events[0].id", equalTo(odd.getId()));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?actor=frank&outcome=failure")
                .then().body("events.size()", equalTo(1));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?actor=frank&from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z")
                .then().body("events.size()", equalTo(0));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?q=100%25")
                .then().statusCode(200).body("events.size()", equalTo(0));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?outcome=maybe").then().statusCode(400).body("field", equalTo("outcome"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?from=monday").then().statusCode(400).body("field", equalTo("from"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?q=" + "x".repeat(201)).then().statusCode(400).body("field", equalTo("q"));
    }

    void assertInvalid(String field, AppendRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ingest.append(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(field, GrpcTestChannels.badField(e));
    }
}
