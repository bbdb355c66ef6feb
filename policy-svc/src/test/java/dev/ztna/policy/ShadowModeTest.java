package dev.ztna.policy;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.DeleteShadowPolicyRequest;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.GetShadowSummaryRequest;
import dev.ztna.proto.policy.v1.GetShadowSummaryResponse;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import dev.ztna.proto.policy.v1.PutShadowPolicyRequest;
import dev.ztna.proto.policy.v1.ShadowCount;
import dev.ztna.proto.policy.v1.Subject;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shadow mode: a candidate evaluated beside the live policy on real decisions, recorded and summarised, never enforced. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestTokensResource.class, restrictToAnnotatedClass = true)
class ShadowModeTest {

    static final String LIVE = "apiVersion: ztna.dev/v1\nrules:\n"
            + "  - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}\n";
    static final String CANDIDATE = "apiVersion: ztna.dev/v1\nrules:\n"
            + "  - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}\n"
            + "  - {id: no-contractors, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}\n"
            + "  - {id: sales-echo, effect: allow, who: {groups: [sales]}, what: {apps: [echo]}}\n";

    @TestHTTPResource
    URL url;
    @Inject
    javax.sql.DataSource db;
    @Inject
    dev.ztna.policy.service.ShadowPolicy shadow;
    ManagedChannel channel;
    DecisionServiceGrpc.DecisionServiceBlockingStub decisions;
    PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub admin;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        decisions = DecisionServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("broker-svc", "broker")));
        admin = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("ops", "policy-admin")));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    static DecideRequest ask(String user, String requestId, String... groups) {
        return DecideRequest.newBuilder().setApp("echo").setRequestId(requestId)
                .setSubject(Subject.newBuilder().setUsername(user).addAllGroups(List.of(groups))).build();
    }

    @Test
    void theShadowIsRecordedAndSummarisedButNeverEnforced() throws Exception {
        admin.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(LIVE).build());
        admin.putShadowPolicy(PutShadowPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument(CANDIDATE).build());

        assertEquals(Effect.EFFECT_ALLOW, decisions.decide(ask("alice", "shadow-1", "engineering")).getEffect());
        assertEquals(Effect.EFFECT_ALLOW, decisions.decide(ask("eve", "shadow-2", "engineering", "contractors")).getEffect(),
                "the live policy still decides");
        assertEquals(Effect.EFFECT_DENY, decisions.decide(ask("bob", "shadow-3", "sales")).getEffect(),
                "the live policy still decides");

        shadow.reload(); // what every instance does every few seconds: the running shadow and its counts stay
        GetShadowSummaryResponse summary = admin.getShadowSummary(GetShadowSummaryRequest.getDefaultInstance());
        assertTrue(summary.getActive());
        assertEquals(3, summary.getCompared());
        assertEquals(1, summary.getNewlyDenied());
        assertEquals(1, summary.getNewlyAllowed());
        Map<String, ShadowCount> byUser = summary.getByUserList().stream().collect(Collectors.toMap(ShadowCount::getKey, c -> c));
        assertEquals(1, byUser.get("eve").getNewlyDenied());
        assertEquals(1, byUser.get("bob").getNewlyAllowed());
        assertFalse(byUser.containsKey("alice"), "agreements are not disagreements");
        List<String> rules = summary.getByRuleList().stream().map(ShadowCount::getKey).toList();
        assertTrue(rules.contains("engineers-echo -> no-contractors"), rules.toString());
        assertTrue(rules.contains("(default deny) -> sales-echo"), rules.toString());
        assertEquals("bob", summary.getRecent(0).getUsername(), "newest first");
        assertEquals(Effect.EFFECT_ALLOW, summary.getRecent(0).getShadowEffect());

        // each decision record carries the shadow's answer beside the real one
        Map<String, AuditEvent> recorded = new java.util.HashMap<>();
        try (var connection = db.getConnection(); var rows = connection.createStatement()
                .executeQuery("select payload from audit_outbox")) {
            while (rows.next()) {
                AuditEvent event = AuditEvent.parseFrom(rows.getBytes(1));
                recorded.put(event.getAttributesMap().getOrDefault("request_id", ""), event);
            }
        }
        assertEquals("allow", recorded.get("shadow-2").getAttributesOrThrow("effect"));
        assertEquals("deny", recorded.get("shadow-2").getAttributesOrThrow("shadow_effect"));
        assertEquals("no-contractors", recorded.get("shadow-2").getAttributesOrThrow("shadow_rule_id"));

        // auditors read, only policy admins write; bad candidates are refused with located errors
        var auditor = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("a", "auditor")));
        assertEquals(3, auditor.getShadowSummary(GetShadowSummaryRequest.getDefaultInstance()).getCompared());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> auditor.putShadowPolicy(
                PutShadowPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(LIVE).build()))
                .getStatus().getCode());
        StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class, () -> admin.putShadowPolicy(
                PutShadowPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                        .setDocument("apiVersion: ztna.dev/v1\nrules: [{id: x, effect: maybe, who: {groups: [g]}, what: {apps: [echo]}}]").build()));
        assertEquals("rules[0] (id=x).effect", GrpcTestChannels.badField(invalid));
        assertEquals("format", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> admin.putShadowPolicy(PutShadowPolicyRequest.newBuilder().setDocument(LIVE).build()))));
        assertEquals(3, admin.getShadowSummary(GetShadowSummaryRequest.getDefaultInstance()).getCompared(),
                "a refused candidate leaves the running shadow alone");

        admin.deleteShadowPolicy(DeleteShadowPolicyRequest.getDefaultInstance());
        assertFalse(admin.getShadowSummary(GetShadowSummaryRequest.getDefaultInstance()).getActive());
        decisions.decide(ask("eve", "shadow-4", "engineering", "contractors"));
        assertFalse(recordOf("shadow-4").containsKey("shadow_effect"));
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> admin.deleteShadowPolicy(DeleteShadowPolicyRequest.getDefaultInstance())).getStatus().getCode());
    }

    Map<String, String> recordOf(String requestId) throws Exception {
        try (var connection = db.getConnection(); var rows = connection.createStatement()
                .executeQuery("select payload from audit_outbox")) {
            while (rows.next()) {
                AuditEvent event = AuditEvent.parseFrom(rows.getBytes(1));
                if (requestId.equals(event.getAttributesMap().get("request_id"))) {
                    return event.getAttributesMap();
                }
            }
        }
        throw new AssertionError("no record of " + requestId);
    }
}
