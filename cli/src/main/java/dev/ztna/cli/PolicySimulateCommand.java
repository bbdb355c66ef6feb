package dev.ztna.cli;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.policy.v1.ChangeCount;
import dev.ztna.proto.policy.v1.DecisionChange;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.SimulateRequest;
import dev.ztna.proto.policy.v1.SimulateResponse;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** What-if: replays recorded decisions against a candidate policy file and prints what would change. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Replay the decisions recorded in a time window against a candidate policy (nothing is stored)"
                + " and show every decision that would change. Needs the role policy-admin or auditor.")
final class PolicySimulateCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Parameters(index = "0", description = "The candidate policy document (.yaml/.yml or .json)")
    Path file;

    @Option(names = "--from", description = "Start of the window, ISO-8601 (default: 7 days before --to)")
    String from;

    @Option(names = "--to", description = "End of the window, ISO-8601 (default: now)")
    String to;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        Endpoints.requireOutput(output);
        SimulateRequest.Builder request = SimulateRequest.newBuilder()
                .setDocument(Files.readString(file))
                .setFormat(file.toString().endsWith(".json") ? DocumentFormat.DOCUMENT_FORMAT_JSON : DocumentFormat.DOCUMENT_FORMAT_YAML);
        if (from != null) {
            request.setFrom(timestamp("--from", from));
        }
        if (to != null) {
            request.setTo(timestamp("--to", to));
        }
        ManagedChannel channel = endpoints.channel(endpoints.policy);
        try {
            SimulateResponse result = PolicyAdminServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(endpoints.credentials()).withDeadlineAfter(5, TimeUnit.MINUTES)
                    .simulate(request.build());
            if ("json".equals(output)) {
                System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(result));
            } else {
                print(result);
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    /** An ISO-8601 option value; a clear error naming the option otherwise. */
    static Timestamp timestamp(String option, String value) {
        try {
            Instant at = Instant.parse(value);
            return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 instant, e.g. 2026-12-01T00:00:00Z");
        }
    }

    private static void print(SimulateResponse r) {
        System.out.printf("replayed %d recorded decisions: %d unchanged, %d newly denied, %d newly allowed%s%n",
                r.getReplayed(), r.getUnchanged(), r.getNewlyDenied(), r.getNewlyAllowed(),
                r.getSkipped() > 0 ? " (" + r.getSkipped() + " without an input snapshot skipped)" : "");
        if (r.getNewlyDenied() + r.getNewlyAllowed() == 0) {
            return;
        }
        table("by user", r.getByUserList());
        table("by app", r.getByAppList());
        table("by rule", r.getByRuleList());
        System.out.println("\nchanges" + (r.getTruncated() ? " (first " + r.getChangesCount() + ")" : "") + ":");
        for (DecisionChange c : r.getChangesList()) {
            System.out.printf("  %s  %-20s %-16s %s → %s%n", Instant.ofEpochSecond(c.getTime().getSeconds()),
                    c.getUsername(), c.getApp(), effect(c.getRecordedEffect(), c.getRecordedRuleId()) + " (v"
                            + c.getRecordedPolicyVersion() + ")", effect(c.getCandidateEffect(), c.getCandidateRuleId()));
        }
    }

    private static void table(String title, List<ChangeCount> counts) {
        System.out.printf("%n%s:%n  %-32s %12s %13s%n", title, "", "newly denied", "newly allowed");
        for (ChangeCount c : counts) {
            System.out.printf("  %-32s %12d %13d%n", c.getKey(), c.getNewlyDenied(), c.getNewlyAllowed());
        }
    }

    private static String effect(Effect effect, String rule) {
        return (effect == Effect.EFFECT_ALLOW ? "allow" : "deny") + (rule.isEmpty() ? " (default)" : " by " + rule);
    }
}
