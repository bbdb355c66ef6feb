package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObligationsTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            rules:
              - id: dba-prod
                effect: allow
                who: { groups: [dba] }
                what: { apps: [prod-db] }
                obligations: { max_session: PT1H, idle_timeout: PT10M, reauth_every: PT30M, justification: required }
              - id: staff-wiki
                effect: allow
                who: { groups: [staff] }
                what: { apps: [wiki] }
            """, PolicyCompiler.Format.YAML, 1);

    @Test
    void anAllowCarriesTheObligationsOfItsRule() {
        CompiledPolicy.Decision dba = P.decide(new CompiledPolicy.Subject("d", Set.of("dba"), Set.of()), "prod-db");
        assertTrue(dba.allowed());
        assertEquals(Duration.ofHours(1), dba.obligations().maxSession());
        assertEquals(Duration.ofMinutes(10), dba.obligations().idleTimeout());
        assertEquals(Duration.ofMinutes(30), dba.obligations().reauthEvery());
        assertTrue(dba.obligations().justificationRequired());

        CompiledPolicy.Decision wiki = P.decide(new CompiledPolicy.Subject("s", Set.of("staff"), Set.of()), "wiki");
        assertNull(wiki.obligations().maxSession());
        assertFalse(wiki.obligations().justificationRequired());
        CompiledPolicy.Decision denied = P.decide(new CompiledPolicy.Subject("s", Set.of("staff"), Set.of()), "prod-db");
        assertEquals(CompiledPolicy.Obligations.NONE, denied.obligations());
    }

    @Test
    void obligationMistakesAreLocated() {
        String head = "apiVersion: ztna.dev/v1\nrules: [{id: r, effect: allow, who: {groups: [g]}, what: {apps: [x]}, ";
        PolicyCompilerTest.assertError(head + "obligations: {max_session: 1h}}]", "rules[0] (id=r)", "obligations.max_session");
        PolicyCompilerTest.assertError(head + "obligations: {idle_timeout: PT0S}}]", "rules[0] (id=r)", "obligations.idle_timeout");
        PolicyCompilerTest.assertError(head + "obligations: {reauth_every: P30D}}]", "rules[0] (id=r)", "obligations.reauth_every");
        PolicyCompilerTest.assertError(head + "obligations: {justification: optional}}]", "rules[0] (id=r)",
                "obligations.justification");
        PolicyCompilerTest.assertError("apiVersion: ztna.dev/v1\nrules: [{id: r, effect: deny, who: {groups: [g]}, "
                + "what: {apps: [x]}, obligations: {max_session: PT1H}}]", "rules[0] (id=r)", "obligations");
    }
}
