package dev.ztna.cli;

import dev.ztna.proto.identity.v1.ListSigningKeysRequest;
import dev.ztna.proto.identity.v1.RetireSigningKeyRequest;
import dev.ztna.proto.identity.v1.RotateSigningKeyRequest;
import dev.ztna.proto.identity.v1.SigningKeyInfo;
import dev.ztna.proto.identity.v1.SigningKeyServiceGrpc;
import io.grpc.ManagedChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Operators: the keys that sign access tokens — list, rotate, retire (role admin). */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "List the token signing keys (role admin).",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Retire.class})
final class KeysCommand implements Callable<Integer> {

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = endpoints.channel(endpoints.identity);
        try {
            var keys = SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).listSigningKeys(ListSigningKeysRequest.getDefaultInstance());
            System.out.printf("%-44s %-22s %-22s %s%n", "KID", "ACTIVATES", "RETIRED", "STATE");
            for (SigningKeyInfo k : keys.getKeysList()) {
                System.out.printf("%-44s %-22s %-22s %s%n", k.getKid(), Instant.ofEpochSecond(k.getActivateTime().getSeconds()),
                        k.hasRetireTime() ? Instant.ofEpochSecond(k.getRetireTime().getSeconds()) : "-",
                        k.getSigning() ? "signing" : k.hasRetireTime() ? "retired" : "published");
            }
            return 0;
        } finally {
            channel.shutdownNow();
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Publish a new signing key now; it signs after ztna.identity.key-publish-lead (default 2 min).")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        Endpoints endpoints;

        @Override
        public Integer call() throws Exception {
            ManagedChannel channel = endpoints.channel(endpoints.identity);
            try {
                SigningKeyInfo key = SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS).rotateSigningKey(RotateSigningKeyRequest.getDefaultInstance())
                        .getKey();
                System.out.println("Key " + key.getKid() + " published; it signs from "
                        + Instant.ofEpochSecond(key.getActivateTime().getSeconds()) + ". Retire the old key (`ztna keys "
                        + "retire KID`) once the new one has signed for ztna.identity.key-retire-after (default 16 min).");
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "Remove a superseded key from the JWKS (refused while tokens it signed may still be valid).")
    static final class Retire implements Callable<Integer> {
        @Mixin
        Endpoints endpoints;

        @Parameters(index = "0", description = "The key id, as `ztna keys` lists it")
        String kid;

        @Override
        public Integer call() throws Exception {
            ManagedChannel channel = endpoints.channel(endpoints.identity);
            try {
                SigningKeyServiceGrpc.newBlockingStub(channel).withCallCredentials(endpoints.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .retireSigningKey(RetireSigningKeyRequest.newBuilder().setKid(kid).build());
                System.out.println("Key " + kid + " retired: it is no longer in the JWKS.");
                return 0;
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
