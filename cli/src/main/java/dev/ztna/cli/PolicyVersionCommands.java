package dev.ztna.cli;

import dev.ztna.proto.policy.v1.DiffPolicyRequest;
import dev.ztna.proto.policy.v1.ListPolicyVersionsRequest;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PolicyVersionInfo;
import dev.ztna.proto.policy.v1.RollbackPolicyRequest;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The stored policy versions: list, diff, roll back (policy-svc's PolicyAdminService). */
final class PolicyVersionCommands {

    private PolicyVersionCommands() {
    }

    /** Runs one call against policy-svc with the stored login. */
    abstract static class PolicyCall implements Callable<Integer> {
        @Mixin
        Endpoints endpoints;

        @Override
        public Integer call() throws Exception {
            ManagedChannel channel = endpoints.channel(endpoints.policy);
            try {
                return run(PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS));
            } finally {
                channel.shutdownNow();
            }
        }

        abstract int run(PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub policy);
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "List stored policy versions, newest first.")
    static final class Versions extends PolicyCall {
        @Override
        int run(PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub policy) {
            for (PolicyVersionInfo v : policy.listPolicyVersions(ListPolicyVersionsRequest.getDefaultInstance()).getVersionsList()) {
                System.out.printf("%6d  %-20s  %-24s%s%n", v.getVersion(), Instant.ofEpochSecond(v.getCreateTime().getSeconds()),
                        v.getAuthor(), v.getLive() ? "  (live)" : "");
            }
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, description = "Unified diff between two stored versions.")
    static final class Diff extends PolicyCall {
        @Parameters(index = "0", description = "From version")
        long from;

        @Parameters(index = "1", description = "To version")
        long to;

        @Override
        int run(PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub policy) {
            var diff = policy.diffPolicy(DiffPolicyRequest.newBuilder().setFromVersion(from).setToVersion(to).build());
            System.out.print(diff.getUnifiedDiff().isEmpty() ? "(no difference)\n" : diff.getUnifiedDiff());
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make an earlier version's document live again, as a new version (role policy-admin).")
    static final class Rollback extends PolicyCall {
        @Parameters(index = "0", description = "The version to return to")
        long version;

        @Override
        int run(PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub policy) {
            long live = policy.rollbackPolicy(RollbackPolicyRequest.newBuilder().setVersion(version).build()).getVersion();
            System.out.println("Version " + version + " is live again as version " + live + ".");
            return 0;
        }
    }
}
