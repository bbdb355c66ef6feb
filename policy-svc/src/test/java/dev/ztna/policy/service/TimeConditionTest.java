package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "when" dimension as a truth table: weekday windows in a time zone, across midnight, validity dates. */
class TimeConditionTest {

    static final String POLICY = """
            apiVersion: ztna.dev/v1
            rules:
              - id: office-hours
                effect: allow
                who: { groups: [staff] }
                what: { apps: [erp] }
                when: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timezone: Europe/Berlin }
              - id: friday-night-shift
                effect: allow
                who: { groups: [night] }
                what: { apps: [erp] }
                when: { days: [fri], from: "22:00", to: "06:00", timezone: UTC }
              - id: holiday-cover
                effect: allow
                who: { users: [temp] }
                what: { apps: [erp] }
                when: { valid_from: "2026-12-24T00:00:00+01:00", valid_until: "2026-12-27T00:00:00+01:00" }
            """;

    static final CompiledPolicy P = PolicyCompiler.compile(POLICY, PolicyCompiler.Format.YAML, 1);

    static boolean allowed(String group, String user, String at) {
        Instant now = OffsetDateTime.parse(at).toInstant();
        return P.decide(new CompiledPolicy.Subject(user, Set.of(group), Set.of()), "erp", now).allowed();
    }

    @Test
    void officeHoursInTheirTimeZoneWithInclusiveStartAndExclusiveEnd() {
        // 2026-12-07 is a Monday; Berlin is UTC+1 in December
        assertTrue(allowed("staff", "a", "2026-12-07T08:00:00+01:00"));
        assertTrue(allowed("staff", "a", "2026-12-07T07:30:00Z"), "08:30 in Berlin");
        assertFalse(allowed("staff", "a", "2026-12-07T07:59:59+01:00"));
        assertFalse(allowed("staff", "a", "2026-12-07T18:00:00+01:00"));
        assertFalse(allowed("staff", "a", "2026-12-12T10:00:00+01:00"), "Saturday");
        // in summer Berlin is UTC+2: 06:30Z is 08:30 local
        assertTrue(allowed("staff", "a", "2026-07-06T06:30:00Z"));
    }

    @Test
    void aWindowAcrossMidnightBelongsToTheDayItStarted() {
        assertTrue(allowed("night", "n", "2026-12-11T23:00:00Z"), "Friday 23:00");
        assertTrue(allowed("night", "n", "2026-12-12T05:59:00Z"), "Saturday 05:59, Friday's shift");
        assertFalse(allowed("night", "n", "2026-12-12T06:00:00Z"), "Saturday 06:00");
        assertFalse(allowed("night", "n", "2026-12-10T23:00:00Z"), "Thursday 23:00");
        assertFalse(allowed("night", "n", "2026-12-11T05:00:00Z"), "Friday 05:00 is Thursday's night");
        assertFalse(allowed("night", "n", "2026-12-11T21:59:00Z"));
    }

    @Test
    void validityDatesBoundTemporaryAccess() {
        assertFalse(allowed("x", "temp", "2026-12-23T23:59:59+01:00"));
        assertTrue(allowed("x", "temp", "2026-12-24T00:00:00+01:00"));
        assertTrue(allowed("x", "temp", "2026-12-26T23:59:59+01:00"));
        assertFalse(allowed("x", "temp", "2026-12-27T00:00:00+01:00"));
    }

    @Test
    void aDenyOutsideTheWindowSaysWhichRuleWouldAllowAndWhen() {
        CompiledPolicy.Decision d = P.decide(new CompiledPolicy.Subject("a", Set.of("staff"), Set.of()), "erp",
                OffsetDateTime.parse("2026-12-12T10:00:00+01:00").toInstant());
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("office-hours") && d.reason().contains("08:00"), d.reason());
    }

    @Test
    void badTimeConditionsAreLocated() {
        String head = "apiVersion: ztna.dev/v1\nrules: [{id: r, effect: allow, who: {groups: [g]}, what: {apps: [x]}, when: ";
        PolicyCompilerTest.assertError(head + "{days: [funday]}}]", "rules[0] (id=r)", "when.days");
        PolicyCompilerTest.assertError(head + "{days: []}}]", "rules[0] (id=r)", "when.days");
        PolicyCompilerTest.assertError(head + "{from: \"25:00\", to: \"06:00\"}}]", "rules[0] (id=r)", "when.from");
        PolicyCompilerTest.assertError(head + "{from: \"08:00\"}}]", "rules[0] (id=r)", "when.to");
        PolicyCompilerTest.assertError(head + "{from: \"08:00\", to: \"08:00\"}}]", "rules[0] (id=r)", "when.to");
        PolicyCompilerTest.assertError(head + "{timezone: Mars/Olympus}}]", "rules[0] (id=r)", "when.timezone");
        PolicyCompilerTest.assertError(head + "{valid_from: tomorrow}}]", "rules[0] (id=r)", "when.valid_from");
        PolicyCompilerTest.assertError(head + "{valid_from: \"2026-12-27T00:00:00Z\", valid_until: \"2026-12-24T00:00:00Z\"}}]",
                "rules[0] (id=r)", "when.valid_until");
        assertEquals(1, PolicyCompiler.compile(head + "{days: [MON]}}]", PolicyCompiler.Format.YAML, 1).ruleCount());
    }
}
