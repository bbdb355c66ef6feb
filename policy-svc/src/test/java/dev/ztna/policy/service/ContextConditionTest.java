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
    void riskScoreTruthTable() {
        InetAddress source = InetAddress.getLoopbackAddress();
        PostureCondition.Device good = new PostureCondition.Device("d", java.util.Map.of("disk_encrypted", "true",
                "firewall_on", "true"), NOW.minusSeconds(60));
        PostureCondition.Device stale = new PostureCondition.Device("d", java.util.Map.of("disk_encrypted", "true",
                "firewall_on", "true"), NOW.minusSeconds(7200));
        PostureCondition.Device open = new PostureCondition.Device("d", java.util.Map.of("disk_encrypted", "false"), NOW);
        record Row(Set<String> amr, Instant authTime, PostureCondition.Device device, InetAddress source, String country,
                   int risk) {
        }
        for (Row row : java.util.List.of(
                new Row(Set.of("pwd", "otp"), NOW.minusSeconds(60), good, source, "DE", 0),
                new Row(Set.of("pwd"), NOW.minusSeconds(60), good, source, "DE", 40),
                new Row(Set.of("pwd", "hwk"), NOW.minus(java.time.Duration.ofHours(13)), good, source, "DE", 20),
                new Row(Set.of("pwd", "otp"), null, good, source, "DE", 20),
                new Row(Set.of("pwd", "otp"), NOW.minusSeconds(60), null, source, "DE", 20),
                new Row(Set.of("pwd", "otp"), NOW.minusSeconds(60), stale, source, "DE", 10),
                new Row(Set.of("pwd", "otp"), NOW.minusSeconds(60), open, source, "DE", 20),
                new Row(Set.of("pwd", "otp"), NOW.minusSeconds(60), good, null, null, 20),
                new Row(Set.of(), null, null, null, null, 100))) {
            CompiledPolicy.Subject subject = new CompiledPolicy.Subject("a", Set.of("staff"), Set.of(), row.source(),
                    row.amr(), row.authTime(), row.device(), row.country());
            org.junit.jupiter.api.Assertions.assertEquals(row.risk(), RiskScore.of(subject, NOW).score(), row.toString());
        }
    }

    @Test
    void badWhereAndHowAreLocated() {
        String head = "apiVersion: ztna.dev/v1\nrules: [{id: r, effect: allow, who: {groups: [g]}, what: {apps: [x]}, ";
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.0/33\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"example.com\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.0/x\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"dead.beef\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: [\"10.0.0.256/8\"]}}]", "rules[0] (id=r)", "where.cidrs");
        PolicyCompilerTest.assertError(head + "where: {cidrs: []}}]", "rules[0] (id=r)", "where");
        PolicyCompilerTest.assertError(head + "where: {countries: [de]}}]", "rules[0] (id=r)", "where.countries");
        PolicyCompilerTest.assertError(head + "where: {countries: [DEU]}}]", "rules[0] (id=r)", "where.countries");
        PolicyCompilerTest.assertError(head + "how: {max_risk: 101}}]", "rules[0] (id=r)", "how.max_risk");
        PolicyCompilerTest.assertError(head + "how: {max_risk: -1}}]", "rules[0] (id=r)", "how.max_risk");
        PolicyCompilerTest.assertError(head + "how: {max_auth_age: 8h}}]", "rules[0] (id=r)", "how.max_auth_age");
        PolicyCompilerTest.assertError(head + "how: {max_auth_age: PT0S}}]", "rules[0] (id=r)", "how.max_auth_age");
        PolicyCompilerTest.assertError(head + "how: {mfa: [\"O T P\"]}}]", "rules[0] (id=r)", "how.mfa");
    }
}
