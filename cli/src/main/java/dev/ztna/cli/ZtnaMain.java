package dev.ztna.cli;

import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `ztna` command. */
@Command(name = "ztna", mixinStandardHelpOptions = true, version = "ztna 0.1.0",
        description = "Zero-trust access to the applications you are allowed to reach.",
        subcommands = {LoginCommand.class, StatusCommand.class, LogoutCommand.class, AppsCommand.class, ConnectCommand.class,
                MfaCommand.class, EnrollTotpCommand.class, ReauthCommand.class, KeysCommand.class, UsersCommand.class, SessionsCommand.class, ConnectorsCommand.class, PostureCommand.class, AuditCommand.class, PolicyCommand.class, picocli.AutoComplete.GenerateCompletion.class,
                CommandLine.HelpCommand.class})
public final class ZtnaMain {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ZtnaMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("ztna: " + Messages.explain(e));
            return e instanceof StatusRuntimeException s ? Messages.exitCode(s) : 1;
        });
        return cli;
    }
}
