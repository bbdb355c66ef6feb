package dev.ztna.common.testing;

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

/**
 * A real Keycloak for federation tests: the keycloak-quarkus-dist that Maven unpacks into a module's target/ (system
 * property {@code keycloak.home}), in dev mode on a free port, importing one realm file. Keycloak 26 needs Java 21+:
 * KEYCLOAK_JAVA_HOME, else Temurin 25 where these machines have it, else the JVM running the tests.
 */
public final class KeycloakServer implements AutoCloseable {

    private final Process process;
    private final String issuer;

    private KeycloakServer(Process process, String issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    /** Starts Keycloak with {@code realmFile} (a fresh database every time) and waits until the realm answers. */
    public static KeycloakServer start(Path realmFile, String realm, Path log) throws IOException {
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.5.6")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at " + home
                    + " (mvn generate-test-resources unpacks org.keycloak:keycloak-quarkus-dist)");
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        Files.copy(realmFile, imports.resolve(realm + "-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        deleteRecursively(home.resolve("data/h2"));
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-management-port=" + freePort(), "--import-realm",
                "--hostname-strict=false", "--log-level=WARN")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", javaHome());
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "test-only-admin");
        KeycloakServer server = new KeycloakServer(pb.start(), "http://localhost:" + port + "/realms/" + realm);
        server.awaitReady(Duration.ofMinutes(4), log);
        return server;
    }

    public String issuer() {
        return issuer;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
        try {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        throw new IllegalStateException("Keycloak not ready within " + timeout + "; see " + log);
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
