package dev.ztna.cli;

import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.broker.v1.ListSessionsRequest;
import dev.ztna.proto.broker.v1.ListSessionsResponse;
import dev.ztna.proto.broker.v1.RevokeSessionRequest;
import dev.ztna.proto.broker.v1.SessionAdminServiceGrpc;
import dev.ztna.proto.broker.v1.SessionInfo;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Operators: the live sessions of a broker, and cutting one. Needs the role admin. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "List the live sessions on the broker (role admin).", subcommands = SessionsCommand.Revoke.class)
final class SessionsCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--user", defaultValue = "", description = "Only this user's sessions")
    String user;

    @Option(names = "--app", defaultValue = "", description = "Only sessions to this app")
    String app;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        Endpoints.requireOutput(output);
        ManagedChannel channel = endpoints.channel(endpoints.broker);
        try {
            ListSessionsResponse list = SessionAdminServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(endpoints.credentials()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listSessions(ListSessionsRequest.newBuilder().setUsername(user).setApp(app).build());
            if ("json".equals(output)) {
                System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(list));
                return 0;
            }
            System.out.printf("%-36s  %-16s %-16s %-20s %12s %12s %7s  %s%n", "SESSION", "USER", "APP", "SINCE",
                    "BYTES IN", "BYTES OUT", "TUNNELS", "CONNECTORS");
            for (SessionInfo s : list.getSessionsList()) {
                System.out.printf("%-36s  %-16s %-16s %-20s %12d %12d %7d  %s%n", s.getSessionId(), s.getUsername(),
                        s.getApp(), Instant.ofEpochSecond(s.getOpenTime().getSeconds()), s.getBytesFromUser(),
                        s.getBytesToUser(), s.getTunnels(), String.join(",", s.getConnectorsList()));
            }
            if (list.getSessionsCount() == 0) {
                System.err.println("No live sessions.");
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Cut a live session now; the user sees the reason, the audit log gets a receipt.")
    static final class Revoke implements Callable<Integer> {

        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The session id, as listed by `ztna sessions`")
        String sessionId;

        @Option(names = "--reason", defaultValue = "", description = "Why (at most 200 characters)")
        String reason;

        @Override
        public Integer call() throws Exception {
            ManagedChannel channel = endpoints.channel(endpoints.broker);
            try {
                SessionAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .revokeSession(RevokeSessionRequest.newBuilder().setSessionId(sessionId).setReason(reason).build());
                System.out.println("Session " + sessionId + " revoked.");
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
