package dev.ztna.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ztna.common.crypto.Totp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * `./ztna-dev` — the whole suite on this machine, no Docker, no database setup: `up` (default) runs it until Ctrl-C;
 * `totp USER` prints the demo user's current TOTP code (what an authenticator app would show).
 */
public final class DevStack {

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Suite.home();
        Path work = home.resolve(".ztna-dev");
        String command = args.length == 0 ? "up" : args[0];
        switch (command) {
            case "up" -> up(home, work);
            case "totp" -> {
                if (args.length != 2) {
                    usage();
                }
                totp(work, args[1]);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ztna-dev [up | totp USER]");
        System.exit(2);
    }

    private static void totp(Path work, String user) throws Exception {
        Path file = work.resolve("demo-users.json");
        if (!Files.exists(file)) {
            System.err.println("ztna-dev: no running dev stack found (" + file + " is missing); start it with ./ztna-dev");
            System.exit(1);
        }
        JsonNode secret = new ObjectMapper().readTree(file.toFile()).path(user).path("totp_secret");
        if (secret.isMissingNode()) {
            System.err.println("ztna-dev: unknown demo user '" + user + "' (try alice, bob or admin)");
            System.exit(1);
        }
        System.out.println(Totp.code(secret.asText(), Instant.now()));
    }

    private static void up(Path home, Path work) throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        String apps = System.getenv("ZTNA_DEV_APPS");
        if (apps != null && !apps.isBlank()) {
            for (String spec : apps.split(",")) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    System.err.println("ztna-dev: ZTNA_DEV_APPS entries must look like name=host:port, got '" + spec + "'");
                    System.exit(2);
                }
                extra.put(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
            }
        }
        Suite suite = new Suite(home, work, Suite.Ports.fixed(), extra);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the suite...");
            suite.close();
            try {
                Files.deleteIfExists(work.resolve("demo-users.json"));
            } catch (java.io.IOException ignored) {
                // best effort
            }
            stopped.countDown();
        }));
        System.out.println("Starting PostgreSQL, identity-svc, policy-svc, audit-svc, broker-svc, a connector and the demo echo app...");
        try {
            suite.start();
        } catch (Exception e) {
            System.err.println("ztna-dev: the suite did not start: " + e.getMessage());
            System.err.println("Logs: " + work.resolve("logs"));
            System.exit(1);
        }
        Map<String, Object> demo = new LinkedHashMap<>();
        suite.users().forEach((name, u) -> demo.put(name, Map.of("password", u.password(), "totp_secret", u.totpSecret())));
        suite.writePrivate("demo-users.json", new ObjectMapper().writeValueAsString(demo));
        Files.writeString(work.resolve("audit-tree-head-key.b64"), suite.auditPublicKey());
        Suite.Ports p = suite.ports();
        String ztna = "java -jar cli/target/ztna.jar";
        System.out.printf("""

                ZTNA suite is up (logs in %s)
                  identity-svc  http://localhost:%d   (gRPC + /.well-known/jwks.json)
                  policy-svc    http://localhost:%d
                  broker-svc    http://localhost:%d
                  audit-svc     http://localhost:%d   (web page /ui/; tree-head key in .ztna-dev/audit-tree-head-key.b64)
                  demo app 'echo' on 127.0.0.1:%d, reachable only through the connector

                Demo users: alice (group engineering: may reach 'echo'), bob (group sales: may not), admin.
                Passwords: alice-demo-password, bob-demo-password, admin-demo-password.
                TOTP codes: ./ztna-dev totp alice   (or add %s to an authenticator app)

                Try, in another terminal:
                  %s login alice --totp $(./ztna-dev totp alice)     # then type the password
                  %s apps
                  %s connect echo --local-port 9000
                  # and in a third terminal:  echo hello | nc -q1 127.0.0.1 9000
                  %s login bob --totp $(./ztna-dev totp bob); %s connect echo --local-port 9001   # -> app not found

                Web apps: an HTTP app added with ZTNA_DEV_APPS=wiki=127.0.0.1:8000 is served at
                  http://wiki.apps.localhost:%d/   (sign in as alice in the browser; docs/web-apps.md)

                Press Ctrl-C to stop everything.
                """, work.resolve("logs"), p.identity(), p.policy(), p.broker(), p.audit(), p.echo(),
                Totp.uri("ZTNA-demo", "alice", suite.user("alice").totpSecret()), ztna, ztna, ztna, ztna, ztna, p.broker());
        stopped.await();
    }
}
