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

    CallCredentials credentials() throws IOException {
        Path file = configDir.resolve("token");
        if (!Files.exists(file)) {
            throw new IOException("not logged in: run `ztna login` first");
        }
        return new BearerCredentials(Files.readString(file).trim());
    }
}
