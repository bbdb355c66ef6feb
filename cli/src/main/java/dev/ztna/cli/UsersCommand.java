package dev.ztna.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.ImportUsersRequest;
import dev.ztna.proto.identity.v1.ImportUsersResponse;
import dev.ztna.proto.identity.v1.ImportedUser;
import dev.ztna.proto.identity.v1.ListUsersRequest;
import dev.ztna.proto.identity.v1.ListUsersResponse;
import dev.ztna.proto.identity.v1.UpdateUserRequest;
import dev.ztna.proto.identity.v1.UserInfo;
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
        subcommands = {UsersCommand.Import.class, UsersCommand.ListUsers.class, UsersCommand.Update.class})
final class UsersCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List users with their groups, roles and attributes.")
    static final class ListUsers implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
        String output;

        @Override
        public Integer call() throws Exception {
            Endpoints.requireOutput(output);
            ManagedChannel channel = endpoints.channel(endpoints.identity);
            try {
                var directory = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials());
                java.util.List<UserInfo> users = new java.util.ArrayList<>();
                String page = "";
                do {
                    var response = directory.withDeadlineAfter(30, TimeUnit.SECONDS).listUsers(
                            ListUsersRequest.newBuilder().setPageSize(1000).setPageToken(page).build());
                    users.addAll(response.getUsersList());
                    page = response.getNextPageToken();
                } while (!page.isEmpty());
                if ("json".equals(output)) {
                    System.out.println(JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace()
                            .print(ListUsersResponse.newBuilder().addAllUsers(users).build()));
                    return 0;
                }
                System.out.printf("%-24s %-8s %-28s %-20s %s%n", "USER", "ENABLED", "GROUPS", "ROLES", "ATTRIBUTES");
                for (UserInfo u : users) {
                    System.out.printf("%-24s %-8s %-28s %-20s %s%n", u.getUsername(), u.getEnabled() ? "yes" : "no",
                            String.join(",", u.getGroupsList()), String.join(",", u.getRolesList()),
                            new java.util.TreeMap<>(u.getAttributesMap()));
                }
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a user's groups, roles or attributes (department, employment_type, country, "
                    + "manager). New tokens carry the change; --revoke-sessions makes it immediate.")
    static final class Update implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The username")
        String username;

        @Option(names = "--groups", split = ",", arity = "0..*",
                description = "Replace the groups with these (comma-separated; give it empty to remove all)")
        java.util.List<String> groups;

        @Option(names = "--roles", split = ",", arity = "0..*",
                description = "Replace the roles with these (comma-separated; give it empty to remove all)")
        java.util.List<String> roles;

        @Option(names = "--set", description = "Set an attribute, e.g. --set employment_type=contractor (repeatable)")
        java.util.Map<String, String> set = new java.util.LinkedHashMap<>();

        @Option(names = "--clear", description = "Clear an attribute (repeatable)")
        java.util.List<String> clear = new java.util.ArrayList<>();

        @Option(names = "--revoke-sessions", description = "Revoke the tokens the user holds now (their sessions are cut)")
        boolean revoke;

        @Option(names = "--reason", defaultValue = "", description = "Why (audited; shown to the user when sessions are cut)")
        String reason;

        @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
        String output;

        @Override
        public Integer call() throws Exception {
            Endpoints.requireOutput(output);
            UpdateUserRequest.Builder request = UpdateUserRequest.newBuilder().setUsername(username)
                    .putAllAttributes(set).setRevokeSessions(revoke).setReason(reason);
            clear.forEach(name -> request.putAttributes(name, ""));
            if (groups != null) {
                request.setReplaceGroups(true).addAllGroups(groups.stream().filter(g -> !g.isBlank()).toList());
            }
            if (roles != null) {
                request.setReplaceRoles(true).addAllRoles(roles.stream().filter(r -> !r.isBlank()).toList());
            }
            ManagedChannel channel = endpoints.channel(endpoints.identity);
            try {
                UserInfo u = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS).updateUser(request.build()).getUser();
                if ("json".equals(output)) {
                    System.out.println(JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace()
                            .print(u));
                } else {
                    System.out.printf("%s: groups %s, roles %s, attributes %s%s%n", u.getUsername(), u.getGroupsList(),
                            u.getRolesList(), new java.util.TreeMap<>(u.getAttributesMap()),
                            revoke ? "; their tokens are revoked" : "");
                }
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Create and update users from a CSV file (header username,groups,roles, optionally followed by "
                    + "attribute columns; groups and roles separated by ';'). All or nothing; importing the same file "
                    + "again changes nothing.")
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
