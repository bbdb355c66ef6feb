package dev.ztna.cli;

import dev.ztna.proto.identity.v1.GenerateRecoveryCodesRequest;
import dev.ztna.proto.identity.v1.MfaServiceGrpc;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "recovery-codes", mixinStandardHelpOptions = true,
        description = "Issue ten new single-use recovery codes (replacing the old ones) and print them once.")
final class MfaCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            var codes = MfaServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .generateRecoveryCodes(GenerateRecoveryCodesRequest.getDefaultInstance()).getCodesList();
            codes.forEach(System.out::println);
            System.err.println("Store these somewhere safe: each works once, instead of a TOTP code (ztna login --recovery-code).");
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }
}
