package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Explain mode must tell the same story as the decision it explains, in every dimension. */
class ExplainTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            rules:
              - {id: office, effect: allow, who: {groups: [staff]}, what: {apps: [erp]}, where: {cidrs: ["10.0.0.0/8"]},
                 when: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: Europe/Berlin}}
              - {id: admins-otp, effect: allow, who: {groups: [admins]}, what: {apps: [erp, vault]},
                 how: {mfa: [otp], max_auth_age: PT8H, posture: {disk_encrypted: true}}}
              - {id: no-contractors, effect: deny, who: {groups: [contractors]}, what: {apps: ["*"]}}
              - {id: anyone-wiki, effect: allow, who: {users: ["*"]}, what: {apps: [wiki]}}
            """, PolicyCompiler.Format.YAML, 1);

    @Test
    void aDecisionAndItsExplanationAlwaysAgree() throws Exception {
        Random random = new Random(7);
        List<String> groups = List.of("staff", "admins", "contractors", "sales");
        List<String> apps = List.of("erp", "vault", "wiki", "other");
        Instant base = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < 5000; i++) {
            Set<String> held = new HashSet<>();
            for (String g : groups) {
                if (random.nextInt(3) == 0) {
                    held.add(g);
                }
            }
            Instant now = base.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 7)));
            InetAddress source = random.nextBoolean() ? InetAddress.getByName("10.1.2." + random.nextInt(250))
                    : random.nextBoolean() ? InetAddress.getByName("192.0.2.1") : null;
            Set<String> amr = random.nextBoolean() ? Set.of("pwd", "otp") : Set.of("pwd");
            Instant authTime = random.nextBoolean() ? now.minus(Duration.ofHours(random.nextInt(12))) : null;
            PostureCondition.Device device = random.nextBoolean() ? null : new PostureCondition.Device("d",
                    Map.of("disk_encrypted", Boolean.toString(random.nextBoolean())), now.minusSeconds(random.nextInt(1800)));
            CompiledPolicy.Subject subject = new CompiledPolicy.Subject("u" + i, held, Set.of(), source, amr, authTime, device);
            String app = apps.get(random.nextInt(apps.size()));

            CompiledPolicy.Decision decision = P.decide(subject, app, now);
            List<CompiledPolicy.RuleEvaluation> rules = P.explain(subject, app, now);
            boolean denyApplies = rules.stream().anyMatch(r -> !r.allow() && r.applies());
            boolean allowApplies = rules.stream().anyMatch(r -> r.allow() && r.applies());
            assertEquals(!denyApplies && allowApplies, decision.allowed(), () -> subject + " " + app + " " + rules);
            if (!decision.ruleId().isEmpty()) {
                assertTrue(rules.stream().anyMatch(r -> r.ruleId().equals(decision.ruleId()) && r.applies()));
            }
        }
    }

    @Test
    void unmetConditionsAreSpelledOut() throws Exception {
        Instant saturday = Instant.parse("2026-12-05T10:00:00Z");
        CompiledPolicy.Subject staff = new CompiledPolicy.Subject("ann", Set.of("staff"), Set.of(),
                InetAddress.getByName("192.0.2.1"), Set.of("pwd"), null);
        List<CompiledPolicy.RuleEvaluation> rules = P.explain(staff, "erp", saturday);
        CompiledPolicy.RuleEvaluation office = rules.stream().filter(r -> r.ruleId().equals("office")).findFirst().orElseThrow();
        assertEquals(2, office.unmet().size(), office.unmet().toString());
        assertTrue(office.unmet().get(0).startsWith("when: allowed only on [MONDAY"), office.unmet().toString());
        assertTrue(office.unmet().get(1).startsWith("where: source 192.0.2.1 is not in [10.0.0.0/8]"), office.unmet().toString());
        CompiledPolicy.RuleEvaluation admins = rules.stream().filter(r -> r.ruleId().equals("admins-otp")).findFirst().orElseThrow();
        assertTrue(admins.unmet().get(0).startsWith("who: ann is not among"), admins.unmet().toString());
        assertTrue(admins.unmet().stream().anyMatch(u -> u.startsWith("how.mfa: needs one of [otp]")), admins.unmet().toString());
        assertTrue(admins.unmet().stream().anyMatch(u -> u.startsWith("how.posture: no device posture report")), admins.unmet().toString());
    }
}
