package dev.ztna.identity.federation;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A real Keycloak (the keycloak-quarkus-dist unpacked by Maven into target/keycloak) in dev mode on a free port, with
 * the realm of src/test/resources/keycloak/ztna-realm.json, as the upstream IdP of identity-svc. Keycloak 26 needs
 * Java 21+: KEYCLOAK_JAVA_HOME, else Temurin 25 where these machines have it, else the JVM running the tests.
 */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    public static final String REALM = "ztna";
    public static final String CLIENT_SECRET = "test-only-federation-client-secret";
    static volatile String issuer;
    private Process process;

    @Override
    public Map<String, String> start() {
        try {
            Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.5.6")).toAbsolutePath();
            if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
                throw new IllegalStateException("no Keycloak distribution at " + home
                        + " (mvn generate-test-resources unpacks org.keycloak:keycloak-quarkus-dist)");
            }
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (var in = KeycloakResource.class.getResourceAsStream("/keycloak/ztna-realm.json")) {
                Files.copy(in, imports.resolve("ztna-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            // a fresh realm every run: the dev database keeps what earlier runs did (links, sessions)
            deleteRecursively(home.resolve("data/h2"));
            int port = freePort();
            int management = freePort();
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port=" + port, "--http-management-port=" + management, "--import-realm",
                    "--hostname-strict=false", "--log-level=WARN")
                    .redirectErrorStream(true)
                    .redirectOutput(Path.of("target/keycloak.log").toFile());
            pb.environment().put("JAVA_HOME", javaHome());
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "test-only-admin");
            process = pb.start();
            issuer = "http://localhost:" + port + "/realms/" + REALM;
            awaitReady(issuer + "/.well-known/openid-configuration", Duration.ofMinutes(4));
            return Map.of(
                    "ztna.identity.federation.enabled", "true",
                    "ztna.identity.federation.issuer", issuer,
                    "ztna.identity.federation.client-id", "ztna-identity",
                    "ztna.identity.federation.client-secret", CLIENT_SECRET,
                    "ztna.identity.federation.state-secret", "test-only-state-secret-0123456789abcdef",
                    "ztna.identity.federation.cookie-secure", "false",
                    "ztna.identity.federation.group-mapping.\"engineering\"", "engineering",
                    "ztna.identity.federation.group-mapping.\"contractors\"", "contractors");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Keycloak", e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady(String url, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see target/keycloak.log");
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("Keycloak not ready within " + timeout + "; see target/keycloak.log");
    }

    private static String javaHome() {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        return Files.isDirectory(temurin) ? temurin.toString() : System.getProperty("java.home");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
