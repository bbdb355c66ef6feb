package dev.ztna.audit;

import com.google.protobuf.Timestamp;
import dev.ztna.common.merkle.CompactRange;
import dev.ztna.common.merkle.MerkleTree;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.Rfc9162Verifier;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import dev.ztna.proto.audit.v1.Outcome;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokensResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ztna.audit.retention.period", "6s",
                    "ztna.audit.retention.archive-dir", "target/retention-test-" + UUID.randomUUID(),
                    "ztna.audit.retention.check-interval", "1h");
        }
    }

    @TestHTTPResource
    URL url;
    @Inject
    AgroalDataSource dataSource;
    ManagedChannel channel;
    AuditIngestServiceGrpc.AuditIngestServiceBlockingStub ingest;
    final String auditor = TestTokens.service("compliance", "auditor");
    final String admin = TestTokens.service("ops", "admin");

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        ingest = AuditIngestServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("w", "audit-writer")));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    List<AuditEvent> append(String type, int n) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant now = Instant.now();
            events.add(AuditEvent.newBuilder().setId(UUID.randomUUID().toString()).setType(type).setService("test")
                    .setActor(type + "-actor-" + i).setApp("echo").setReason("personal detail " + i)
                    .setOutcome(Outcome.OUTCOME_SUCCESS)
                    .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build());
        }
        ingest.append(AppendRequest.newBuilder().addAllEvents(events).build());
        return events;
    }

    static List<String> lines(String body) {
        return body.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    @Order(1)
    void oldEntriesGoToAVerifiableSegmentAndLoseTheirContentButNotTheirHashes() throws Exception {
        List<AuditEvent> old = append("old.event", 20);
        // past the 6 s retention period; the recent ones stay inside it unless the next steps take over 6 s
        Thread.sleep(6500);
        List<AuditEvent> recent = append("new.event", 5);

        RestAssured.given().auth().oauth2(auditor).post("/api/v1/retention/run").then().statusCode(403)
                .body("detail", containsString("admin"));
        RestAssured.given().auth().oauth2(admin).post("/api/v1/retention/run").then().statusCode(200)
                .body("archived.first_seq", equalTo(1)).body("archived.last_seq", equalTo(20));
        RestAssured.given().auth().oauth2(admin).post("/api/v1/retention/run").then().statusCode(200)
                .body("archived", nullValue());

        // the segment file verifies on its own: signed head of size 20 over exactly these payloads, chain from genesis
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/archive/segments").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].file", equalTo("segment-000000000001-000000000020.jsonl"));
        List<String> segment = lines(RestAssured.given().auth().oauth2(auditor).get("/api/v1/archive/segments/1")
                .then().statusCode(200).extract().asString());
        assertEquals(21, segment.size());
        JsonPath header = JsonPath.from(segment.get(0));
        assertEquals(1, header.getInt("start.seq"));
        assertEquals(20, header.getInt("segment.last_seq"));
        assertEquals(20, header.getInt("tree_head.tree_size"));
        List<byte[]> payloads = new ArrayList<>();
        for (String line : segment.subList(1, 21)) {
            payloads.add(Base64.getDecoder().decode(JsonPath.from(line).getString("payload")));
        }
        assertEquals(old.get(7), AuditEvent.parseFrom(payloads.get(7)));
        assertArrayEquals(Rfc9162Verifier.mth(payloads), HexFormat.of().parseHex(header.getString("tree_head.root_hash")));

        // in the database: content gone, hashes kept; the recent entries untouched
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT seq, payload, actor, reason, leaf_hash FROM audit_log ORDER BY seq")) {
            int n = 0;
            while (rows.next()) {
                n++;
                boolean archived = rows.getLong(1) <= 20;
                assertEquals(archived, rows.getBytes(2) == null, "payload of " + rows.getLong(1));
                assertEquals(archived, rows.getString(3).isEmpty(), "actor of " + rows.getLong(1));
                assertEquals(archived, rows.getString(4).isEmpty(), "reason of " + rows.getLong(1));
                assertEquals(32, rows.getBytes(5).length);
            }
            assertEquals(25, n);
        }
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify").then()
                .body("valid", equalTo(true)).body("entries", equalTo(25)).body("archived_up_to", equalTo(20));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?type=old.event").then().statusCode(200)
                .body("events.size()", equalTo(0));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/events?type=new.event").then().statusCode(200)
                .body("events.size()", equalTo(5));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/inclusion?event_id=" + old.get(3).getId())
                .then().statusCode(404).body("detail", containsString("archived"));

        // an export now starts at entry 21 with the frontier of the 20 before it, and still proves the new head
        String headJson = RestAssured.given().auth().oauth2(auditor).post("/api/v1/tree-heads").then().statusCode(200)
                .extract().asString();
        List<String> export = lines(RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=jsonl")
                .then().statusCode(200).extract().asString());
        assertEquals(6, export.size());
        JsonPath start = JsonPath.from(export.get(0));
        assertEquals(21, start.getInt("start.seq"));
        List<byte[]> frontier = start.<String>getList("start.frontier").stream().map(HexFormat.of()::parseHex).toList();
        CompactRange range = new CompactRange(20, frontier);
        for (String line : export.subList(1, 6)) {
            range.appendLeafHash(MerkleTree.leafHash(Base64.getDecoder().decode(JsonPath.from(line).getString("payload"))));
        }
        assertArrayEquals(HexFormat.of().parseHex(JsonPath.from(headJson).getString("root_hash")), range.root());
        assertEquals(recent.get(0).getId(), JsonPath.from(export.get(1)).getString("event_id"));
    }

    @Test
    @Order(3)
    void onlyWhatASegmentCoversCanBeRedactedAndArchivedHashesStillCatchTampering() throws Exception {
        append("more.event", 3);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            long last;
            try (ResultSet r = s.executeQuery("SELECT max(seq) FROM audit_log")) {
                r.next();
                last = r.getLong(1);
            }
            SQLException notArchived = assertThrows(SQLException.class, () -> s.execute("SELECT audit_redact(" + last + ")"));
            assertTrue(notArchived.getMessage().contains("not archived"), notArchived.getMessage());
            // even with the redaction flag set by hand, an entry no segment covers cannot lose its payload
            c.setAutoCommit(false);
            s.execute("SET LOCAL ztna.audit.redacting = 'on'");
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.execute("UPDATE audit_log SET payload = NULL WHERE seq = " + last));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            c.rollback();
            c.setAutoCommit(true);

            // a superuser rewriting an archived entry's leaf hash is caught by the signed heads
            s.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete");
            s.execute("UPDATE audit_log SET leaf_hash = sha256('forged'::bytea) WHERE seq = 2");
            s.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete");
        }
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify").then()
                .body("valid", equalTo(false)).body("problem", containsString("do not match the signed tree head"));
    }

    @Test
    @Order(2)
    void badArchiveRequestsAreAnsweredClearly() {
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/archive/segments/abc").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("first"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/archive/segments/999999").then().statusCode(404)
                .contentType("application/problem+json");
        RestAssured.given().get("/api/v1/archive/segments").then().statusCode(401);
        RestAssured.given().post("/api/v1/retention/run").then().statusCode(401);
    }
}
