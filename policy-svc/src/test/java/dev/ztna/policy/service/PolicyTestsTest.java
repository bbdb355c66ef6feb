package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTestsTest {

    static final String RULES = """
            apiVersion: ztna.dev/v1
            rules:
              - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]},
                 when: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: Europe/Berlin}}
              - {id: no-contractors, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}
            tests:
            """;

    static List<PolicyTests.Failure> run(String tests) {
        return PolicyTests.run(PolicyCompiler.compile(RULES + tests, PolicyCompiler.Format.YAML, 1),
                Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void passingTestsPass() {
        assertEquals(List.of(), run("""
                  - name: engineers on a weekday morning
                    input: {user: ann, groups: [engineering], app: echo, time: "2026-12-02T09:00:00+01:00"}
                    expect: allow
                    rule: engineers-echo
                  - name: contractors never
                    input: {user: cat, groups: [engineering, contractors], app: echo}
                    expect: deny
                    rule: no-contractors
                  - name: nobody else
                    input: {user: eve, groups: [sales], app: echo}
                    expect: deny
                    rule: ""
                """));
    }

    @Test
    void aFailureSaysWhatWasExpectedAndWhatCameOut() {
        List<PolicyTests.Failure> failures = run("""
                  - name: engineers on saturday
                    input: {user: ann, groups: [engineering], app: echo, time: "2026-12-05T09:00:00Z"}
                    expect: allow
                  - name: wrong rule named
                    input: {user: cat, groups: [contractors], app: echo}
                    expect: deny
                    rule: engineers-echo
                """);
        assertEquals(2, failures.size());
        assertEquals("tests[0] (name=engineers on saturday)", failures.get(0).test().location());
        assertEquals("allow", failures.get(0).expected());
        assertTrue(failures.get(0).got().startsWith("deny (default deny) — default deny: rule engineers-echo allows"),
                failures.get(0).got());
        assertEquals("deny by rule engineers-echo", failures.get(1).expected());
        assertEquals("deny by rule no-contractors — denied by rule no-contractors", failures.get(1).got());
        assertEquals("expect", PolicyTests.asErrors(failures).get(0).field());
    }

    @Test
    void badTestsAreLocatedLikeBadRules() {
        String head = RULES;
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {user: a, app: echo}, expect: maybe}\n",
                "tests[0] (name=t)", "expect");
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {user: a, app: echo}, expect: allow, rule: nope}\n",
                "tests[0] (name=t)", "rule");
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {app: echo}, expect: allow}\n",
                "tests[0] (name=t)", "input.user");
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {user: a, app: echo, time: noon}, expect: allow}\n",
                "tests[0] (name=t)", "input.time");
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {user: a, app: echo, source_address: host}, expect: allow}\n",
                "tests[0] (name=t)", "input.source_address");
        PolicyCompilerTest.assertError(head + "  - {name: t, input: {user: a, app: echo}, expect: allow}\n"
                + "  - {name: t, input: {user: b, app: echo}, expect: deny}\n", "tests[1] (name=t)", "name");
    }
}
