package dev.ztna.policy.service;

import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.policy.v1.ChangeCount;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionContext;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.SimulateResponse;
import dev.ztna.proto.policy.v1.Subject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorTest {

    static final String LIVE = """
            apiVersion: ztna.dev/v1
            rules:
              - {id: engineers-echo, effect: allow, who: {groups: [engineering, contractors]}, what: {apps: [echo]}}
              - {id: office-wiki, effect: allow, who: {groups: [engineering]}, what: {apps: [wiki]}, where: {cidrs: ["10.0.0.0/8"]}}
            """;

    static AuditEvent recorded(CompiledPolicy live, String user, String app, String address, String at, String... groups)
            throws Exception {
        DecideRequest input = DecideRequest.newBuilder().setApp(app).setRequestId(user + "-" + app)
                .setSubject(Subject.newBuilder().setUsername(user).addAllGroups(List.of(groups)))
                .setContext(DecisionContext.newBuilder().setSourceAddress(address)).build();
        CompiledPolicy.Decision d = live.decide(DecisionInput.subject(input, GeoIp.NONE), app, java.time.Instant.parse(at));
        return AuditEvent.newBuilder().setType("policy.decision").setActor(user).setApp(app)
                .putAttributes("input", JsonFormat.printer().print(input))
                .putAttributes("input.time", at)
                .putAttributes("effect", d.allowed() ? "allow" : "deny")
                .putAttributes("rule_id", d.ruleId())
                .putAttributes("policy_version", "4").build();
    }

    @Test
    void replaysRecordedInputsAndReportsExactlyWhatChanges() throws Exception {
        CompiledPolicy live = PolicyCompiler.compile(LIVE, PolicyCompiler.Format.YAML, 4);
        List<AuditEvent> history = List.of(
                recorded(live, "alice", "echo", "10.1.2.3", "2026-12-01T10:00:00Z", "engineering"),
                recorded(live, "carl", "echo", "192.0.2.1", "2026-12-01T10:01:00Z", "contractors"),
                recorded(live, "cora", "echo", "192.0.2.2", "2026-12-01T10:02:00Z", "contractors"),
                recorded(live, "carl", "echo", "192.0.2.1", "2026-12-02T09:00:00Z", "contractors"),
                recorded(live, "alice", "wiki", "192.0.2.9", "2026-12-01T10:03:00Z", "engineering"),
                recorded(live, "bob", "echo", "10.1.2.4", "2026-12-01T10:04:00Z", "sales"),
                AuditEvent.newBuilder().setType("policy.decision").putAttributes("effect", "allow").build());

        // the candidate drops contractors from echo and opens the wiki from anywhere
        CompiledPolicy candidate = PolicyCompiler.compile("""
                apiVersion: ztna.dev/v1
                rules:
                  - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}
                  - {id: wiki-anywhere, effect: allow, who: {groups: [engineering]}, what: {apps: [wiki]}}
                """, PolicyCompiler.Format.YAML, 0);
        Simulator simulator = new Simulator(candidate);
        history.forEach(simulator::replay);
        SimulateResponse result = simulator.result();

        assertEquals(6, result.getReplayed());
        assertEquals(1, result.getSkipped(), "an event without an input snapshot is not replayed");
        assertEquals(2, result.getUnchanged());
        assertEquals(3, result.getNewlyDenied());
        assertEquals(1, result.getNewlyAllowed());
        Map<String, ChangeCount> users = result.getByUserList().stream()
                .collect(Collectors.toMap(ChangeCount::getKey, c -> c));
        assertEquals(Map.of("carl", 2L, "cora", 1L), users.values().stream().filter(c -> c.getNewlyDenied() > 0)
                .collect(Collectors.toMap(ChangeCount::getKey, ChangeCount::getNewlyDenied)));
        assertEquals(1, users.get("alice").getNewlyAllowed());
        Map<String, ChangeCount> rules = result.getByRuleList().stream().collect(Collectors.toMap(ChangeCount::getKey, c -> c));
        assertEquals(3, rules.get("engineers-echo").getNewlyDenied(), "the recorded allow that no longer applies");
        assertEquals(1, rules.get("wiki-anywhere").getNewlyAllowed());
        assertEquals(3, result.getByAppList().stream().filter(c -> c.getKey().equals("echo")).findFirst().orElseThrow().getNewlyDenied());
        var first = result.getChanges(0);
        assertEquals("carl", first.getUsername());
        assertEquals(Effect.EFFECT_ALLOW, first.getRecordedEffect());
        assertEquals(Effect.EFFECT_DENY, first.getCandidateEffect());
        assertEquals(4, first.getRecordedPolicyVersion());
        assertTrue(first.getCandidateRuleId().isEmpty());
    }

    @Test
    void theRecordedTimeIsTheOneEvaluated() throws Exception {
        CompiledPolicy live = PolicyCompiler.compile(LIVE, PolicyCompiler.Format.YAML, 1);
        CompiledPolicy officeHours = PolicyCompiler.compile("""
                apiVersion: ztna.dev/v1
                rules:
                  - {id: echo-office-hours, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]},
                     when: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: UTC}}
                """, PolicyCompiler.Format.YAML, 0);
        Simulator simulator = new Simulator(officeHours);
        simulator.replay(recorded(live, "alice", "echo", "10.0.0.1", "2026-12-02T09:00:00Z", "engineering")); // Wednesday
        simulator.replay(recorded(live, "alice", "echo", "10.0.0.1", "2026-12-05T09:00:00Z", "engineering")); // Saturday
        SimulateResponse result = simulator.result();
        assertEquals(1, result.getUnchanged());
        assertEquals(1, result.getNewlyDenied());
        assertEquals("2026-12-05T09:00:00Z", java.time.Instant.ofEpochSecond(result.getChanges(0).getTime().getSeconds()).toString());
    }
}
