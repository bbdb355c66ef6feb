package dev.ztna.cli;

import dev.ztna.proto.identity.v1.ConfirmTotpRequest;
import dev.ztna.proto.identity.v1.EnrollTotpRequest;
import dev.ztna.proto.identity.v1.EnrollTotpResponse;
import dev.ztna.proto.identity.v1.MfaServiceGrpc;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Replaces the TOTP authenticator: prove the current factor, scan the new QR code, confirm with its first code. */
@Command(name = "enroll-totp", mixinStandardHelpOptions = true,
        description = "Enrol a new authenticator app (replacing the current one) with a QR code.")
final class EnrollTotpCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Option(names = "--totp", description = "A code from your CURRENT authenticator (asked for when neither this nor --recovery-code is given)")
    String currentCode;

    @Option(names = "--recovery-code", description = "One of your recovery codes, if the current authenticator is lost")
    String recoveryCode;

    @Option(names = "--qr", defaultValue = "ztna-totp.png", description = "Where to write the QR code PNG. Default: ${DEFAULT-VALUE}")
    Path qr;

    @Option(names = "--confirm-code", description = "The first code of the NEW authenticator (asked for when omitted)")
    String confirmCode;

    @Override
    public Integer call() throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        EnrollTotpRequest.Builder request = EnrollTotpRequest.newBuilder();
        if (recoveryCode != null) {
            request.setRecoveryCode(recoveryCode.trim());
        } else {
            request.setCurrentTotpCode((currentCode != null ? currentCode : ask(stdin, "Code from your current authenticator: ")).trim());
        }
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            var mfa = MfaServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials());
            EnrollTotpResponse pending = mfa.withDeadlineAfter(30, TimeUnit.SECONDS).enrollTotp(request.build());
            Files.write(qr, pending.getQrPng().toByteArray());
            System.out.println("Scan " + qr.toAbsolutePath() + " with your authenticator app, or enter this URI:");
            System.out.println(pending.getOtpauthUri());
            String code = confirmCode != null ? confirmCode : ask(stdin, "First code from the NEW authenticator: ");
            mfa.withDeadlineAfter(30, TimeUnit.SECONDS).confirmTotp(ConfirmTotpRequest.newBuilder().setTotpCode(code.trim()).build());
            Files.deleteIfExists(qr); // it holds the secret
            System.out.println("New authenticator confirmed; the old one no longer works.");
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    private static String ask(BufferedReader stdin, String prompt) throws java.io.IOException {
        if (System.console() != null) {
            return System.console().readLine(prompt);
        }
        String line = stdin.readLine();
        if (line == null) {
            throw new java.io.IOException("no code on standard input");
        }
        return line;
    }
}
