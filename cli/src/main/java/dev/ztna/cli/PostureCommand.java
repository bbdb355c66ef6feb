package dev.ztna.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Reports this device's posture now (signed by the device key) and shows what was reported. */
@Command(name = "posture", mixinStandardHelpOptions = true,
        description = "Report this device's posture to identity-svc now (login binds the device; `ztna connect` reports every minute).")
final class PostureCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--set", split = ",", description = "Override or add an attribute, key=value (repeatable): facts "
            + "this agent cannot read itself, e.g. from MDM. A posture is only as trustworthy as the agent that reports it.")
    List<String> overrides;

    @Override
    public Integer call() throws Exception {
        Path idFile = endpoints.configDir.resolve(DeviceAgent.ID_FILE);
        if (!Files.exists(idFile)) {
            System.err.println("This login is not bound to a device: `ztna login` (without --no-device) first.");
            return 1;
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (String o : overrides == null ? List.<String>of() : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                System.err.println("--set must look like key=value, got '" + o + "'");
                return 2;
            }
            extra.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        Map<String, String> attributes = DeviceAgent.collect(extra);
        boolean changed = DeviceAgent.load(endpoints).report(Files.readString(idFile).trim(), attributes, endpoints.credentials());
        attributes.forEach((k, v) -> System.out.printf("%-16s %s%n", k, v));
        System.out.println(changed ? "Reported (changed)." : "Reported (unchanged).");
        return 0;
    }
}
