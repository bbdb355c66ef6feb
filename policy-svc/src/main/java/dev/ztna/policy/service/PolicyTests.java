package dev.ztna.policy.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs the tests a policy document carries against that document's own rules. */
public final class PolicyTests {

    /** One parsed test case; {@code time} null means "when the tests run", {@code rule} null means "any rule". */
    public record Case(String location, String name, CompiledPolicy.Subject subject, String app, Instant time,
                       boolean expectAllow, String rule) {
    }

    /** A failed case: what was expected and what the rules decided. */
    public record Failure(Case test, CompiledPolicy.Decision actual) {

        public String expected() {
            return effect(test.expectAllow(), test.rule());
        }

        public String got() {
            return effect(actual.allowed(), actual.ruleId()) + " — " + actual.reason();
        }

        private static String effect(boolean allow, String rule) {
            String effect = allow ? "allow" : "deny";
            if (rule == null) {
                return effect;
            }
            return effect + (rule.isEmpty() ? " (default deny)" : " by rule " + rule);
        }
    }

    private PolicyTests() {
    }

    public static List<Failure> run(CompiledPolicy policy, Instant now) {
        List<Failure> failures = new ArrayList<>();
        for (Case test : policy.tests()) {
            CompiledPolicy.Decision decision = policy.decide(test.subject(), test.app(),
                    test.time() == null ? now : test.time());
            boolean effectOk = decision.allowed() == test.expectAllow();
            boolean ruleOk = test.rule() == null || test.rule().equals(decision.ruleId());
            if (!effectOk || !ruleOk) {
                failures.add(new Failure(test, decision));
            }
        }
        return failures;
    }

    /** Failures as located policy errors, the way a rejected document reports them. */
    /** Compiles the document and runs its tests; a failing test rejects it like any other located error. */
    public static CompiledPolicy compileTested(String document, PolicyCompiler.Format format, long version) {
        CompiledPolicy compiled = PolicyCompiler.compile(document, format, version);
        List<Failure> failed = run(compiled, Instant.now());
        if (!failed.isEmpty()) {
            throw new PolicyCompiler.InvalidPolicyException(asErrors(failed));
        }
        return compiled;
    }

    public static List<PolicyCompiler.PolicyError> asErrors(List<Failure> failures) {
        return failures.stream().map(f -> new PolicyCompiler.PolicyError(f.test().location(), "expect",
                "expected " + f.expected() + ", got " + f.got())).toList();
    }
}
