package dev.ztna.cli;

import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.PolicyCompiler;
import dev.ztna.policy.service.PolicyTests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a policy document's own tests offline, with the same compiler and engine policy-svc uses. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Validate a policy document and run the tests it carries, offline. Exit 0 when all pass,"
                + " 1 when a test fails, 2 when the document is invalid.")
final class PolicyTestCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The policy document (.yaml/.yml or .json)")
    Path file;

    @Override
    public Integer call() throws Exception {
        PolicyCompiler.Format format = file.toString().endsWith(".json") ? PolicyCompiler.Format.JSON : PolicyCompiler.Format.YAML;
        CompiledPolicy policy;
        try {
            policy = PolicyCompiler.compile(Files.readString(file), format, 0);
        } catch (PolicyCompiler.InvalidPolicyException e) {
            System.out.println("INVALID: " + file);
            e.errors().forEach(err -> System.out.println("  " + err));
            return 2;
        }
        List<PolicyTests.Failure> failures = PolicyTests.run(policy, Instant.now());
        for (PolicyTests.Case test : policy.tests()) {
            PolicyTests.Failure failure = failures.stream().filter(f -> f.test() == test).findFirst().orElse(null);
            if (failure == null) {
                System.out.println("PASS  " + test.name());
            } else {
                System.out.println("FAIL  " + test.name() + "  (" + test.location() + ")");
                System.out.println("  - expected: " + failure.expected());
                System.out.println("  + got:      " + failure.got());
            }
        }
        System.out.printf("%d tests, %d passed, %d failed (%d rules)%n", policy.tests().size(),
                policy.tests().size() - failures.size(), failures.size(), policy.ruleCount());
        return failures.isEmpty() ? 0 : 1;
    }
}
