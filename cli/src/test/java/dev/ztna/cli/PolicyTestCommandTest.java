package dev.ztna.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTestCommandTest {

    static final String RULES = """
            apiVersion: ztna.dev/v1
            rules:
              - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}
              - {id: no-contractors, effect: deny, who: {groups: [contractors]}, what: {apps: [echo]}}
            tests:
              - {name: engineers reach echo, input: {user: ann, groups: [engineering], app: echo}, expect: allow}
            """;

    record Run(int exit, String out) {
    }

    static Run run(Path file) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            int exit = ZtnaMain.commandLine().execute("policy", "test", file.toString());
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void passingFailingAndInvalidDocumentsHaveTheirOwnExitCodes(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), RULES);
        Run pass = run(good);
        assertEquals(0, pass.exit(), pass.out());
        assertTrue(pass.out().contains("PASS  engineers reach echo"), pass.out());

        Path failing = Files.writeString(dir.resolve("failing.yaml"), RULES
                + "  - {name: contractors too, input: {user: cat, groups: [engineering, contractors], app: echo}, expect: allow}\n");
        Run fail = run(failing);
        assertEquals(1, fail.exit(), fail.out());
        assertTrue(fail.out().contains("FAIL  contractors too"), fail.out());
        assertTrue(fail.out().contains("- expected: allow"), fail.out());
        assertTrue(fail.out().contains("+ got:      deny by rule no-contractors"), fail.out());

        Path invalid = Files.writeString(dir.resolve("invalid.yaml"), "apiVersion: ztna.dev/v1\nrules: [{id: x, effect: maybe}]\n");
        Run bad = run(invalid);
        assertEquals(2, bad.exit(), bad.out());
        assertTrue(bad.out().contains("rules[0] (id=x): effect: must be allow or deny"), bad.out());
    }
}
