package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device-posture part of "how" as a truth table: freshness edges, each requirement, a missing device. */
class PostureConditionTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            rules:
              - id: managed-devices
                effect: allow
                who: { groups: [staff] }
                what: { apps: [payroll] }
                how:
                  posture: { max_age: PT10M, disk_encrypted: true, firewall_on: true, screen_lock: true,
                             os: [linux, macos], min_agent_version: "1.4" }
              - id: any-fresh-report
                effect: allow
                who: { groups: [staff] }
                what: { apps: [wiki] }
                how: { posture: {} }
            """, PolicyCompiler.Format.YAML, 1);

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static Map<String, String> compliant() {
        return new HashMap<>(Map.of("os", "linux", "os_version", "6.1", "disk_encrypted", "true", "firewall_on", "true",
                "screen_lock", "true", "agent_version", "1.4.2"));
    }

    static boolean payroll(Map<String, String> attributes, Instant reportedAt) {
        PostureCondition.Device device = attributes == null ? null : new PostureCondition.Device("d1", attributes, reportedAt);
        return P.decide(new CompiledPolicy.Subject("a", Set.of("staff"), Set.of(), null, Set.of(), null, device),
                "payroll", NOW).allowed();
    }

    @Test
    void aFreshCompliantReportIsRequired() {
        assertTrue(payroll(compliant(), NOW.minusSeconds(30)));
        assertTrue(payroll(compliant(), NOW.minus(Duration.ofMinutes(10))), "exactly max_age old still holds");
        assertFalse(payroll(compliant(), NOW.minus(Duration.ofMinutes(10)).minusSeconds(1)), "stale by a second");
        assertFalse(payroll(compliant(), NOW.minus(Duration.ofDays(1))), "stale");
        assertTrue(payroll(compliant(), NOW.plusSeconds(59)), "clock skew up to a minute");
        assertFalse(payroll(compliant(), NOW.plusSeconds(61)), "dated in the future");
        assertFalse(payroll(compliant(), null), "a report without a time");
        assertFalse(payroll(null, null), "no device at all");
    }

    @Test
    void eachRequirementIsChecked() {
        for (String flag : new String[]{"disk_encrypted", "firewall_on", "screen_lock"}) {
            Map<String, String> off = compliant();
            off.put(flag, "false");
            assertFalse(payroll(off, NOW), flag + " off");
            Map<String, String> missing = compliant();
            missing.remove(flag);
            assertFalse(payroll(missing, NOW), flag + " missing");
        }
        Map<String, String> windows = compliant();
        windows.put("os", "windows");
        assertFalse(payroll(windows, NOW));
        Map<String, String> macos = compliant();
        macos.put("os", "macos");
        assertTrue(payroll(macos, NOW));
        for (String[] v : new String[][]{{"1.4", "true"}, {"1.4.0", "true"}, {"1.10", "true"}, {"2", "true"},
                {"1.3.99", "false"}, {"1", "false"}, {"garbage", "false"}}) {
            Map<String, String> agent = compliant();
            agent.put("agent_version", v[0]);
            assertEquals(Boolean.parseBoolean(v[1]), payroll(agent, NOW), "agent " + v[0]);
        }
    }

    @Test
    void anEmptyPostureStillNeedsAFreshReportWithTheDefaultAge() {
        var device = new PostureCondition.Device("d1", Map.of(), NOW.minus(Duration.ofMinutes(14)));
        assertTrue(P.decide(new CompiledPolicy.Subject("a", Set.of("staff"), Set.of(), null, Set.of(), null, device), "wiki", NOW).allowed());
        var stale = new PostureCondition.Device("d1", Map.of(), NOW.minus(Duration.ofMinutes(16)));
        assertFalse(P.decide(new CompiledPolicy.Subject("a", Set.of("staff"), Set.of(), null, Set.of(), null, stale), "wiki", NOW).allowed());
    }

    @Test
    void postureMistakesAreLocated() {
        String head = "apiVersion: ztna.dev/v1\nrules: [{id: r, effect: allow, who: {groups: [g]}, what: {apps: [x]}, ";
        PolicyCompilerTest.assertError(head + "how: {posture: {max_age: 10m}}}]", "rules[0] (id=r)", "how.posture.max_age");
        PolicyCompilerTest.assertError(head + "how: {posture: {max_age: P2D}}}]", "rules[0] (id=r)", "how.posture.max_age");
        PolicyCompilerTest.assertError(head + "how: {posture: {os: []}}}]", "rules[0] (id=r)", "how.posture.os");
        PolicyCompilerTest.assertError(head + "how: {posture: {os: [\"Win 11\"]}}}]", "rules[0] (id=r)", "how.posture.os");
        PolicyCompilerTest.assertError(head + "how: {posture: {min_agent_version: v1}}}]", "rules[0] (id=r)",
                "how.posture.min_agent_version");
        // a wrongly typed value is located by line and column
        PolicyCompilerTest.assertError(head + "how: {posture: {disk_encrypted: maybe}}}]", "line 2, column 103", "document");
    }
}
