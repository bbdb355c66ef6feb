package dev.ztna.cli;

import picocli.CommandLine.Command;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policies (policy-svc).",
        subcommands = {PolicyTestCommand.class, PolicySimulateCommand.class, PolicyVersionCommands.Versions.class,
                PolicyVersionCommands.Diff.class, PolicyVersionCommands.Rollback.class, PolicyExplainCommand.class,
                PolicyShadowCommand.class})
final class PolicyCommand {
}
