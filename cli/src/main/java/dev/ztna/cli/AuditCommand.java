package dev.ztna.cli;

import picocli.CommandLine.Command;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Work with audit-svc exports.", subcommands = AuditVerifyCommand.class)
final class AuditCommand {
}
