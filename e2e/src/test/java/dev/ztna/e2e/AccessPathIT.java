package dev.ztna.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.common.crypto.Totp;
import dev.ztna.proto.broker.v1.AccessServiceGrpc;
import dev.ztna.proto.broker.v1.App;
import dev.ztna.proto.broker.v1.ListAppsRequest;
import dev.ztna.proto.broker.v1.OpenSessionRequest;
import dev.ztna.proto.broker.v1.TunnelOpen;
import dev.ztna.proto.broker.v1.TunnelRequest;
import dev.ztna.proto.broker.v1.TunnelResponse;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.LoginRequest;
import dev.ztna.proto.identity.v1.VerifyMfaRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Walks the thin access path through the real service jars, each its own process, on embedded PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessPathIT {

    Suite suite;
    final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    final Map<String, String> tokens = new ConcurrentHashMap<>();
    final List<Process> clis = new ArrayList<>();
    Path aliceConfig;
    dev.ztna.common.testing.KeycloakServer keycloak;

    @BeforeAll
    void start() throws Exception {
        Path work = Path.of("target", "e2e-run").toAbsolutePath();
        Files.createDirectories(work);
        // identity-svc federates with a real Keycloak (the realm of identity-svc's federation test) for `ztna login --sso`
        keycloak = dev.ztna.common.testing.KeycloakServer.start(
                Suite.home().resolve("identity-svc/src/test/resources/keycloak/ztna-realm.json"), "ztna",
                work.resolve("keycloak.log"));
        suite = new Suite(Suite.home(), work, Suite.Ports.random()).withSecondBroker().withIdentityEnv(Map.of(
                "ZTNA_IDENTITY_FEDERATION_ENABLED", "true",
                "ZTNA_IDENTITY_FEDERATION_ISSUER", keycloak.issuer(),
                "ZTNA_IDENTITY_FEDERATION_CLIENT_SECRET", "test-only-federation-client-secret",
                "ZTNA_IDENTITY_FEDERATION_STATE_SECRET", "test-only-state-secret-0123456789abcdef",
                "ZTNA_IDENTITY_FEDERATION_GROUP_MAPPING_ENGINEERING", "engineering"));
        suite.start();
    }

    @AfterAll
    void stop() {
        clis.forEach(Process::destroyForcibly);
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (suite != null) {
            suite.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void everyServiceAnswersHealthAndReflection() throws Exception {
        Suite.Ports p = suite.ports();
        Map<Integer, String> expected = Map.of(p.identity(), "ztna.identity.v1.AuthService", p.policy(),
                "ztna.policy.v1.DecisionService", p.broker(), "ztna.broker.v1.AccessService", p.audit(),
                "ztna.audit.v1.AuditIngestService");
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            ManagedChannel ch = channel("localhost:" + e.getKey());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                    HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus());
            assertTrue(reflectedServices(ch).contains(e.getValue()), "reflection of port " + e.getKey());
        }
    }

    @Test
    @Order(2)
    void theConnectorHasNoListeningSocket() throws Exception {
        awaitAppVisible("alice", "echo");
        // the check itself is proven able to see a listener: the broker has one
        assertFalse(listeningSockets(suite.processes().stream().filter(m -> m.name().equals("broker-svc"))
                .findFirst().orElseThrow().pid()).isEmpty(), "the probe must see the broker's listener");
        assertTrue(suite.connector().isAlive());
        assertEquals(Set.of(), listeningSockets(suite.connector().pid()));
    }

    @Test
    @Order(3)
    void allowedUserGetsBytesBackThroughTheCliTunnel() throws Exception {
        Path config = Files.createTempDirectory("ztna-cli-alice");
        aliceConfig = config;
        Process login = cli(config, "login", "alice", "--totp", code("alice"));
        try (OutputStream in = login.getOutputStream()) {
            in.write((suite.user("alice").password() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(0, login.waitFor(60, TimeUnit.SECONDS) ? login.exitValue() : -1, output(login));
        tokens.put("alice", Files.readString(config.resolve("token")).trim());
        awaitAppVisible("alice", "echo");

        Process codes = cli(config, "recovery-codes");
        assertTrue(codes.waitFor(60, TimeUnit.SECONDS));
        List<String> recovery = output(codes).lines().filter(l -> l.matches("[a-z2-7]{5}-[a-z2-7]{5}")).toList();
        assertEquals(10, recovery.size());
        Process relogin = cli(config, "login", "alice", "--recovery-code", recovery.get(0));
        try (OutputStream in = relogin.getOutputStream()) {
            in.write((suite.user("alice").password() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(relogin.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, relogin.exitValue(), output(relogin));
        tokens.put("alice", Files.readString(config.resolve("token")).trim());

        Process apps = cli(config, "apps");
        assertTrue(apps.waitFor(60, TimeUnit.SECONDS));
        assertEquals("echo", output(apps).trim());
        Process appsJson = cli(config, "apps", "--output", "json");
        assertTrue(appsJson.waitFor(60, TimeUnit.SECONDS));
        assertEquals("{\"apps\":[\"echo\"]}", output(appsJson).trim());
        Process status = cli(config, "status", "--output", "json");
        assertTrue(status.waitFor(60, TimeUnit.SECONDS));
        JsonNode me = new ObjectMapper().readTree(output(status));
        assertEquals("alice", me.path("user").asText());
        assertTrue(me.path("logged_in").asBoolean());

        int localPort = Suite.free();
        Process connect = cli(config, "connect", "echo", "--local-port", Integer.toString(localPort));
        BufferedReader lines = new BufferedReader(new InputStreamReader(connect.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertTrue(first != null && first.startsWith("Forwarding"), "connect said: " + first);

        // several connections at once over the one session, each with its own bytes, each closed by a half-close
        List<CompletableFuture<Void>> connections = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            byte[] payload = new byte[(1 << 20) + c * 4099];
            new Random(c).nextBytes(payload);
            connections.add(CompletableFuture.runAsync(() -> assertEchoed(localPort, payload)));
        }
        for (CompletableFuture<Void> connection : connections) {
            connection.get(60, TimeUnit.SECONDS);
        }
        connect.destroy(); // SIGTERM: the CLI closes its session on the way out
        assertTrue(connect.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    @Order(4)
    void forbiddenUnknownAndFakeSessionsAllLookTheSame() throws Exception {
        String bob = token("bob");
        AccessServiceGrpc.AccessServiceBlockingStub access = access(bob);
        awaitAppVisible("alice", "echo");
        assertEquals(List.of(), access.listApps(ListAppsRequest.getDefaultInstance()).getAppsList());

        StatusRuntimeException forbidden = assertThrows(StatusRuntimeException.class,
                () -> access.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> access.openSession(OpenSessionRequest.newBuilder().setApp("no-such-app").build()));
        assertEquals(Status.Code.NOT_FOUND, forbidden.getStatus().getCode());
        assertEquals(forbidden.getStatus().getCode(), unknown.getStatus().getCode());
        assertEquals(forbidden.getStatus().getDescription(), unknown.getStatus().getDescription());

        Status tunnel = tunnelStatus(bob, java.util.UUID.randomUUID().toString());
        assertEquals(Status.Code.NOT_FOUND, tunnel.getCode());
        assertEquals(forbidden.getStatus().getDescription(), tunnel.getDescription());
    }

    @Test
    @Order(5)
    void wrongPasswordAndWrongTotpAreRefused() {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel(suite.identityTarget()));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> auth.login(
                LoginRequest.newBuilder().setUsername("admin").setPassword("wrong-password").build())).getStatus().getCode());
        String challenge = auth.login(LoginRequest.newBuilder().setUsername("admin")
                .setPassword(suite.user("admin").password()).build()).getChallengeId();
        String wrong = Totp.code(suite.user("admin").totpSecret(), Instant.now().plusSeconds(600));
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> auth.verifyMfa(
                VerifyMfaRequest.newBuilder().setChallengeId(challenge).setTotpCode(wrong).build())).getStatus().getCode());
    }

    @Test
    @Order(6)
    void badInputsGetClearCodesNeverInternal() throws Exception {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel(suite.identityTarget()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> auth.login(LoginRequest.newBuilder().setUsername("").setPassword("x").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> auth.login(LoginRequest.newBuilder().setUsername("u".repeat(5000)).setPassword("x").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId("abc").setTotpCode("12ab56").build()));
        // no code: fine only for a challenge whose MFA a trusted IdP vouched for, so the challenge is judged first
        assertCode(Status.Code.UNAUTHENTICATED, () -> auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId("abc").setTotpCode("").build()));
        assertCode(Status.Code.UNAUTHENTICATED, () -> auth.verifyMfa(VerifyMfaRequest.newBuilder().setChallengeId("abc").setTotpCode("123456").build()));

        AccessServiceGrpc.AccessServiceBlockingStub garbage = access("garbage.not.a-token");
        assertCode(Status.Code.UNAUTHENTICATED, () -> garbage.listApps(ListAppsRequest.getDefaultInstance()));
        AccessServiceGrpc.AccessServiceBlockingStub anonymous = AccessServiceGrpc.newBlockingStub(channel(suite.brokerTarget()));
        assertCode(Status.Code.UNAUTHENTICATED, () -> anonymous.openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));

        AccessServiceGrpc.AccessServiceBlockingStub bob = access(token("bob"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> bob.openSession(OpenSessionRequest.newBuilder().setApp("").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> bob.openSession(OpenSessionRequest.newBuilder().setApp("../etc/passwd").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> bob.listApps(ListAppsRequest.newBuilder().setPageSize(-1).build()));
        assertCode(Status.Code.NOT_FOUND, () -> bob.openSession(OpenSessionRequest.newBuilder().setApp("unknown-app").build()));
    }

    @Test
    @Order(7)
    void theAuditChainVerifiesAndHoldsTheRunsEvents() throws Exception {
        String auditor = suite.serviceToken("auditor");
        Set<String> wanted = Set.of("auth.login/failure", "auth.login/success", "auth.mfa/success", "auth.mfa/failure",
                "policy.decision/success", "policy.decision/failure", "session.open/success", "session.close/success");
        Set<String> seen = new HashSet<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!seen.containsAll(wanted) && Instant.now().isBefore(deadline)) {
            seen.clear();
            JsonNode events = getJson(suite.auditUrl() + "/api/v1/events?limit=1000", auditor).path("events");
            for (JsonNode e : events) {
                seen.add(e.path("type").asText() + "/" + e.path("outcome").asText().replace("OUTCOME_", "").toLowerCase());
            }
            Thread.sleep(500);
        }
        assertTrue(seen.containsAll(wanted), "missing audit events; saw " + seen);
        JsonNode verify = getJson(suite.auditUrl() + "/api/v1/chain/verify", auditor);
        assertTrue(verify.path("valid").asBoolean(), verify.toString());
        assertTrue(verify.path("entries").asLong() >= wanted.size());
    }

    @Test
    @Order(8)
    void changingThePolicyCutsALiveTunnelAndLeavesAReceipt() throws Exception {
        int localPort = Suite.free();
        Process connect = cli(aliceConfig, "connect", "echo", "--local-port", Integer.toString(localPort));
        BufferedReader lines = new BufferedReader(new InputStreamReader(connect.getInputStream(), StandardCharsets.UTF_8));
        assertTrue(lines.readLine().startsWith("Forwarding"));
        try (Socket socket = new Socket("127.0.0.1", localPort)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            assertEquals("ping", new String(socket.getInputStream().readNBytes(4), StandardCharsets.UTF_8));

            long changedAt = System.nanoTime();
            putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - id: only-sales\n    effect: allow\n"
                            + "    who: { groups: [sales] }\n    what: { apps: [echo] }\n");
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (IOException e) {
                read = -1; // reset: cut as well
            }
            long cutMillis = (System.nanoTime() - changedAt) / 1_000_000;
            assertEquals(-1, read, "the tunnel must be closed by the policy change");
            assertTrue(cutMillis < 10_000, "cut after " + cutMillis + " ms");
        }
        assertEquals(List.of(), access(tokens.get("alice")).listApps(ListAppsRequest.getDefaultInstance()).getAppsList());

        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode receipt = null;
        while (receipt == null && Instant.now().isBefore(deadline)) {
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.revoke", auditor).path("events")) {
                receipt = e;
            }
            Thread.sleep(300);
        }
        assertTrue(receipt != null, "a revocation receipt in the audit log");
        assertEquals("alice", receipt.path("actor").asText());
        assertTrue(receipt.path("reason").asText().startsWith("policy changed to version"), receipt.toString());
        for (String field : List.of("cause_time", "last_byte_time", "close_time", "latency_ms")) {
            assertFalse(receipt.path("attributes").path(field).asText().isEmpty(), field);
        }
        connect.destroy();

        Process logout = cli(aliceConfig, "logout");
        assertTrue(logout.waitFor(60, TimeUnit.SECONDS));
        Process afterLogout = cli(aliceConfig, "apps");
        assertTrue(afterLogout.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, afterLogout.exitValue());
        assertTrue(output(afterLogout).contains("not logged in"));
    }

    @Test
    @Order(9)
    void obligationsAreEnforcedJustificationIdleTimeoutAndMaximumDuration() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: it-echo, effect: allow, who: {groups: [it]}, "
                        + "what: {apps: [echo]}, obligations: {idle_timeout: PT2S, justification: required}}\n");
        String it = token("admin");
        StatusRuntimeException unjustified = assertThrows(StatusRuntimeException.class,
                () -> access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, unjustified.getStatus().getCode());
        assertTrue(unjustified.getStatus().getDescription().contains("justification"), unjustified.getStatus().toString());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("x".repeat(501)).build()));

        String idleSession = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("CHG-42 restart the echo service").build()).getSessionId();
        Status idle = tunnelStatus(it, idleSession); // one echoed frame, then silence
        assertEquals(Status.Code.PERMISSION_DENIED, idle.getCode(), idle.toString());
        assertTrue(idle.getDescription().contains("idle"), idle.toString());

        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: it-echo, effect: allow, who: {groups: [it]}, "
                        + "what: {apps: [echo]}, obligations: {max_session: PT3S}}\n");
        String busySession = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        Status busy = busyTunnelStatus(it, busySession);
        assertEquals(Status.Code.PERMISSION_DENIED, busy.getCode(), busy.toString());
        assertTrue(busy.getDescription().contains("maximum session duration"), busy.toString());

        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(20);
        boolean justified = false;
        Set<String> causes = new java.util.HashSet<>();
        while ((!justified || causes.size() < 2) && Instant.now().isBefore(deadline)) {
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.open&actor=admin", auditor).path("events")) {
                justified |= e.path("attributes").path("justification").asText().equals("CHG-42 restart the echo service");
            }
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.revoke&actor=admin", auditor).path("events")) {
                String reason = e.path("reason").asText();
                if (reason.contains("idle") || reason.contains("maximum session duration")) {
                    causes.add(reason.contains("idle") ? "idle" : "max");
                }
            }
            Thread.sleep(300);
        }
        assertTrue(justified, "the justification is in the session.open audit record");
        assertEquals(Set.of("idle", "max"), causes, "both cuts left a receipt");
    }

    @Test
    @Order(10)
    void withPolicySvcStoppedNewSessionsAreRefusedAndLiveOnesCutAfterTheGrace() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: it-echo, effect: allow, who: {groups: [it]}, "
                        + "what: {apps: [echo]}}\n");
        String it = token("admin");
        String sessionId = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        CompletableFuture<Status> live = CompletableFuture.supplyAsync(() -> {
            try {
                return busyTunnelStatus(it, sessionId);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(500);
        suite.stopService("policy-svc");
        try {
            assertCode(Status.Code.UNAVAILABLE, () -> access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));
            Status cut = live.get(60, TimeUnit.SECONDS);
            assertEquals(Status.Code.PERMISSION_DENIED, cut.getCode(), cut.toString());
            assertTrue(cut.getDescription().contains("policy-svc unreachable"), cut.toString());

            String auditor = suite.serviceToken("auditor");
            Instant deadline = Instant.now().plusSeconds(20);
            boolean receipt = false;
            while (!receipt && Instant.now().isBefore(deadline)) {
                for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.revoke&actor=admin", auditor).path("events")) {
                    receipt |= e.path("session_id").asText().equals(sessionId) && e.path("reason").asText().contains("unreachable");
                }
                Thread.sleep(300);
            }
            assertTrue(receipt, "the fail-closed cut left a receipt");
        } finally {
            suite.startService("policy-svc");
        }
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build());
                break;
            } catch (StatusRuntimeException e) {
                assertTrue(Instant.now().isBefore(deadline), "sessions never opened again: " + e.getStatus());
                Thread.sleep(500);
            }
        }
    }

    @Test
    @Order(11)
    void anOperatorListsLiveSessionsAndRevokesOne() throws Exception {
        String it = token("admin");
        String sessionId = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("operator test").build()).getSessionId();
        CompletableFuture<Status> live = CompletableFuture.supplyAsync(() -> {
            try {
                return busyTunnelStatus(it, sessionId);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        var sessions = dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.brokerTarget()))
                .withCallCredentials(bearer(it)).withDeadlineAfter(30, TimeUnit.SECONDS);
        dev.ztna.proto.broker.v1.SessionInfo info = null;
        Instant deadline = Instant.now().plusSeconds(20);
        while (info == null || info.getBytesToUser() == 0) {
            assertTrue(Instant.now().isBefore(deadline), "the session never showed traffic: " + info);
            info = sessions.listSessions(dev.ztna.proto.broker.v1.ListSessionsRequest.newBuilder().setUsername("admin").build())
                    .getSessionsList().stream().filter(x -> x.getSessionId().equals(sessionId)).findFirst().orElse(null);
            Thread.sleep(200);
        }
        assertEquals("echo", info.getApp());
        assertEquals(List.of("demo-connector"), info.getConnectorsList());
        assertEquals(1, info.getTunnels());
        assertTrue(info.getBytesFromUser() > 0);

        // the CLI shows it too (a token file as `ztna login` leaves it)
        Path config = Files.createTempDirectory("ztna-ops");
        Files.writeString(config.resolve("token"), it);
        Process list = cli(config, "sessions", "--app", "echo");
        String listed = output(list);
        assertTrue(list.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, list.exitValue(), listed);
        assertTrue(listed.contains(sessionId), listed);

        Process revoke = cli(config, "sessions", "revoke", sessionId, "--reason", "incident 7");
        String revoked = output(revoke);
        assertTrue(revoke.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, revoke.exitValue(), revoked);
        Status cut = live.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.PERMISSION_DENIED, cut.getCode(), cut.toString());
        assertTrue(cut.getDescription().contains("revoked by admin: incident 7"), cut.toString());

        assertCode(Status.Code.NOT_FOUND, () -> sessions.revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest
                .newBuilder().setSessionId(sessionId).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> sessions.revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest
                .newBuilder().setSessionId("not-a-session").build()));
        var asBob = dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.brokerTarget()))
                .withCallCredentials(bearer(token("bob")));
        assertCode(Status.Code.PERMISSION_DENIED, () -> asBob.listSessions(
                dev.ztna.proto.broker.v1.ListSessionsRequest.getDefaultInstance()));
    }

    @Test
    @Order(12)
    void aSecondConnectorSharesTheLoadAndTakesOverWhenTheFirstIsKilled() throws Exception {
        suite.startConnector("demo-connector-2");
        String it = token("admin");
        String sessionId = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("ha test").build()).getSessionId();
        var sessions = dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.brokerTarget()))
                .withCallCredentials(bearer(it)).withDeadlineAfter(30, TimeUnit.SECONDS);
        // tunnels are spread round-robin: keep opening until both connectors carried one
        List<CompletableFuture<Status>> busy = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(60);
        while (connectorsOf(sessions, sessionId).size() < 2) {
            assertTrue(Instant.now().isBefore(deadline), "the second connector never carried a tunnel");
            busy.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return busyTunnelStatus(it, sessionId);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
            Thread.sleep(700);
        }

        suite.killConnector();
        // the tunnels the dead connector carried end (UNAVAILABLE), the others keep flowing
        Instant cutBy = Instant.now().plusSeconds(30);
        while (busy.stream().noneMatch(CompletableFuture::isDone)) {
            assertTrue(Instant.now().isBefore(cutBy), "no tunnel of the killed connector ended");
            Thread.sleep(200);
        }
        Thread.sleep(1000);
        List<CompletableFuture<Status>> ended = busy.stream().filter(CompletableFuture::isDone).toList();
        assertTrue(ended.size() < busy.size(), "tunnels through the surviving connector must keep flowing");
        for (CompletableFuture<Status> f : ended) {
            assertEquals(Status.Code.UNAVAILABLE, f.get().getCode(), f.get().toString());
        }
        // new tunnels all go to the survivor
        for (int i = 0; i < 3; i++) {
            assertEquals("ping-" + i, echoThroughTunnel(it, sessionId, "ping-" + i));
        }
        assertEquals(List.of("demo-connector-2"), connectorsOf(sessions, sessionId).stream()
                .filter(c -> !c.equals("demo-connector")).toList());

        String auditor = suite.serviceToken("auditor");
        Instant auditDeadline = Instant.now().plusSeconds(20);
        JsonNode detach = null;
        while (detach == null && Instant.now().isBefore(auditDeadline)) {
            // the connector detaches from both brokers; the one that carried the tunnels says how many it cut
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=connector.detach", auditor).path("events")) {
                if (e.path("attributes").path("connector_name").asText().equals("demo-connector")
                        && e.path("attributes").path("tunnels_cut").asInt() >= 1) {
                    detach = e;
                }
            }
            Thread.sleep(300);
        }
        assertTrue(detach != null, "the lost connector is audited, with the tunnels it carried");
        sessions.revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest.newBuilder().setSessionId(sessionId).build());
        for (CompletableFuture<Status> f : busy) {
            if (!ended.contains(f)) {
                assertEquals(Status.Code.PERMISSION_DENIED, f.get(30, TimeUnit.SECONDS).getCode(),
                        "a surviving tunnel flowed until the session was revoked");
            }
        }
    }

    @Test
    @Order(13)
    void twoBrokersShareSessionsAndEndThemOnBoth() throws Exception {
        String it = token("admin");
        var broker1 = AccessServiceGrpc.newBlockingStub(channel(suite.brokerTarget())).withCallCredentials(bearer(it))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        var broker2 = AccessServiceGrpc.newBlockingStub(channel(suite.broker2Target())).withCallCredentials(bearer(it))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        Instant attached = Instant.now().plusSeconds(60);
        while (broker2.listApps(ListAppsRequest.getDefaultInstance()).getAppsList().stream().noneMatch(a -> a.getName().equals("echo"))) {
            assertTrue(Instant.now().isBefore(attached), "the connector never attached to the second broker");
            Thread.sleep(250);
        }

        // opened on broker 1, carried by both
        String sessionId = broker1.openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("two brokers").build()).getSessionId();
        assertEquals("via-2", echoThroughTunnel(suite.broker2Target(), it, sessionId, "via-2"));
        RawTunnel on1 = new RawTunnel(suite.brokerTarget(), it, sessionId, null);
        RawTunnel on2 = new RawTunnel(suite.broker2Target(), it, sessionId, null);
        on1.send("one");
        on2.send("two");

        // either broker lists it with both brokers' tunnels
        var admin2 = dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.broker2Target()))
                .withCallCredentials(bearer(it)).withDeadlineAfter(30, TimeUnit.SECONDS);
        Instant listed = Instant.now().plusSeconds(20);
        dev.ztna.proto.broker.v1.SessionInfo info = null;
        while (info == null || info.getTunnels() < 2) {
            assertTrue(Instant.now().isBefore(listed), "broker 2 never listed both tunnels: " + info);
            Thread.sleep(200);
            info = admin2.listSessions(dev.ztna.proto.broker.v1.ListSessionsRequest.newBuilder().setApp("echo").build())
                    .getSessionsList().stream().filter(x -> x.getSessionId().equals(sessionId)).findFirst().orElse(null);
        }

        // another user cannot ride it on the other broker; an unknown id gets the same answer
        assertEquals(Status.Code.NOT_FOUND, new RawTunnel(suite.broker2Target(), token("bob"), sessionId, null).awaitEnd(30).getCode());
        assertEquals(Status.Code.NOT_FOUND, new RawTunnel(suite.broker2Target(), it, UUID.randomUUID().toString(), null)
                .awaitEnd(30).getCode());

        // revoked on broker 1: the tunnel on broker 2 ends too, with the reason
        dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.brokerTarget()))
                .withCallCredentials(bearer(it)).withDeadlineAfter(30, TimeUnit.SECONDS)
                .revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest.newBuilder().setSessionId(sessionId)
                        .setReason("two-broker test").build());
        for (RawTunnel t : List.of(on1, on2)) {
            Status end = t.awaitEnd(30);
            assertEquals(Status.Code.PERMISSION_DENIED, end.getCode(), end.toString());
            assertTrue(end.getDescription().contains("two-broker test"), end.toString());
        }
        assertEquals(Status.Code.NOT_FOUND, new RawTunnel(suite.broker2Target(), it, sessionId, null).awaitEnd(30).getCode());

        // closed by the user on broker 2: the tunnel on broker 1 ends
        String second = broker2.openSession(OpenSessionRequest.newBuilder().setApp("echo")
                .setJustification("two brokers, again").build()).getSessionId();
        RawTunnel viaBroker1 = new RawTunnel(suite.brokerTarget(), it, second, null);
        viaBroker1.send("x");
        Instant echoed = Instant.now().plusSeconds(20);
        while (viaBroker1.received.length() == 0) {
            assertTrue(Instant.now().isBefore(echoed), "no echo through broker 1");
            Thread.sleep(50);
        }
        broker2.closeSession(dev.ztna.proto.broker.v1.CloseSessionRequest.newBuilder().setSessionId(second).build());
        Status closed = viaBroker1.awaitEnd(30);
        assertEquals(Status.Code.UNAVAILABLE, closed.getCode(), closed.toString());
        assertTrue(closed.getDescription().contains("session closed"), closed.toString());
    }

    @Test
    @Order(14)
    void revokingAUserCutsTheirTunnelsOnEveryBrokerAndKillsTheirToken() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: eng-echo, effect: allow, who: {groups: [engineering]}, "
                + "what: {apps: [echo]}}\n");
        String alice = freshToken("alice");
        String sessionId = access(alice).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        RawTunnel on1 = new RawTunnel(suite.brokerTarget(), alice, sessionId, null);
        RawTunnel on2 = new RawTunnel(suite.broker2Target(), alice, sessionId, null);
        on1.send("a");
        on2.send("b");
        Instant flowing = Instant.now().plusSeconds(20);
        while (on1.received.length() == 0 || on2.received.length() == 0) {
            assertTrue(Instant.now().isBefore(flowing), "both tunnels echo");
            Thread.sleep(50);
        }

        long before = System.nanoTime();
        dev.ztna.proto.identity.v1.DirectoryServiceGrpc.newBlockingStub(channel(suite.identityTarget()))
                .withCallCredentials(bearer(token("admin"))).withDeadlineAfter(30, TimeUnit.SECONDS)
                .revokeUserSessions(dev.ztna.proto.identity.v1.RevokeUserSessionsRequest.newBuilder()
                        .setUsername("alice").setReason("laptop stolen").build());
        for (RawTunnel t : List.of(on1, on2)) {
            Status end = t.awaitEnd(30);
            assertEquals(Status.Code.PERMISSION_DENIED, end.getCode(), end.toString());
            assertTrue(end.getDescription().contains("laptop stolen"), end.toString());
        }
        System.out.printf("user revocation -> both tunnels cut: %d ms%n", (System.nanoTime() - before) / 1_000_000);

        // the token dies on every broker before it expires
        for (String broker : List.of(suite.brokerTarget(), suite.broker2Target())) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> AccessServiceGrpc
                    .newBlockingStub(channel(broker)).withCallCredentials(bearer(alice)).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listApps(ListAppsRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        }

        // exactly one receipt, with the cause and the times
        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(20);
        List<JsonNode> receipts = List.of();
        while (receipts.isEmpty() && Instant.now().isBefore(deadline)) {
            List<JsonNode> found = new ArrayList<>();
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.revoke&q=" + sessionId, auditor)
                    .path("events")) {
                if (e.path("session_id").asText().equals(sessionId)) {
                    found.add(e);
                }
            }
            receipts = found;
            Thread.sleep(300);
        }
        assertEquals(1, receipts.size(), receipts.toString());
        assertEquals("identity revoked: laptop stolen", receipts.get(0).path("reason").asText());
        for (String field : List.of("cause_time", "last_byte_time", "close_time", "latency_ms", "broker")) {
            assertFalse(receipts.get(0).path("attributes").path(field).asText().isEmpty(), field);
        }
    }

    @Test
    @Order(15)
    void aPostureChangeCutsTheDevicesTunnelsWithAReceipt() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: sales-echo-encrypted, effect: allow, who: {groups: [sales]}, "
                + "what: {apps: [echo]}, how: {posture: {max_age: PT10M, disk_encrypted: true}}}\n");
        java.security.KeyPair device = p256();
        var login = login("bob", device);
        String bob = login.getAccessToken();
        String deviceId = login.getDeviceId();
        assertFalse(deviceId.isEmpty(), "the login is bound to the device");
        tokens.put("bob", bob);
        // no report yet: the posture rule does not hold, and the app looks like any unknown app
        assertCode(Status.Code.NOT_FOUND, () -> access(bob).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()));

        var devices = dev.ztna.proto.identity.v1.DeviceServiceGrpc.newBlockingStub(channel(suite.identityTarget()))
                .withCallCredentials(bearer(bob)).withDeadlineAfter(30, TimeUnit.SECONDS);
        Instant first = Instant.now();
        assertTrue(devices.reportPosture(report(device, deviceId, first, "true")).getChanged(), "a first report is a change");
        awaitAppVisible("bob", "echo");
        var onBroker2 = AccessServiceGrpc.newBlockingStub(channel(suite.broker2Target())).withCallCredentials(bearer(bob));
        Instant pushed = Instant.now().plusSeconds(20);
        while (onBroker2.listApps(ListAppsRequest.getDefaultInstance()).getAppsCount() == 0) {
            assertTrue(Instant.now().isBefore(pushed), "the posture reached the second broker");
            Thread.sleep(100);
        }
        String sessionId = access(bob).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        RawTunnel tunnel = new RawTunnel(suite.broker2Target(), bob, sessionId, null);
        tunnel.send("x");
        Instant flowing = Instant.now().plusSeconds(20);
        while (tunnel.received.length() == 0) {
            assertTrue(Instant.now().isBefore(flowing), "the compliant device's tunnel echoes");
            Thread.sleep(50);
        }

        // what a device cannot do: replay, backdate, sign with another key, speak for another device
        assertCode(Status.Code.FAILED_PRECONDITION, () -> devices.reportPosture(report(device, deviceId, first, "true")));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> devices.reportPosture(report(device, deviceId,
                Instant.now().minusSeconds(600), "true")));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> devices.reportPosture(report(p256(), deviceId, Instant.now(), "true")));
        assertCode(Status.Code.PERMISSION_DENIED, () -> devices.reportPosture(report(device, UUID.randomUUID().toString(),
                Instant.now(), "true")));
        assertEquals(Status.Code.OK, tunnel.status == null ? Status.Code.OK : tunnel.status.getCode(), "refusals cut nothing");

        // the disk is no longer encrypted: the device's tunnel is cut at once, with a receipt
        assertTrue(devices.reportPosture(report(device, deviceId, Instant.now(), "false")).getChanged());
        Status cut = tunnel.awaitEnd(30);
        assertEquals(Status.Code.PERMISSION_DENIED, cut.getCode(), cut.toString());
        assertTrue(cut.getDescription().contains("device posture changed"), cut.toString());
        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode receipt = null;
        while (receipt == null && Instant.now().isBefore(deadline)) {
            for (JsonNode e : getJson(suite.auditUrl() + "/api/v1/events?type=session.revoke&q=" + sessionId, auditor)
                    .path("events")) {
                receipt = e;
            }
            Thread.sleep(300);
        }
        assertTrue(receipt != null, "a receipt for the posture cut");
        assertTrue(receipt.path("reason").asText().contains("disk_encrypted=false"), receipt.toString());
    }

    @Test
    @Order(16)
    void aSessionPausesWhenReauthenticationIsDueAndResumesAfterAStepUp() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: it-echo, effect: allow, who: {groups: [it]}, "
                + "what: {apps: [echo]}, obligations: {reauth_every: PT4S}}\n");
        String it = freshToken("admin");
        String sessionId = access(it).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        RawTunnel before = new RawTunnel(suite.broker2Target(), it, sessionId, null);
        before.send("x");
        // the login is at most a few seconds old: the tunnel flows, then the interval runs out and it is cut
        Status paused = before.awaitEnd(30);
        assertEquals(Status.Code.FAILED_PRECONDITION, paused.getCode(), paused.toString());
        assertTrue(paused.getDescription().contains("ztna reauth"), paused.toString());
        Status refused = new RawTunnel(it, sessionId, null).awaitEnd(30);
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getCode(), "paused, not ended: " + refused);
        assertCode(Status.Code.FAILED_PRECONDITION, () -> access(it).reauthenticate(
                dev.ztna.proto.broker.v1.ReauthenticateRequest.newBuilder().setSessionId(sessionId).build()));

        // step up at identity-svc (the next step's code: this step's was spent by the login), then resume
        String stepped = AuthServiceGrpc.newBlockingStub(channel(suite.identityTarget())).withCallCredentials(bearer(it))
                .stepUp(dev.ztna.proto.identity.v1.StepUpRequest.newBuilder()
                        .setTotpCode(Totp.code(suite.user("admin").totpSecret(), Instant.now().plusSeconds(30))).build())
                .getAccessToken();
        tokens.put("admin", stepped);
        access(stepped).reauthenticate(dev.ztna.proto.broker.v1.ReauthenticateRequest.newBuilder().setSessionId(sessionId).build());
        assertEquals("again", echoThroughTunnel(suite.broker2Target(), stepped, sessionId, "again"),
                "resumed on every broker");
        assertCode(Status.Code.NOT_FOUND, () -> access(token("bob")).reauthenticate(
                dev.ztna.proto.broker.v1.ReauthenticateRequest.newBuilder().setSessionId(sessionId).build()));

        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(20);
        Set<String> kinds = new java.util.HashSet<>();
        while (kinds.size() < 2 && Instant.now().isBefore(deadline)) {
            for (String type : List.of("session.pause", "session.resume")) {
                if (getJson(suite.auditUrl() + "/api/v1/events?type=" + type + "&q=" + sessionId, auditor).path("events").size() > 0) {
                    kinds.add(type);
                }
            }
            Thread.sleep(300);
        }
        assertEquals(Set.of("session.pause", "session.resume"), kinds);
        access(stepped).closeSession(dev.ztna.proto.broker.v1.CloseSessionRequest.newBuilder().setSessionId(sessionId).build());
    }

    static java.security.KeyPair p256() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sign(java.security.KeyPair key, byte[] data) {
        try {
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withECDSA");
            signature.initSign(key.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(17)
    void directoryAttributesDecideThroughTokenBrokerAndPolicy() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: eng-employees-echo, effect: allow, who: {groups: [engineering], "
                + "attributes: {employment_type: [employee]}}, what: {apps: [echo]}}\n");
        var directory = dev.ztna.proto.identity.v1.DirectoryServiceGrpc.newBlockingStub(channel(suite.identityTarget()))
                .withCallCredentials(bearer(token("admin"))).withDeadlineAfter(30, TimeUnit.SECONDS);
        directory.updateUser(dev.ztna.proto.identity.v1.UpdateUserRequest.newBuilder().setUsername("alice")
                .putAttributes("employment_type", "contractor").build());
        dev.ztna.proto.identity.v1.VerifyMfaResponse login = login("alice", null);
        String contractor = login.getAccessToken();
        assertTrue(access(contractor).listApps(ListAppsRequest.getDefaultInstance()).getAppsList().stream()
                .noneMatch(a -> a.getName().equals("echo")), "a contractor does not even see echo");
        assertCode(Status.Code.NOT_FOUND, () -> access(contractor).openSession(OpenSessionRequest.newBuilder()
                .setApp("echo").build()));

        // the operator's way: ztna users update / list
        Path admin = Files.createTempDirectory("ztna-cli-admin");
        Files.writeString(admin.resolve("token"), token("admin"));
        Process update = cli(admin, "users", "update", "alice", "--set", "employment_type=employee", "--set",
                "department=Platform");
        assertTrue(update.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, update.exitValue(), output(update));
        Process bad = cli(admin, "users", "update", "alice", "--set", "country=Germany");
        assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
        String refusal = output(bad);
        assertEquals(2, bad.exitValue(), refusal);
        assertTrue(refusal.contains("country"), refusal);
        Process list = cli(admin, "users", "list", "--output", "json");
        assertTrue(list.waitFor(60, TimeUnit.SECONDS));
        JsonNode listed = new ObjectMapper().readTree(output(list));
        JsonNode aliceEntry = null;
        for (JsonNode u : listed.path("users")) {
            if (u.path("username").asText().equals("alice")) {
                aliceEntry = u;
            }
        }
        assertTrue(aliceEntry != null && aliceEntry.path("attributes").path("employment_type").asText().equals("employee")
                && aliceEntry.path("attributes").path("department").asText().equals("Platform"), listed.toString());
        String employee = AuthServiceGrpc.newBlockingStub(channel(suite.identityTarget())).withDeadlineAfter(30, TimeUnit.SECONDS)
                .refresh(dev.ztna.proto.identity.v1.RefreshRequest.newBuilder().setRefreshToken(login.getRefreshToken())
                        .build()).getAccessToken();
        assertFalse(access(employee).openSession(OpenSessionRequest.newBuilder().setApp("echo").build())
                .getSessionId().isEmpty(), "the refreshed token carries employment_type=employee");
        directory.updateUser(dev.ztna.proto.identity.v1.UpdateUserRequest.newBuilder().setUsername("alice")
                .putAttributes("employment_type", "").putAttributes("department", "").build());
    }

    @Test
    @Order(18)
    void ssoLoginInTheCliWithUpstreamGroupsMappedAndLocalTotp() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: eng-echo, effect: allow, who: {groups: [engineering]}, "
                + "what: {apps: [echo]}}\n");
        // the local account exists (it holds the TOTP secret) but is in no group: engineering comes from Keycloak
        String uri = dev.ztna.proto.identity.v1.DirectoryServiceGrpc.newBlockingStub(channel(suite.identityTarget()))
                .withCallCredentials(bearer(token("admin"))).withDeadlineAfter(30, TimeUnit.SECONDS)
                .createUser(dev.ztna.proto.identity.v1.CreateUserRequest.newBuilder().setUsername("fed-alice")
                        .setPassword("local-password-never-used").build()).getTotpUri();
        String secret = java.net.URI.create(uri).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");

        Path config = Files.createTempDirectory("ztna-cli-sso");
        Process login = cli(config, "login", "--sso");
        BufferedReader out = new BufferedReader(new InputStreamReader(login.getInputStream(), StandardCharsets.UTF_8));
        String link = null;
        for (String line = out.readLine(); line != null && link == null; line = out.readLine()) {
            if (line.startsWith("Open ")) {
                link = line.substring(5, line.indexOf(' ', 5));
            }
        }
        assertTrue(link != null && link.startsWith(keycloak.issuer()), "the CLI shows the IdP's device page: " + link);
        new dev.ztna.common.testing.ScriptedBrowser().approveDevice(link, "fed-alice", "upstream-alice-pass");
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("Identity provider login done")) {
                assertTrue(line.contains("fed-alice"), line);
                break;
            }
        }
        try (OutputStream in = login.getOutputStream()) {
            in.write((Totp.code(secret, Instant.now()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(login.waitFor(60, TimeUnit.SECONDS));
        String rest = new String(login.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, login.exitValue(), rest);

        String token = Files.readString(config.resolve("token")).trim();
        JsonNode claims = new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertEquals("fed", claims.path("amr").path(0).asText(), claims.toString());
        assertEquals("otp", claims.path("amr").path(1).asText(), claims.toString());
        Process apps = cli(config, "apps");
        assertTrue(apps.waitFor(60, TimeUnit.SECONDS));
        assertEquals("echo", output(apps).trim(), "the mapped upstream group reaches the app through the broker");
    }

    @Test
    @Order(19)
    void badTunnelInputsEndOnlyTheirOwnTunnel() throws Exception {
        putPolicy("apiVersion: ztna.dev/v1\nrules:\n  - {id: eng-echo, effect: allow, who: {groups: [engineering]}, "
                + "what: {apps: [echo]}}\n  - {id: sales-echo, effect: allow, who: {groups: [sales]}, what: {apps: [echo]}}\n");
        String alice = freshToken("alice");
        String bob = token("bob");
        String aliceSession = access(alice).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        RawTunnel healthy = new RawTunnel(alice, aliceSession, null);
        healthy.send("before;");
        awaitReceived(healthy, "before;");

        // an oversized frame (larger than any client sends, above the server's inbound limit)
        String bobSession = access(bob).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        RawTunnel oversized = new RawTunnel(bob, bobSession, null);
        oversized.out.onNext(TunnelRequest.newBuilder().setData(ByteString.copyFrom(new byte[8 << 20])).build());
        Status big = oversized.awaitEnd(30);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getCode(), big.toString());

        // someone else's session, with a valid token of another user: the same answer as an unknown session
        assertEquals(Status.Code.NOT_FOUND, tunnelStatus(bob, aliceSession).getCode());
        // a data frame before the open frame
        RawTunnel noOpen = new RawTunnel(bob, "", null);
        assertFalse(noOpen.awaitEnd(30).isOk(), "a tunnel without a session id never carries bytes");

        healthy.send("after;");
        awaitReceived(healthy, "before;after;");
        healthy.out.onCompleted();
    }

    static void awaitReceived(RawTunnel tunnel, String expected) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!tunnel.received.toString().equals(expected)) {
            assertTrue(Instant.now().isBefore(deadline), "got '" + tunnel.received + "', expected '" + expected + "'");
            Thread.sleep(50);
        }
    }

    /** A posture report as the device agent signs it. */
    static dev.ztna.proto.identity.v1.ReportPostureRequest report(java.security.KeyPair key, String deviceId, Instant at,
                                                                 String diskEncrypted) {
        byte[] report = dev.ztna.proto.identity.v1.PostureReport.newBuilder().setDeviceId(deviceId)
                .putAllAttributes(Map.of("os", "linux", "os_version", "12", "disk_encrypted", diskEncrypted,
                        "firewall_on", "true", "screen_lock", "true", "agent_version", "0.1.0"))
                .setReportTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .build().toByteArray();
        return dev.ztna.proto.identity.v1.ReportPostureRequest.newBuilder().setReport(ByteString.copyFrom(report))
                .setSignature(ByteString.copyFrom(sign(key, report))).build();
    }

    static List<String> connectorsOf(dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.SessionAdminServiceBlockingStub sessions,
                                     String sessionId) {
        return sessions.listSessions(dev.ztna.proto.broker.v1.ListSessionsRequest.getDefaultInstance()).getSessionsList()
                .stream().filter(s -> s.getSessionId().equals(sessionId)).flatMap(s -> s.getConnectorsList().stream()).toList();
    }



    // ---- helpers

    @Test
    @Order(20)
    void theTcpDataChannelRelaysRawBytesAndIsCutLikeAnyTunnel() throws Exception {
        // the CLI's fast path: ztna connect --transport tcp
        Path config = Files.createTempDirectory("ztna-cli-alice-tcp");
        for (int attempt = 0; ; attempt++) {
            Process login = cli(config, "login", "alice", "--totp", code("alice"));
            try (OutputStream in = login.getOutputStream()) {
                in.write((suite.user("alice").password() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(login.waitFor(60, TimeUnit.SECONDS));
            if (login.exitValue() == 0) {
                break;
            }
            assertEquals(0, attempt, "login failed twice: " + output(login));
            Thread.sleep(30_000 - System.currentTimeMillis() % 30_000 + 200); // this step's code was spent already
        }
        String alice = Files.readString(config.resolve("token")).trim();
        int localPort = Suite.free();
        Process connect = cli(config, "connect", "echo", "--local-port", Integer.toString(localPort), "--transport", "tcp");
        String first = new BufferedReader(new InputStreamReader(connect.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(first != null && first.startsWith("Forwarding"), "connect said: " + first);
        List<CompletableFuture<Void>> connections = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            byte[] payload = new byte[(1 << 20) + c * 7919];
            new Random(100 + c).nextBytes(payload);
            connections.add(CompletableFuture.runAsync(() -> assertEchoed(localPort, payload)));
        }
        for (CompletableFuture<Void> connection : connections) {
            connection.get(60, TimeUnit.SECONDS);
        }
        connect.destroy();
        assertTrue(connect.waitFor(30, TimeUnit.SECONDS));

        // by hand: a ticket per connection, good once, only for the session's owner
        String session = access(alice).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        var ticket = access(alice).openDataChannel(dev.ztna.proto.broker.v1.OpenDataChannelRequest.newBuilder()
                .setSessionId(session).build());
        assertEquals(suite.ports().brokerData(), ticket.getPort());
        Socket healthy = dataChannel(ticket.getTicket().toByteArray());
        assertEquals(dev.ztna.common.tunnel.DataChannel.OK, healthy.getInputStream().read());
        healthy.getOutputStream().write("ping;".getBytes(StandardCharsets.UTF_8));
        assertEquals("ping;", new String(healthy.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
        try (Socket replay = dataChannel(ticket.getTicket().toByteArray())) {
            assertEquals(dev.ztna.common.tunnel.DataChannel.NOT_FOUND, replay.getInputStream().read(), "a ticket works once");
        }
        try (Socket guessed = dataChannel(new byte[32])) {
            assertEquals(dev.ztna.common.tunnel.DataChannel.NOT_FOUND, guessed.getInputStream().read());
        }
        // garbage on the data port is closed without an answer, and touches no one else's relay
        try (Socket garbage = new Socket("127.0.0.1", suite.ports().brokerData())) {
            garbage.setSoTimeout(15_000);
            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(10).getBytes(StandardCharsets.UTF_8));
            assertEquals(-1, garbage.getInputStream().read());
        }
        healthy.getOutputStream().write("still;".getBytes(StandardCharsets.UTF_8));
        assertEquals("still;", new String(healthy.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
        String bobSession = access(token("bob")).openSession(OpenSessionRequest.newBuilder().setApp("echo").build()).getSessionId();
        assertCode(Status.Code.NOT_FOUND, () -> access(alice).openDataChannel(dev.ztna.proto.broker.v1.OpenDataChannelRequest
                .newBuilder().setSessionId(bobSession).build()));
        assertCode(Status.Code.NOT_FOUND, () -> access(alice).openDataChannel(dev.ztna.proto.broker.v1.OpenDataChannelRequest
                .newBuilder().setSessionId("not-a-session").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> access(alice).openDataChannel(dev.ztna.proto.broker.v1.OpenDataChannelRequest
                .getDefaultInstance()));

        // an operator's revocation cuts the relayed connection like any tunnel of the session
        dev.ztna.proto.broker.v1.SessionAdminServiceGrpc.newBlockingStub(channel(suite.brokerTarget()))
                .withCallCredentials(bearer(token("admin"))).withDeadlineAfter(30, TimeUnit.SECONDS)
                .revokeSession(dev.ztna.proto.broker.v1.RevokeSessionRequest.newBuilder().setSessionId(session)
                        .setReason("data channel test").build());
        healthy.setSoTimeout(10_000);
        int after;
        try {
            after = healthy.getInputStream().read();
        } catch (java.net.SocketException reset) {
            after = -1;
        }
        assertEquals(-1, after, "the revoked session's relay is closed");
        healthy.close();
    }

    /** A connection to the broker's TCP data channel that has sent its greeting with {@code ticket}. */
    Socket dataChannel(byte[] ticket) throws IOException {
        Socket socket = new Socket("127.0.0.1", suite.ports().brokerData());
        socket.setSoTimeout(30_000);
        dev.ztna.common.tunnel.DataChannel.writeHello(socket.getOutputStream(), dev.ztna.common.tunnel.DataChannel.USER, ticket);
        return socket;
    }

    static void assertEchoed(int port, byte[] payload) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(payload);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = socket.getInputStream().readAllBytes();
            writer.get(30, TimeUnit.SECONDS);
            assertArrayEquals(payload, echoed);
        } catch (Exception e) {
            throw new AssertionError("tunnelled echo failed", e);
        }
    }

    static void assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertNotEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    }

    ManagedChannel channel(String target) {
        return channels.computeIfAbsent(target, t -> ManagedChannelBuilder.forTarget(t).usePlaintext().build());
    }

    AccessServiceGrpc.AccessServiceBlockingStub access(String token) {
        return AccessServiceGrpc.newBlockingStub(channel(suite.brokerTarget())).withCallCredentials(bearer(token))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** One login per user per run: a TOTP code is accepted once. */
    String token(String user) {
        return tokens.computeIfAbsent(user, this::login);
    }

    /** A new login (the user's earlier one was logged out or revoked). */
    String freshToken(String user) {
        String token = login(user);
        tokens.put(user, token);
        return token;
    }

    private String login(String user) {
        return login(user, null).getAccessToken();
    }

    /** Password + TOTP; with {@code device}, the login is bound to that device key (proof: the challenge id signed). */
    dev.ztna.proto.identity.v1.VerifyMfaResponse login(String user, java.security.KeyPair device) {
        AuthServiceGrpc.AuthServiceBlockingStub auth = AuthServiceGrpc.newBlockingStub(channel(suite.identityTarget()));
        for (int attempt = 0; ; attempt++) {
            String challenge = auth.login(LoginRequest.newBuilder().setUsername(user)
                    .setPassword(suite.user(user).password()).build()).getChallengeId();
            VerifyMfaRequest.Builder request = VerifyMfaRequest.newBuilder().setChallengeId(challenge).setTotpCode(code(user));
            if (device != null) {
                request.setDevicePublicKey(ByteString.copyFrom(device.getPublic().getEncoded()))
                        .setDeviceProof(ByteString.copyFrom(sign(device, challenge.getBytes(StandardCharsets.UTF_8))));
            }
            try {
                return auth.verifyMfa(request.build());
            } catch (StatusRuntimeException e) {
                if (attempt > 0 || e.getStatus().getCode() != Status.Code.UNAUTHENTICATED) {
                    throw e;
                }
                // this step's code was used by an earlier login of the same user: the next step's code is new
                try {
                    Thread.sleep(30_000 - System.currentTimeMillis() % 30_000 + 200);
                } catch (InterruptedException interrupted) {
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    String code(String user) {
        return Totp.code(suite.user(user).totpSecret(), Instant.now());
    }

    void awaitAppVisible(String user, String app) throws InterruptedException {
        String token = user.equals("alice") && !tokens.containsKey("alice") ? null : token(user);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (token == null) {
                return; // alice logs in through the CLI first
            }
            List<App> apps = access(token).listApps(ListAppsRequest.getDefaultInstance()).getAppsList();
            if (apps.stream().anyMatch(a -> a.getName().equals(app))) {
                return;
            }
            Thread.sleep(250);
        }
        fail(app + " never became visible to " + user + "; connector log:\n" + suite.connector().tail());
    }


    /** Makes {@code yaml} the live policy, as the admin. */
    void putPolicy(String yaml) {
        dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc.newBlockingStub(channel("localhost:" + suite.ports().policy()))
                .withCallCredentials(bearer(token("admin")))
                .putPolicy(dev.ztna.proto.policy.v1.PutPolicyRequest.newBuilder()
                        .setFormat(dev.ztna.proto.policy.v1.DocumentFormat.DOCUMENT_FORMAT_YAML).setDocument(yaml).build());
    }

    /** A raw tunnel of a session: what it received and how it ended. */
    final class RawTunnel {
        final StringBuilder received = new StringBuilder();
        final CountDownLatch done = new CountDownLatch(1);
        volatile Status status;
        final StreamObserver<TunnelRequest> out;
        private final String halfCloseAfter;
        private boolean halfClosed;

        RawTunnel(String token, String sessionId, String halfCloseAfter) {
            this(suite.brokerTarget(), token, sessionId, halfCloseAfter);
        }

        /** {@code halfCloseAfter}: once this much has come back, half-close (null: never). */
        RawTunnel(String broker, String token, String sessionId, String halfCloseAfter) {
            this.halfCloseAfter = halfCloseAfter;
            out = AccessServiceGrpc.newStub(channel(broker)).withCallCredentials(bearer(token))
                    .tunnel(new StreamObserver<>() {
                        @Override
                        public void onNext(TunnelResponse value) {
                            synchronized (received) {
                                received.append(value.getData().toStringUtf8());
                                if (halfCloseAfter != null && !halfClosed && received.length() >= halfCloseAfter.length()) {
                                    halfClosed = true;
                                    out().onCompleted(); // the app sees EOF and closes its side
                                }
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            status = Status.fromThrowable(t);
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            status = Status.OK;
                            done.countDown();
                        }
                    });
            out.onNext(TunnelRequest.newBuilder().setOpen(TunnelOpen.newBuilder().setSessionId(sessionId)).build());
        }

        private StreamObserver<TunnelRequest> out() {
            return out;
        }

        void send(String text) {
            out.onNext(TunnelRequest.newBuilder().setData(ByteString.copyFromUtf8(text)).build());
        }

        Status awaitEnd(int seconds) throws InterruptedException {
            assertTrue(done.await(seconds, TimeUnit.SECONDS), "the tunnel did not end");
            return status;
        }
    }

    /** Sends one frame, then stays silent; how the tunnel ended. */
    Status tunnelStatus(String token, String sessionId) throws InterruptedException {
        RawTunnel tunnel = new RawTunnel(token, sessionId, null);
        tunnel.send("hello");
        return tunnel.awaitEnd(30);
    }

    /** Keeps sending a frame every 200 ms until the broker ends the tunnel; how it ended. */
    Status busyTunnelStatus(String token, String sessionId) throws InterruptedException {
        RawTunnel tunnel = new RawTunnel(token, sessionId, null);
        Instant deadline = Instant.now().plusSeconds(120);
        while (!tunnel.done.await(200, TimeUnit.MILLISECONDS) && Instant.now().isBefore(deadline)) {
            tunnel.send("busy");
        }
        return tunnel.awaitEnd(1);
    }

    /** Sends {@code text}; returns what the app echoed once the tunnel completed normally. */
    String echoThroughTunnel(String token, String sessionId, String text) throws InterruptedException {
        return echoThroughTunnel(suite.brokerTarget(), token, sessionId, text);
    }

    String echoThroughTunnel(String broker, String token, String sessionId, String text) throws InterruptedException {
        RawTunnel tunnel = new RawTunnel(broker, token, sessionId, text);
        tunnel.send(text);
        Status end = tunnel.awaitEnd(30);
        assertEquals(Status.Code.OK, end.getCode(), end.toString());
        synchronized (tunnel.received) {
            return tunnel.received.toString();
        }
    }

    static CallCredentials bearer(String token) {
        return new BearerCredentials(token);
    }

    Process cli(Path configDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Suite.home().resolve("cli/target/ztna.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ZTNA_IDENTITY", suite.identityTarget());
        builder.environment().put("ZTNA_BROKER", suite.brokerTarget());
        builder.environment().put("ZTNA_CONFIG_DIR", configDir.toString());
        Process process = builder.start();
        clis.add(process);
        return process;
    }

    static String output(Process process) throws IOException {
        try (InputStream in = process.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode getJson(String url, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    static Set<String> reflectedServices(ManagedChannel channel) throws InterruptedException {
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
                for (ServiceResponse s : response.getListServicesResponse().getServiceList()) {
                    names.add(s.getName());
                }
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        out.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        out.onCompleted();
        done.await(30, TimeUnit.SECONDS);
        return names;
    }

    /** Inodes of TCP sockets the process holds that are in LISTEN state (from /proc, no tools needed). */
    static Set<String> listeningSockets(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // fd closed meanwhile
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    listening.add(f[1]);
                }
            }
        }
        return listening;
    }
}
