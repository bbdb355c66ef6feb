package dev.ztna.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.ImportUsersRequest;
import dev.ztna.proto.identity.v1.ImportUsersResponse;
import dev.ztna.proto.identity.v1.ImportedUser;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Operators: users in bulk (role admin). */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage users (role admin).",
        subcommands = UsersCommand.Import.class)
final class UsersCommand {

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Create and update users from a CSV file (header username,groups,roles; groups and roles "
                    + "separated by ';'). All or nothing; importing the same file again changes nothing.")
    static final class Import implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The CSV file")
        Path file;

        @Option(names = "--dry-run", description = "Check the file and show what would change; write nothing")
        boolean dryRun;

        @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
        String output;

        @Override
        public Integer call() throws Exception {
            Endpoints.requireOutput(output);
            ManagedChannel channel = endpoints.channel(endpoints.identity);
            try {
                ImportUsersResponse result = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.MINUTES)
                        .importUsers(ImportUsersRequest.newBuilder().setCsv(ByteString.copyFrom(Files.readAllBytes(file)))
                                .setDryRun(dryRun).build());
                if ("json".equals(output)) {
                    System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(result));
                    return 0;
                }
                System.out.printf("%-5s %-24s %-10s %-22s %s%n", "ROW", "USER", "OUTCOME", "INITIAL PASSWORD", "TOTP URI");
                for (ImportedUser u : result.getUsersList()) {
                    System.out.printf("%-5d %-24s %-10s %-22s %s%n", u.getRow(), u.getUsername(),
                            u.getOutcome().name().replace("IMPORT_OUTCOME_", "").toLowerCase(), u.getInitialPassword(),
                            u.getTotpUri());
                }
                System.err.printf("%s%d created, %d updated, %d unchanged. Initial passwords and TOTP URIs are shown only now:"
                                + " hand them over out of band.%n", dryRun ? "Dry run: " : "", result.getCreated(),
                        result.getUpdated(), result.getUnchanged());
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
