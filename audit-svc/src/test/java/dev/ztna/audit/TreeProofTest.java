package dev.ztna.audit;

import com.google.protobuf.Timestamp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.Rfc9162Verifier;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.audit.v1.AppendRequest;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.AuditIngestServiceGrpc;
import dev.ztna.proto.audit.v1.AuditQueryServiceGrpc;
import dev.ztna.proto.audit.v1.GetTreeHeadRequest;
import dev.ztna.proto.audit.v1.Outcome;
import dev.ztna.proto.audit.v1.ProveConsistencyRequest;
import dev.ztna.proto.audit.v1.ProveInclusionRequest;
import dev.ztna.proto.audit.v1.ProveInclusionResponse;
import dev.ztna.proto.audit.v1.SignedTreeHead;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokensResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TreeProofTest {

    @TestHTTPResource
    URL url;
    @Inject
    AgroalDataSource dataSource;
    ManagedChannel channel;
    AuditIngestServiceGrpc.AuditIngestServiceBlockingStub ingest;
    AuditQueryServiceGrpc.AuditQueryServiceBlockingStub query;
    String auditor = TestTokens.service("compliance", "auditor");

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        ingest = AuditIngestServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("w", "audit-writer")));
        query = AuditQueryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(auditor));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    List<AuditEvent> append(int n) {
        List<AuditEvent> events = new ArrayList<>();
        AppendRequest.Builder request = AppendRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            Instant now = Instant.now();
            AuditEvent e = AuditEvent.newBuilder().setId(UUID.randomUUID().toString()).setType("test.event")
                    .setService("test").setActor("actor-" + i).setOutcome(Outcome.OUTCOME_SUCCESS)
                    .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build();
            events.add(e);
            request.addEvents(e);
        }
        ingest.append(request.build());
        return events;
    }

    PublicKey publicKey() throws Exception {
        String key = RestAssured.given().auth().oauth2(auditor).get("/api/v1/tree-head/key").then().statusCode(200)
                .extract().path("public_key");
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key)));
    }

    static boolean signatureValid(PublicKey key, SignedTreeHead head) throws Exception {
        long millis = head.getIssueTime().getSeconds() * 1000 + head.getIssueTime().getNanos() / 1_000_000;
        byte[] context = "ztna-audit-tree-head-v1\n".getBytes(StandardCharsets.US_ASCII);
        byte[] signed = ByteBuffer.allocate(context.length + 48).put(context).putLong(head.getTreeSize()).putLong(millis)
                .put(head.getRootHash().toByteArray()).array();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(signed);
        return verifier.verify(head.getSignature().toByteArray());
    }

    /** Every payload in log order, from the export (what an auditor would download). */
    List<byte[]> exportedPayloads() {
        String jsonl = RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=jsonl")
                .then().statusCode(200).extract().asString();
        List<byte[]> payloads = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (!line.isBlank()) {
                payloads.add(Base64.getDecoder().decode(JsonPath.from(line).getString("payload")));
            }
        }
        return payloads;
    }

    @Test
    @Order(1)
    void signedHeadsInclusionAndConsistencyVerifyIndependently() throws Exception {
        List<AuditEvent> first = append(13);
        SignedTreeHead head1 = query.getTreeHead(GetTreeHeadRequest.newBuilder().setFresh(true).build()).getTreeHead();
        assertEquals(13, head1.getTreeSize());
        PublicKey key = publicKey();
        assertTrue(signatureValid(key, head1));
        assertFalse(signatureValid(key, head1.toBuilder().setTreeSize(12).build()), "a changed head must not verify");
        assertTrue(java.util.Arrays.equals(Rfc9162Verifier.mth(exportedPayloads()), head1.getRootHash().toByteArray()));

        ProveInclusionResponse proof = query.proveInclusion(ProveInclusionRequest.newBuilder()
                .setEventId(first.get(6).getId()).setTreeSize(13).build());
        List<byte[]> path = proof.getAuditPathList().stream().map(b -> b.toByteArray()).toList();
        byte[] leaf = Rfc9162Verifier.leaf(proof.getPayload().toByteArray());
        assertTrue(Rfc9162Verifier.verifyInclusion(proof.getLeafIndex(), 13, leaf, path, head1.getRootHash().toByteArray()));
        byte[] wrongLeaf = Rfc9162Verifier.leaf(first.get(7).toByteArray());
        assertFalse(Rfc9162Verifier.verifyInclusion(proof.getLeafIndex(), 13, wrongLeaf, path, head1.getRootHash().toByteArray()));

        append(20);
        SignedTreeHead head2 = query.getTreeHead(GetTreeHeadRequest.newBuilder().setFresh(true).build()).getTreeHead();
        assertEquals(33, head2.getTreeSize());
        assertTrue(signatureValid(key, head2));
        List<byte[]> consistency = query.proveConsistency(ProveConsistencyRequest.newBuilder()
                .setFirstTreeSize(13).setSecondTreeSize(33).build()).getProofList().stream().map(b -> b.toByteArray()).toList();
        assertTrue(Rfc9162Verifier.verifyConsistency(13, 33, head1.getRootHash().toByteArray(),
                head2.getRootHash().toByteArray(), consistency));
        byte[] forkedRoot = Rfc9162Verifier.mth(List.of("another".getBytes(), "history".getBytes()));
        assertFalse(Rfc9162Verifier.verifyConsistency(13, 33, forkedRoot, head2.getRootHash().toByteArray(), consistency));

        // the same over REST
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/inclusion?event_id=" + first.get(0).getId())
                .then().statusCode(200).body("tree_size", equalTo(33)).body("leaf_index", equalTo(0));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify").then().body("valid", equalTo(true));
    }

    @Test
    @Order(2)
    void badProofRequestsAreAnsweredClearly() {
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/inclusion?event_id=nope")
                .then().statusCode(400).body("field", equalTo("event_id"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/inclusion?event_id=" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/consistency?first=0&second=3")
                .then().statusCode(400).body("field", equalTo("first"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/consistency?first=5&second=4")
                .then().statusCode(400).body("field", equalTo("second"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/proofs/consistency?first=1&second=999999")
                .then().statusCode(404);
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=xml")
                .then().statusCode(400).body("field", equalTo("format"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?from=yesterday")
                .then().statusCode(400).body("field", equalTo("from"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=csv")
                .then().statusCode(200).body(startsWith("seq,event_id,time,type"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=ocsf")
                .then().statusCode(200).contentType("application/x-ndjson").body(startsWith("{\"class_uid\":"));
        RestAssured.given().auth().oauth2(auditor).get("/api/v1/export?format=cef")
                .then().statusCode(200).body(startsWith("CEF:0|ztna.dev|ztna|1|"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> query.proveInclusion(ProveInclusionRequest.newBuilder().setEventId("x").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        var writerOnly = AuditQueryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("w", "audit-writer")));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> writerOnly.getTreeHead(GetTreeHeadRequest.getDefaultInstance())).getStatus().getCode());
    }

    @Test
    @Order(3)
    void swappedRowsAndATruncatedTailAreCaught() throws Exception {
        append(3);
        RestAssured.given().auth().oauth2(auditor).post("/api/v1/tree-heads").then().statusCode(200);
        long size = RestAssured.given().auth().oauth2(auditor).get("/api/v1/tree-head").then().extract().<Integer>path("tree_size");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
            // swap entries 5 and 6 (a reordering), then swap them back
            s.execute("UPDATE audit_log SET seq = -5 WHERE seq = 5");
            s.execute("UPDATE audit_log SET seq = 5 WHERE seq = 6");
            s.execute("UPDATE audit_log SET seq = 6 WHERE seq = -5");
            RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify")
                    .then().body("valid", equalTo(false)).body("first_bad_seq", equalTo(5));
            s.execute("UPDATE audit_log SET seq = -5 WHERE seq = 5");
            s.execute("UPDATE audit_log SET seq = 5 WHERE seq = 6");
            s.execute("UPDATE audit_log SET seq = 6 WHERE seq = -5");
            RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify").then().body("valid", equalTo(true));

            // the last entry removed: the chain alone looks fine, the signed head says one is missing
            s.execute("DELETE FROM audit_log WHERE seq = " + size);
            RestAssured.given().auth().oauth2(auditor).get("/api/v1/chain/verify")
                    .then().body("valid", equalTo(false)).body("first_bad_seq", equalTo((int) size));
            s.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
        }
    }
}
