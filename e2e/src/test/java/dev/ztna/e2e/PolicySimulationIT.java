package dev.ztna.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.ztna.common.auth.BearerCredentials;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionServiceGrpc;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.SimulateRequest;
import dev.ztna.proto.policy.v1.Subject;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What-if simulation through the real services: decisions made by policy-svc are recorded, relayed to audit-svc,
 * read back by policy-svc's Simulate and replayed against a candidate; `ztna policy simulate` shows the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicySimulationIT {

    static final String CANDIDATE = """
            apiVersion: ztna.dev/v1
            rules:
              - {id: engineers-reach-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}
              - {id: no-contractors-on-echo, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}
            """;

    Suite suite;
    ManagedChannel policy;
    final Instant start = Instant.now().minusSeconds(60);

    @BeforeAll
    void start() throws Exception {
        suite = new Suite(Suite.home(), Path.of("target", "e2e-simulation").toAbsolutePath(), Suite.Ports.random());
        suite.start();
        policy = ManagedChannelBuilder.forTarget("localhost:" + suite.ports().policy()).usePlaintext().build();
    }

    @AfterAll
    void stop() {
        if (policy != null) {
            policy.shutdownNow();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void recordedDecisionsReplayedAgainstACandidateGiveExactlyTheNewlyDeniedUsers() throws Exception {
        var decisions = DecisionServiceGrpc.newBlockingStub(policy)
                .withCallCredentials(new BearerCredentials(suite.serviceToken("broker-svc")));
        Map<String, List<String>> people = new TreeMap<>(Map.of(
                "ann", List.of("engineering"), "ben", List.of("engineering"),
                "cat", List.of("engineering", "contractors"), "dan", List.of("engineering", "contractors"),
                "eve", List.of("sales")));
        people.forEach((user, groups) -> decisions.decide(DecideRequest.newBuilder().setApp("echo").setRequestId("sim-" + user)
                .setSubject(Subject.newBuilder().setUsername(user).addAllGroups(groups)).build()));
        decisions.decide(DecideRequest.newBuilder().setApp("echo").setRequestId("sim-cat-2")
                .setSubject(Subject.newBuilder().setUsername("cat").addAllGroups(people.get("cat"))).build());

        String auditor = suite.serviceToken("auditor");
        Instant deadline = Instant.now().plusSeconds(60);
        while (recordedDecisions(auditor) < 6) {
            assertTrue(Instant.now().isBefore(deadline), "the decisions did not reach audit-svc");
            Thread.sleep(300);
        }

        Instant end = Instant.now().plusSeconds(60);
        var admin = PolicyAdminServiceGrpc.newBlockingStub(policy).withCallCredentials(new BearerCredentials(auditor));
        var result = admin.simulate(SimulateRequest.newBuilder().setDocument(CANDIDATE)
                .setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).setFrom(ts(start)).setTo(ts(end)).build());
        assertEquals(6, result.getReplayed());
        assertEquals(3, result.getNewlyDenied());
        assertEquals(0, result.getNewlyAllowed());
        Map<String, Long> denied = new TreeMap<>();
        result.getByUserList().forEach(c -> denied.put(c.getKey(), c.getNewlyDenied()));
        assertEquals(Map.of("cat", 2L, "dan", 1L), denied, "exactly the contractors lose access");
        assertEquals("no-contractors-on-echo", result.getByRule(0).getKey());

        // the same through the CLI, with a token file as `ztna login` would leave it
        Path config = Files.createTempDirectory("ztna-sim");
        Files.writeString(config.resolve("token"), auditor);
        Path candidate = config.resolve("candidate.yaml");
        Files.writeString(candidate, CANDIDATE);
        Cli json = cli(config, "policy", "simulate", candidate.toString(), "--from", start.toString(), "--to", end.toString(),
                "--output", "json");
        assertEquals(0, json.exit(), json.output());
        JsonNode parsed = new ObjectMapper().readTree(json.output());
        assertEquals(3, parsed.path("newly_denied").asLong(), json.output());
        Cli table = cli(config, "policy", "simulate", candidate.toString(), "--from", start.toString(), "--to", end.toString());
        assertEquals(0, table.exit(), table.output());
        assertTrue(table.output().contains("3 newly denied"), table.output());

        Cli versions = cli(config, "policy", "versions");
        assertEquals(0, versions.exit(), versions.output());
        assertTrue(versions.output().contains("(live)"), versions.output());
        Cli same = cli(config, "policy", "diff", "1", "1");
        assertEquals(0, same.exit(), same.output());
        assertTrue(same.output().contains("(no difference)"), same.output());
        Cli explain = cli(config, "policy", "explain", "--user", "eve", "--group", "sales", "--app", "echo");
        assertEquals(0, explain.exit(), explain.output());
        assertTrue(explain.output().startsWith("DENY"), explain.output());
        assertTrue(explain.output().contains("who: eve is not among"), explain.output());
        Cli notAdmin = cli(config, "policy", "rollback", "1");
        assertTrue(notAdmin.exit() != 0 && notAdmin.output().contains("permission denied"), notAdmin.output());

        // bad inputs are answered clearly
        Path broken = config.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: ztna.dev/v1\nrules: [{id: x, effect: maybe, who: {groups: [g]}, what: {apps: [echo]}}]");
        Cli invalid = cli(config, "policy", "simulate", broken.toString());
        assertTrue(invalid.exit() != 0, invalid.output());
        assertTrue(invalid.output().contains("effect"), invalid.output());
        StatusRuntimeException window = assertThrows(StatusRuntimeException.class, () -> admin.simulate(
                SimulateRequest.newBuilder().setDocument(CANDIDATE).setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML)
                        .setFrom(ts(end)).setTo(ts(start)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, window.getStatus().getCode());
        var broker = PolicyAdminServiceGrpc.newBlockingStub(policy)
                .withCallCredentials(new BearerCredentials(suite.serviceToken("broker-svc")));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> broker.simulate(
                SimulateRequest.newBuilder().setDocument(CANDIDATE).setFormat(DocumentFormat.DOCUMENT_FORMAT_YAML).build()))
                .getStatus().getCode());
    }

    long recordedDecisions(String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(suite.auditUrl()
                        + "/api/v1/events?type=policy.decision&limit=1000")).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        long n = 0;
        for (JsonNode e : new ObjectMapper().readTree(r.body()).path("events")) {
            if (e.path("attributes").path("request_id").asText().startsWith("sim-")) {
                n++;
            }
        }
        return n;
    }

    static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    record Cli(int exit, String output) {
    }

    Cli cli(Path config, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Suite.home().resolve("cli/target/ztna.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ZTNA_POLICY", "localhost:" + suite.ports().policy());
        builder.environment().put("ZTNA_CONFIG_DIR", config.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Cli(p.exitValue(), out);
    }
}
