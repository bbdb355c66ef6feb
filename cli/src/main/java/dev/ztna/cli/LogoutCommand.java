package dev.ztna.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.util.concurrent.Callable;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the login token kept on this machine.")
final class LogoutCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws Exception {
        boolean removed = Files.deleteIfExists(endpoints.configDir.resolve("token"));
        System.out.println(removed ? "Logged out." : "Not logged in.");
        return 0;
    }
}
