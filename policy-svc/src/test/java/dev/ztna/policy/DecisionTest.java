package dev.ztna.policy;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecideResponse;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.GetPolicyRequest;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import dev.ztna.proto.policy.v1.Subject;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.audit.v1.AuditEvent;
import io.grpc.ManagedChannel;
import jakarta.inject.Inject;
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

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(TestTokensResource.class)
class DecisionTest {

    @TestHTTPResource
    URL url;
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

    static DecideRequest request(String user, String app, String... groups) {
        return DecideRequest.newBuilder().setApp(app).setRequestId("r1")
                .setSubject(Subject.newBuilder().setUsername(user).addAllGroups(List.of(groups))).build();
    }

    @Test
    void decidesWithTheRuleThatMatched() {
        DecideResponse allowed = decisions.decide(request("alice", "echo", "engineering"));
        assertEquals(Effect.EFFECT_ALLOW, allowed.getEffect());
        assertEquals("engineers-echo", allowed.getRuleId());

        DecideResponse denied = decisions.decide(request("bob", "echo", "sales"));
        assertEquals(Effect.EFFECT_DENY, denied.getEffect());
        assertEquals("", denied.getRuleId());
        assertEquals(1, denied.getUnmetConditionsCount(), denied.toString());
        assertTrue(denied.getUnmetConditions(0).startsWith("rule engineers-echo: who: bob is not among"), denied.toString());
        assertEquals(0, allowed.getUnmetConditionsCount());

        var explained = admin.explain(dev.ztna.proto.policy.v1.ExplainRequest.newBuilder()
                .setRequest(request("eve", "echo", "engineering", "contractors")).build());
        assertEquals(Effect.EFFECT_DENY, explained.getEffect());
        assertEquals("no-contractors-echo", explained.getRuleId());
        assertEquals(2, explained.getRulesCount());
        assertTrue(explained.getRulesList().stream().allMatch(dev.ztna.proto.policy.v1.RuleEvaluation::getApplies));
        assertInvalid("request.subject.username", () -> admin.explain(dev.ztna.proto.policy.v1.ExplainRequest.newBuilder()
                .setRequest(request("", "echo")).build()));
        var asBroker = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("b", "broker")));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> asBroker.explain(
                dev.ztna.proto.policy.v1.ExplainRequest.newBuilder().setRequest(request("a", "echo")).build())).getStatus().getCode());

        DecideResponse explicit = decisions.decide(request("eve", "echo", "engineering", "contractors"));
        assertEquals(Effect.EFFECT_DENY, explicit.getEffect());
        assertEquals("no-contractors-echo", explicit.getRuleId());
    }

    @Inject
    javax.sql.DataSource db;

    @Test
    void eachDecisionIsRecordedWithItsFullInputForReplay() throws Exception {
        DecideRequest asked = request("carol", "echo", "engineering").toBuilder().setRequestId("snapshot-1")
                .setContext(dev.ztna.proto.policy.v1.DecisionContext.newBuilder().setSourceAddress("192.0.2.7")
                        .addAmr("pwd").addAmr("otp")
                        .setAuthTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_790_000_000)))
                .build();
        long version = decisions.decide(asked).getPolicyVersion();

        AuditEvent recorded = null;
        try (var connection = db.getConnection(); var rows = connection.createStatement()
                .executeQuery("select payload from audit_outbox")) {
            while (rows.next()) {
                AuditEvent event = AuditEvent.parseFrom(rows.getBytes(1));
                if ("snapshot-1".equals(event.getAttributesMap().get("request_id"))) {
                    recorded = event;
                }
            }
        }
        assertNotNull(recorded, "the decision was not recorded in the outbox");
        assertEquals("policy.decision", recorded.getType());
        assertEquals(Long.toString(version), recorded.getAttributesOrThrow("policy_version"));
        DecideRequest.Builder replayed = DecideRequest.newBuilder();
        JsonFormat.parser().merge(recorded.getAttributesOrThrow("input"), replayed);
        assertEquals(asked, replayed.build());
        java.time.Instant.parse(recorded.getAttributesOrThrow("input.time"));
    }

    @Test
    void onlyBrokersMayAskAndAnonymousCallersAreRefused() {
        var anonymous = DecisionServiceGrpc.newBlockingStub(channel);
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.decide(request("alice", "echo"))).getStatus().getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.withCallCredentials(bearer("not-a-jwt")).decide(request("alice", "echo"))).getStatus().getCode());
        String user = TestTokens.user("alice", List.of("engineering"), List.of());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> anonymous.withCallCredentials(bearer(user)).decide(request("alice", "echo"))).getStatus().getCode());
    }

    @Test
    void badDecideInputsNameTheField() {
        assertInvalid("subject", () -> decisions.decide(DecideRequest.newBuilder().setApp("echo").build()));
        assertInvalid("subject.username", () -> decisions.decide(request("", "echo")));
        assertInvalid("app", () -> decisions.decide(request("alice", "")));
        assertInvalid("app", () -> decisions.decide(request("alice", "x".repeat(129))));
        assertInvalid("context.source_address", () -> decisions.decide(request("alice", "echo").toBuilder()
                .setContext(dev.ztna.proto.policy.v1.DecisionContext.newBuilder().setSourceAddress("evil.example")).build()));
        assertInvalid("action", () -> decisions.decide(request("alice", "echo").toBuilder().setAction("delete").build()));
        assertInvalid("http", () -> decisions.decide(request("alice", "echo").toBuilder().setAction("http").build()));
        assertInvalid("http", () -> decisions.decide(request("alice", "echo").toBuilder().setHttp(http("GET", "/")).build()));
        assertInvalid("http.path", () -> decisions.decide(request("alice", "echo").toBuilder().setAction("http")
                .setHttp(http("GET", "/docs/../admin")).build()));
        assertInvalid("http.method", () -> decisions.decide(request("alice", "echo").toBuilder().setAction("http")
                .setHttp(http("get", "/")).build()));
    }

    static dev.ztna.proto.policy.v1.HttpRequestInfo http(String method, String path) {
        return dev.ztna.proto.policy.v1.HttpRequestInfo.newBuilder().setMethod(method).setPath(path).build();
    }

    @Test
    void webRequestsAreDecidedByMethodAndPathOverTheWire() {
        admin.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument("apiVersion: ztna.dev/v1\napps:\n  wiki: {tags: [docs]}\nrules:\n"
                        + "  - {id: eng-read-docs, effect: allow, who: {groups: [engineering]}, "
                        + "what: {tags: [docs], http: {methods: [GET], paths: [\"/pages/**\"]}}}\n").build());
        DecideResponse read = decisions.decide(request("alice", "wiki", "engineering").toBuilder().setAction("http")
                .setHttp(http("GET", "/pages/start")).build());
        assertEquals(Effect.EFFECT_ALLOW, read.getEffect());
        assertEquals("eng-read-docs", read.getRuleId());
        DecideResponse write = decisions.decide(request("alice", "wiki", "engineering").toBuilder().setAction("http")
                .setHttp(http("DELETE", "/pages/start")).build());
        assertEquals(Effect.EFFECT_DENY, write.getEffect());
        assertTrue(write.getUnmetConditionsList().toString().contains("method DELETE is not in [GET]"), write.toString());
        assertEquals(Effect.EFFECT_DENY, decisions.decide(request("alice", "wiki", "engineering")).getEffect(),
                "a web rule opens no tunnel");
    }

    @Test
    void invalidPolicyIsRejectedAndTheLiveVersionStays() {
        long before = admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> admin.putPolicy(PutPolicyRequest.newBuilder()
                .setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument("apiVersion: ztna.dev/v1\nrules: [{id: x, effect: maybe, who: {groups: [g]}, what: {apps: [echo]}}]")
                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("rules[0] (id=x).effect", GrpcTestChannels.badField(e));
        assertEquals(before, admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion());
        assertEquals(Effect.EFFECT_ALLOW, decisions.decide(request("alice", "echo", "engineering")).getEffect());

        StatusRuntimeException failing = assertThrows(StatusRuntimeException.class, () -> admin.putPolicy(PutPolicyRequest.newBuilder()
                .setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument("apiVersion: ztna.dev/v1\nrules: [{id: x, effect: allow, who: {groups: [g]}, what: {apps: [echo]}}]\n"
                        + "tests: [{name: alice keeps echo, input: {user: alice, groups: [engineering], app: echo}, expect: allow}]")
                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, failing.getStatus().getCode());
        assertEquals("tests[0] (name=alice keeps echo).expect", GrpcTestChannels.badField(failing));
        assertTrue(failing.getStatus().getDescription().contains("expected allow, got deny"), failing.getStatus().getDescription());
        assertEquals(before, admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion());

        assertInvalid("format", () -> admin.putPolicy(PutPolicyRequest.newBuilder().setDocument("x").build()));
        var brokerAsAdmin = PolicyAdminServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.service("broker-svc", "broker")));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                () -> brokerAsAdmin.putPolicy(PutPolicyRequest.getDefaultInstance())).getStatus().getCode());
    }

    @Test
    void countriesComeFromTheGeoIpDatabaseAndRiskIsExplained() {
        admin.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument("apiVersion: ztna.dev/v1\nrules:\n"
                        + "  - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}\n"
                        + "  - {id: no-contractors-echo, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}\n"
                        + "  - {id: wiki-from-germany, effect: allow, who: {groups: [engineering]}, what: {apps: [wiki]}, "
                        + "where: {countries: [DE]}}\n"
                        + "  - {id: vault-low-risk, effect: allow, who: {groups: [engineering]}, what: {apps: [vault]}, "
                        + "how: {max_risk: 30}}\n").build());
        java.util.function.BiFunction<String, String, DecideResponse> from = (app, address) -> decisions.decide(
                request("alice", app, "engineering").toBuilder().setContext(dev.ztna.proto.policy.v1.DecisionContext.newBuilder()
                        .setSourceAddress(address).addAmr("pwd").addAmr("otp")
                        .setAuthTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(java.time.Instant.now().getEpochSecond())))
                        .build());
        assertEquals(Effect.EFFECT_ALLOW, from.apply("wiki", "192.0.2.127").getEffect(), "last address of the DE range");
        assertEquals(Effect.EFFECT_ALLOW, from.apply("wiki", "2001:db8::1").getEffect(), "IPv6 in the DE range");
        DecideResponse france = from.apply("wiki", "192.0.2.128");
        assertEquals(Effect.EFFECT_DENY, france.getEffect(), "first address of the FR range");
        assertTrue(france.getUnmetConditionsList().toString().contains("country (FR) is not in [DE]"), france.toString());
        DecideResponse unknown = from.apply("wiki", "198.51.100.7");
        assertTrue(unknown.getUnmetConditionsList().toString().contains("country (unknown)"), unknown.toString());

        // MFA, a fresh login, a known source and country, but no device: risk 20 ≤ 30
        assertEquals(Effect.EFFECT_ALLOW, from.apply("vault", "192.0.2.1").getEffect());
        // the same from an address no GeoIP range holds: 30 ≤ 30
        assertEquals(Effect.EFFECT_ALLOW, from.apply("vault", "198.51.100.7").getEffect());
        // without a second factor: 60 > 30, and the factors are named
        DecideResponse noMfa = decisions.decide(request("alice", "vault", "engineering").toBuilder()
                .setContext(dev.ztna.proto.policy.v1.DecisionContext.newBuilder().setSourceAddress("192.0.2.1").addAmr("pwd")
                        .setAuthTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(java.time.Instant.now().getEpochSecond())))
                .build());
        assertEquals(Effect.EFFECT_DENY, noMfa.getEffect());
        assertTrue(noMfa.getUnmetConditionsList().toString().contains("risk 60 is above 30 (no second factor +40, no device posture +20)"),
                noMfa.toString());
    }

    @Test
    void changesArePushedToWatchers() {
        var watch = DecisionServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.service("broker-svc", "broker")))
                .withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                .watchPolicyChanges(dev.ztna.proto.policy.v1.WatchPolicyChangesRequest.getDefaultInstance());
        long current = admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion();
        assertEquals(current, watch.next().getPolicyVersion());
        long submitted = System.nanoTime();
        long next = admin.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument("apiVersion: ztna.dev/v1\nrules: [{id: engineers-echo, effect: allow, who: {groups: [engineering]}, "
                        + "what: {apps: [echo]}}, {id: no-contractors-echo, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}]")
                .build()).getVersion();
        assertEquals(next, watch.next().getPolicyVersion());
        long millis = (System.nanoTime() - submitted) / 1_000_000;
        assertTrue(millis <= 1000, "a policy change reaches a subscriber within 1 s (issue 4); took " + millis + " ms");

        var user = DecisionServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(TestTokens.user("alice", List.of("engineering"), List.of())));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> user
                .watchPolicyChanges(dev.ztna.proto.policy.v1.WatchPolicyChangesRequest.getDefaultInstance()).next());
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    }

    static void assertInvalid(String field, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(field, GrpcTestChannels.badField(e));
    }
}
