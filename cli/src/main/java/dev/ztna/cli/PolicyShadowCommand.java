package dev.ztna.cli;

import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.policy.v1.DeleteShadowPolicyRequest;
import dev.ztna.proto.policy.v1.DocumentFormat;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.GetShadowSummaryRequest;
import dev.ztna.proto.policy.v1.GetShadowSummaryResponse;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.PutShadowPolicyRequest;
import dev.ztna.proto.policy.v1.ShadowCount;
import dev.ztna.proto.policy.v1.ShadowExample;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Shadow mode: run a candidate beside the live policy on real traffic, see what it would change, stop it. */
@Command(name = "shadow", mixinStandardHelpOptions = true,
        description = "Evaluate a candidate policy beside the live one on real decisions (recorded, never enforced). "
                + "With FILE: start (role policy-admin); without: show what it would have changed.")
final class PolicyShadowCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Parameters(index = "0", arity = "0..1", description = "The candidate policy document (.yaml/.yml or .json)")
    Path file;

    @Option(names = "--stop", description = "Stop shadow evaluation")
    boolean stop;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() throws Exception {
        Endpoints.requireOutput(output);
        ManagedChannel channel = endpoints.channel(endpoints.policy);
        try {
            var admin = PolicyAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            if (stop) {
                admin.deleteShadowPolicy(DeleteShadowPolicyRequest.getDefaultInstance());
                System.out.println("Shadow policy stopped.");
                return 0;
            }
            if (file != null) {
                var started = admin.putShadowPolicy(PutShadowPolicyRequest.newBuilder().setDocument(Files.readString(file))
                        .setFormat(file.toString().endsWith(".json") ? DocumentFormat.DOCUMENT_FORMAT_JSON
                                : DocumentFormat.DOCUMENT_FORMAT_YAML).build());
                System.out.println("Shadow policy running since " + Instant.ofEpochSecond(started.getStartTime().getSeconds())
                        + ": every decision is also evaluated against it. `ztna policy shadow` shows what it would change.");
                return 0;
            }
            GetShadowSummaryResponse summary = admin.getShadowSummary(GetShadowSummaryRequest.getDefaultInstance());
            if ("json".equals(output)) {
                System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(summary));
                return 0;
            }
            if (!summary.getActive()) {
                System.out.println("No shadow policy is running (`ztna policy shadow FILE` starts one).");
                return 0;
            }
            System.out.printf("shadow by %s since %s: %d decisions compared, %d newly denied, %d newly allowed%n",
                    summary.getAuthor(), Instant.ofEpochSecond(summary.getStartTime().getSeconds()), summary.getCompared(),
                    summary.getNewlyDenied(), summary.getNewlyAllowed());
            table("user", summary.getByUserList());
            table("app", summary.getByAppList());
            table("rule (live -> shadow)", summary.getByRuleList());
            if (summary.getRecentCount() > 0) {
                System.out.println("latest disagreements:");
                for (ShadowExample e : summary.getRecentList()) {
                    System.out.printf("  %s  %-16s %-16s %s by %s -> %s by %s%n", Instant.ofEpochSecond(e.getTime().getSeconds()),
                            e.getUsername(), e.getApp(), effect(e.getLiveEffect()), rule(e.getLiveRuleId()),
                            effect(e.getShadowEffect()), rule(e.getShadowRuleId()));
                }
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    private static void table(String title, List<ShadowCount> counts) {
        if (counts.isEmpty()) {
            return;
        }
        System.out.printf("%-40s %12s %13s%n", "by " + title, "newly denied", "newly allowed");
        counts.forEach(c -> System.out.printf("%-40s %12d %13d%n", c.getKey(), c.getNewlyDenied(), c.getNewlyAllowed()));
    }

    private static String effect(Effect effect) {
        return effect == Effect.EFFECT_ALLOW ? "allow" : "deny";
    }

    private static String rule(String id) {
        return id.isEmpty() ? "(default deny)" : id;
    }
}
