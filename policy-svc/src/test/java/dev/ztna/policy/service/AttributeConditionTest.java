package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** who.attributes: directory attributes (from the token's attrs claim) narrowing who a rule is about. */
class AttributeConditionTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            rules:
              - id: finance-employees
                effect: allow
                who: { groups: [finance], attributes: { employment_type: [employee], country: [DE, AT] } }
                what: { apps: [erp] }
              - id: no-vendors-on-payroll
                effect: deny
                who: { attributes: { employment_type: [vendor] } }
                what: { apps: [erp, payroll] }
              - id: everyone-in-hr
                effect: allow
                who: { attributes: { department: [HR] } }
                what: { apps: [payroll] }
            """, PolicyCompiler.Format.YAML, 1);

    static boolean allowed(Set<String> groups, Map<String, String> attributes, String app) {
        return P.decide(new CompiledPolicy.Subject("u", groups, Set.of(), null, Set.of(), null, null, null, attributes),
                app).allowed();
    }

    @Test
    void truthTable() {
        record Row(Set<String> groups, Map<String, String> attributes, String app, boolean allowed) {
        }
        List<Row> rows = List.of(
                new Row(Set.of("finance"), Map.of("employment_type", "employee", "country", "DE"), "erp", true),
                new Row(Set.of("finance"), Map.of("employment_type", "employee", "country", "AT"), "erp", true),
                // every listed attribute must hold
                new Row(Set.of("finance"), Map.of("employment_type", "employee", "country", "FR"), "erp", false),
                new Row(Set.of("finance"), Map.of("employment_type", "contractor", "country", "DE"), "erp", false),
                // a missing attribute never satisfies
                new Row(Set.of("finance"), Map.of("employment_type", "employee"), "erp", false),
                new Row(Set.of("finance"), Map.of(), "erp", false),
                // attributes narrow the group, they do not replace it
                new Row(Set.of("sales"), Map.of("employment_type", "employee", "country", "DE"), "erp", false),
                // attribute-only rules: anyone with the attribute
                new Row(Set.of(), Map.of("department", "HR"), "payroll", true),
                new Row(Set.of(), Map.of("department", "hr"), "payroll", false),
                // an explicit deny by attribute beats an allow
                new Row(Set.of(), Map.of("department", "HR", "employment_type", "vendor"), "payroll", false),
                new Row(Set.of("finance"), Map.of("employment_type", "vendor", "country", "DE"), "erp", false));
        for (Row row : rows) {
            assertEquals(row.allowed(), allowed(row.groups(), row.attributes(), row.app()), row.toString());
        }
    }

    @Test
    void aDenialSaysWhichAttributeWasWrong() {
        CompiledPolicy.Subject subject = new CompiledPolicy.Subject("u", Set.of("finance"), Set.of(), null, Set.of(),
                null, null, null, Map.of("employment_type", "contractor"));
        List<String> unmet = P.explain(subject, "erp", java.time.Instant.now()).get(0).unmet();
        assertTrue(unmet.get(0).contains("country is not set, needs one of [AT, DE]"), unmet.toString());
        assertTrue(unmet.get(0).contains("employment_type is 'contractor', needs one of [employee]"), unmet.toString());
    }

    @Test
    void badAttributeConditionsAreLocated() {
        PolicyCompiler.InvalidPolicyException e = assertThrows(PolicyCompiler.InvalidPolicyException.class,
                () -> PolicyCompiler.compile("""
                        apiVersion: ztna.dev/v1
                        rules:
                          - id: r1
                            effect: allow
                            who: { attributes: { shoe_size: [42] } }
                            what: { apps: [erp] }
                          - id: r2
                            effect: allow
                            who: { attributes: { country: [] } }
                            what: { apps: [erp] }
                        """, PolicyCompiler.Format.YAML, 1));
        assertEquals(List.of("who.attributes.shoe_size", "who.attributes.country"),
                e.errors().stream().map(PolicyCompiler.PolicyError::field).toList());
        assertFalse(e.errors().get(0).message().isEmpty());
    }
}
