package dev.ztna.cli;

import dev.ztna.common.auth.BearerCredentials;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Where the services are and where the login is kept; shared by every subcommand. */
final class Endpoints {

    @Option(names = "--identity", defaultValue = "${env:ZTNA_IDENTITY:-localhost:8081}",
            description = "identity-svc host:port (env ZTNA_IDENTITY). Default: ${DEFAULT-VALUE}")
    String identity;

    @Option(names = "--broker", defaultValue = "${env:ZTNA_BROKER:-localhost:8083}",
            description = "broker-svc host:port (env ZTNA_BROKER). Default: ${DEFAULT-VALUE}")
    String broker;

    @Option(names = "--policy", defaultValue = "${env:ZTNA_POLICY:-localhost:8082}",
            description = "policy-svc host:port (env ZTNA_POLICY). Default: ${DEFAULT-VALUE}")
    String policy;

    @Option(names = "--config-dir", defaultValue = "${env:ZTNA_CONFIG_DIR:-${sys:user.home}/.config/ztna}",
            description = "Where the login token is kept, readable by you only (env ZTNA_CONFIG_DIR). Default: ${DEFAULT-VALUE}")
    Path configDir;

    /** The --output values every listing command accepts; a clear error for anything else. */
    static void requireOutput(String output) {
        if (!"table".equals(output) && !"json".equals(output)) {
            throw new IllegalArgumentException("--output must be table or json");
        }
    }

    ManagedChannel channel(String target) {
        return ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    }

    void saveToken(String token) throws IOException {
        savePrivate("token", token);
    }

    /** Writes a file of the config directory readable by its owner only. */
    void savePrivate(String name, String content) throws IOException {
        Files.createDirectories(configDir);
        Path file = configDir.resolve(name);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static final String REFRESH_FILE = "refresh-token";

    /**
     * The login's access token; when it is about to expire and a refresh token is kept, both are renewed first
     * (each refresh token works once: identity-svc revokes the login if a spent one is ever presented again).
     */
    CallCredentials credentials() throws IOException {
        Path file = configDir.resolve("token");
        if (!Files.exists(file)) {
            throw new IOException("not logged in: run `ztna login` first");
        }
        String token = Files.readString(file).trim();
        Path refresh = configDir.resolve(REFRESH_FILE);
        if (Files.exists(refresh) && expiresWithin(token, 30)) {
            ManagedChannel channel = channel(identity);
            try {
                var renewed = dev.ztna.proto.identity.v1.AuthServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(15, java.util.concurrent.TimeUnit.SECONDS)
                        .refresh(dev.ztna.proto.identity.v1.RefreshRequest.newBuilder()
                                .setRefreshToken(Files.readString(refresh).trim()).build());
                saveToken(renewed.getAccessToken());
                savePrivate(REFRESH_FILE, renewed.getRefreshToken());
                token = renewed.getAccessToken();
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
                    Files.deleteIfExists(refresh); // spent, expired or revoked: only a new login helps
                }
                // otherwise identity-svc is unreachable: try with the token we have
            } finally {
                channel.shutdownNow();
            }
        }
        return new BearerCredentials(token);
    }

    /** Whether the JWT's exp is less than {@code seconds} away (unreadable counts as expiring). */
    static boolean expiresWithin(String jwt, long seconds) {
        try {
            String[] parts = jwt.split("\\.");
            String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
            long exp = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload).path("exp").asLong(0);
            return exp - java.time.Instant.now().getEpochSecond() < seconds;
        } catch (RuntimeException | IOException e) {
            return true;
        }
    }
}
