package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCompilerTest {

    static final String POLICY = """
            apiVersion: ztna.dev/v1
            rules:
              - id: eng-echo
                effect: allow
                who: { groups: [engineering] }
                what: { apps: [echo] }
              - id: ops-all
                effect: allow
                who: { roles: [operator] }
                what: { apps: ["*"] }
              - id: no-contractors
                effect: deny
                who: { groups: [contractors] }
                what: { apps: ["*"] }
            """;

    static CompiledPolicy.Subject subject(String name, Set<String> groups, Set<String> roles) {
        return new CompiledPolicy.Subject(name, groups, roles);
    }

    @Test
    void truthTable() {
        CompiledPolicy policy = PolicyCompiler.compile(POLICY, PolicyCompiler.Format.YAML, 7);
        // allow by group
        CompiledPolicy.Decision d = policy.decide(subject("a", Set.of("engineering"), Set.of()), "echo");
        assertTrue(d.allowed());
        assertEquals("eng-echo", d.ruleId());
        assertEquals(7, d.version());
        // default deny: right group, other app
        d = policy.decide(subject("a", Set.of("engineering"), Set.of()), "db");
        assertFalse(d.allowed());
        assertEquals("", d.ruleId());
        assertTrue(d.reason().startsWith("default deny"));
        // default deny: nobody matches
        assertFalse(policy.decide(subject("b", Set.of("sales"), Set.of()), "echo").allowed());
        // allow through a wildcard app rule by role
        assertTrue(policy.decide(subject("c", Set.of(), Set.of("operator")), "db").allowed());
        // explicit deny beats allow (both a specific and a wildcard allow match)
        d = policy.decide(subject("d", Set.of("engineering", "contractors"), Set.of("operator")), "echo");
        assertFalse(d.allowed());
        assertEquals("no-contractors", d.ruleId());
    }

    @Test
    void emptyPolicyDeniesEverything() {
        CompiledPolicy empty = new CompiledPolicy(0, java.util.List.of());
        assertFalse(empty.decide(subject("a", Set.of("engineering"), Set.of("admin")), "echo").allowed());
    }

    @Test
    void mistakesAreRejectedWholeAndLocated() {
        assertError("apiVersion: v0\nrules: [{id: a, effect: allow, who: {groups: [g]}, what: {apps: [x]}}]",
                "document", "apiVersion");
        assertError("apiVersion: ztna.dev/v1\nrules: []", "document", "rules");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: permit, who: {groups: [g]}, what: {apps: [x]}}]",
                "rules[0] (id=a)", "effect");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: A!, effect: allow, who: {groups: [g]}, what: {apps: [x]}}]",
                "rules[0] (id=A!)", "id");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: allow, who: {groups: [g]}, what: {apps: [x]}},"
                + " {id: a, effect: deny, who: {groups: [g]}, what: {apps: [x]}}]", "rules[1] (id=a)", "id");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: allow, who: {}, what: {apps: [x]}}]",
                "rules[0] (id=a)", "who");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: allow, who: {groups: [g]}, what: {apps: []}}]",
                "rules[0] (id=a)", "what.apps");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: allow, who: {groups: [g]}, what: {apps: [x]}, wen: 1}]",
                "rules[0]", "wen");
        assertError("apiVersion: ztna.dev/v1\nrules: [{id: a, effect: allow, who: {groups: [\"bad group\"]}, what: {apps: [x]}}]",
                "rules[0] (id=a)", "who.groups");
        assertError("apiVersion: ztna.dev/v1\nrules: [ {id: a", null, "document");
        assertError("   ", "document", "document");
    }

    static void assertError(String yaml, String location, String field) {
        PolicyCompiler.InvalidPolicyException e = assertThrows(PolicyCompiler.InvalidPolicyException.class,
                () -> PolicyCompiler.compile(yaml, PolicyCompiler.Format.YAML, 1));
        PolicyCompiler.PolicyError first = e.errors().get(0);
        if (location != null) {
            assertEquals(location, first.location(), first.toString());
        }
        assertEquals(field, first.field(), first.toString());
    }
}
