package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "where" (source CIDRs) and "how" (MFA methods, auth age) dimensions as a truth table, edges included. */
class ContextConditionTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            rules:
              - id: office-network
                effect: allow
                who: { groups: [staff] }
                what: { apps: [erp] }
                where: { cidrs: ["10.0.0.0/8", "192.168.1.128/25", "2001:db8::/32"] }
              - id: admins-with-fresh-otp
                effect: allow
                who: { groups: [admins] }
                what: { apps: [vault] }
                how: { mfa: [otp], max_auth_age: PT8H }
            """, PolicyCompiler.Format.YAML, 1);

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    static boolean erpFrom(String address) throws Exception {
        InetAddress source = address == null ? null : InetAddress.getByName(address);
        return P.decide(new CompiledPolicy.Subject("a", Set.of("staff"), Set.of(), source, Set.of(), null), "erp", NOW).allowed();
    }

    static boolean vault(Set<String> amr, Instant authTime) {
        return P.decide(new CompiledPolicy.Subject("a", Set.of("admins"), Set.of(), null, amr, authTime), "vault", NOW).allowed();
    }

    @Test
    void cidrEdges() throws Exception {
        assertTrue(erpFrom("10.0.0.0"));
        assertTrue(erpFrom("10.255.255.255"));
        assertFalse(erpFrom("11.0.0.0"));
        assertFalse(erpFrom("9.255.255.255"));
        assertTrue(erpFrom("192.168.1.128"));
        assertTrue(erpFrom("192.168.1.255"));
        assertFalse(erpFrom("192.168.1.127"), "just below a /25");
        assertTrue(erpFrom("2001:db8:ffff::1"));
        assertFalse(erpFrom("2001:db9::1"));
        assertFalse(erpFrom(null), "no source address: a where condition never holds");
    }

    @Test
    void mfaMethodsAndAuthAge() {
        assertTrue(vault(Set.of("pwd", "otp"), NOW.minus(Duration.ofHours(7))));
        assertTrue(vault(Set.of("pwd", "otp"), NOW.minus(Duration.ofHours(8))), "exactly the maximum age");
        assertFalse(vault(Set.of("pwd", "otp"), NOW.minus(Duration.ofHours(8)).minusSeconds(1)));
        assertFalse(vault(Set.of("pwd"), NOW), "password only");
        assertFalse(vault(Set.of("pwd", "recovery"), NOW), "a recovery code is not otp");
        assertFalse(vault(Set.of("pwd", "otp"), null), "no auth_time: too old by definition");
    }

    @Test
    void badWhereAndHowAreLocated() {
        String head = "apiVersion: ztna.dev/v1\nrules: [{id: r, effect: allow, who: {groups: [g]}, what: {apps: [x]}, ";
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.0/33\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"example.com\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.0/x\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"dead.beef\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.256/8\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: []}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "how: {max_auth_age: 8h}}]", "rules[0] (id=r)", "how.max_auth_age");
        PolicyCompilerTest.assertError(head + "how: {max_auth_age: PT0S}}]", "rules[0] (id=r)", "how.max_auth_age");
        PolicyCompilerTest.assertError(head + "how: {mfa: [\"O T P\"]}}]", "rules[0] (id=r)", "how.mfa");
    }
}
