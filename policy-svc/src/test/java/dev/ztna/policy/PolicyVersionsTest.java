package dev.ztna.policy;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.DiffPolicyRequest;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.GetPolicyRequest;
import dev.ztna.proto.policy.v1.ListPolicyVersionsRequest;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutPolicyRequest;
import dev.ztna.proto.policy.v1.RollbackPolicyRequest;
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

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(TestTokensResource.class)
class PolicyVersionsTest {

    static final String SALES = "apiVersion: ztna.dev/v1\nrules:\n  - {id: sales-echo, effect: allow, who: {groups: [sales]}, what: {apps: [echo]}}\n";

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub admin;
    PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub auditor;
    DecisionServiceGrpc.DecisionServiceBlockingStub decisions;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        admin = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("ops", "policy-admin")));
        auditor = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("audit", "auditor")));
        decisions = DecisionServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("broker-svc", "broker")));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    Effect alice() {
        return decisions.decide(DecisionTest.request("alice", "echo", "engineering")).getEffect();
    }

    @Test
    void versionsAreListedDiffedAndRolledBack() {
        long original = admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getVersion();
        assertEquals(Effect.EFFECT_ALLOW, alice());
        long sales = admin.putPolicy(PutPolicyRequest.newBuilder().setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                .setDocument(SALES).build()).getVersion();
        assertEquals(Effect.EFFECT_DENY, alice());

        var listed = auditor.listPolicyVersions(ListPolicyVersionsRequest.getDefaultInstance()).getVersionsList();
        assertEquals(sales, listed.get(0).getVersion());
        assertTrue(listed.get(0).getLive());
        assertEquals("ops", listed.get(0).getAuthor());
        assertEquals(original, listed.get(1).getVersion());
        assertEquals(1, auditor.listPolicyVersions(ListPolicyVersionsRequest.newBuilder().setBeforeVersion(sales)
                .setPageSize(1).build()).getVersionsCount());

        var diff = auditor.diffPolicy(DiffPolicyRequest.newBuilder().setFromVersion(original).setToVersion(sales).build());
        assertTrue(diff.getUnifiedDiff().startsWith("--- version " + original + "\n+++ version " + sales), diff.getUnifiedDiff());
        assertTrue(diff.getUnifiedDiff().contains("+  - {id: sales-echo"), diff.getUnifiedDiff());
        assertTrue(diff.getLinesAdded() >= 1 && diff.getLinesRemoved() >= 1);
        assertEquals("", auditor.diffPolicy(DiffPolicyRequest.newBuilder().setFromVersion(sales).setToVersion(sales).build())
                .getUnifiedDiff());

        long restored = admin.rollbackPolicy(RollbackPolicyRequest.newBuilder().setVersion(original).build()).getVersion();
        assertEquals(sales + 1, restored);
        assertEquals(Effect.EFFECT_ALLOW, alice(), "the rolled-back document is live again");
        assertEquals(admin.getPolicy(GetPolicyRequest.newBuilder().setVersion(original).build()).getDocument(),
                admin.getPolicy(GetPolicyRequest.getDefaultInstance()).getDocument());
    }

    @Test
    void badVersionRequestsAreAnsweredClearly() {
        assertCode(Status.Code.NOT_FOUND, () -> admin.rollbackPolicy(RollbackPolicyRequest.newBuilder().setVersion(9999).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> admin.rollbackPolicy(RollbackPolicyRequest.newBuilder().setVersion(0).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> auditor.diffPolicy(DiffPolicyRequest.newBuilder().setFromVersion(0).setToVersion(1).build()));
        assertCode(Status.Code.NOT_FOUND, () -> auditor.diffPolicy(DiffPolicyRequest.newBuilder().setFromVersion(1).setToVersion(9999).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> auditor.listPolicyVersions(ListPolicyVersionsRequest.newBuilder().setPageSize(501).build()));
        assertCode(Status.Code.NOT_FOUND, () -> auditor.getPolicy(GetPolicyRequest.newBuilder().setVersion(9999).build()));
        assertCode(Status.Code.PERMISSION_DENIED, () -> auditor.rollbackPolicy(RollbackPolicyRequest.newBuilder().setVersion(1).build()));
        var broker = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(TestTokens.service("broker-svc", "broker")));
        assertCode(Status.Code.PERMISSION_DENIED, () -> broker.listPolicyVersions(ListPolicyVersionsRequest.getDefaultInstance()));
    }

    static void assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }
}
