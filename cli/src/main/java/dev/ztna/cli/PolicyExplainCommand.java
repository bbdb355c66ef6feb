package dev.ztna.cli;

import com.google.protobuf.util.JsonFormat;
import dev.ztna.proto.policy.v1.DecideRequest;
import dev.ztna.proto.policy.v1.DecisionContext;
import dev.ztna.proto.policy.v1.Effect;
import dev.ztna.proto.policy.v1.ExplainRequest;
import dev.ztna.proto.policy.v1.ExplainResponse;
import dev.ztna.proto.policy.v1.PolicyAdminServiceGrpc;
import dev.ztna.proto.policy.v1.RuleEvaluation;
import dev.ztna.proto.policy.v1.Subject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Explain mode: how the live policy would decide a request, rule by rule (nothing is decided or recorded). */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Show how the live policy would decide a request, rule by rule (role policy-admin or auditor).")
final class PolicyExplainCommand extends PolicyVersionCommands.PolicyCall {

    @Option(names = "--user", required = true, description = "The user name")
    String user;

    @Option(names = "--group", description = "A group the user is in (repeatable)")
    List<String> groups = new ArrayList<>();

    @Option(names = "--role", description = "A role the user holds (repeatable)")
    List<String> roles = new ArrayList<>();

    @Option(names = "--app", required = true, description = "The app")
    String app;

    @Option(names = "--source", description = "The client address (IPv4 or IPv6)")
    String source;

    @Option(names = "--amr", description = "An authentication method of the login, e.g. otp (repeatable)")
    List<String> amr = new ArrayList<>();

    @Option(names = "--auth-time", description = "When the user logged in (ISO-8601)")
    String authTime;

    @Option(names = "--time", description = "Evaluate at this instant (ISO-8601; default now)")
    String time;

    @Option(names = "--output", defaultValue = "table", description = "table or json. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    int run(PolicyAdminServiceGrpc.PolicyAdminServiceBlockingStub policy) {
        Endpoints.requireOutput(output);
        DecisionContext.Builder context = DecisionContext.newBuilder().addAllAmr(amr);
        if (source != null) {
            context.setSourceAddress(source);
        }
        if (authTime != null) {
            context.setAuthTime(PolicySimulateCommand.timestamp("--auth-time", authTime));
        }
        ExplainRequest.Builder request = ExplainRequest.newBuilder().setRequest(DecideRequest.newBuilder().setApp(app)
                .setSubject(Subject.newBuilder().setUsername(user).addAllGroups(groups).addAllRoles(roles))
                .setContext(context));
        if (time != null) {
            request.setTime(PolicySimulateCommand.timestamp("--time", time));
        }
        ExplainResponse r = policy.explain(request.build());
        if ("json".equals(output)) {
            try {
                System.out.println(JsonFormat.printer().preservingProtoFieldNames().print(r));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
        System.out.println((r.getEffect() == Effect.EFFECT_ALLOW ? "ALLOW" : "DENY") + " — " + r.getReason()
                + " (policy version " + r.getPolicyVersion() + ")");
        for (RuleEvaluation rule : r.getRulesList()) {
            System.out.printf("  %-5s %-32s %s%n", rule.getEffect() == Effect.EFFECT_ALLOW ? "allow" : "deny",
                    rule.getRuleId(), rule.getApplies() ? "applies" : "does not apply");
            rule.getUnmetList().forEach(u -> System.out.println("          - " + u));
        }
        return 0;
    }
}
