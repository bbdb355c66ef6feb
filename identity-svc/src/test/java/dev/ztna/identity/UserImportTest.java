package dev.ztna.identity;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.ImportOutcome;
import dev.ztna.proto.identity.v1.ImportUsersRequest;
import dev.ztna.proto.identity.v1.ImportUsersResponse;
import dev.ztna.proto.identity.v1.ImportedUser;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk onboarding from CSV: creates and updates in one go, idempotent, every bad row named, nothing half-written. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class UserImportTest {

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    DirectoryServiceGrpc.DirectoryServiceBlockingStub directory;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        directory = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(
                RevocationTest.serviceToken("ops", "TEST-ONLY-ops-secret-0123456789abcdef")));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    ImportUsersResponse importing(String csv, boolean dryRun) {
        return directory.importUsers(ImportUsersRequest.newBuilder().setCsv(ByteString.copyFromUtf8(csv)).setDryRun(dryRun).build());
    }

    @Test
    void importCreatesUpdatesAndIsIdempotent() throws Exception {
        String csv = "username,groups,roles\nnora,engineering;oncall,\noscar,sales,\nalice,engineering;oncall,auditor\n";
        ImportUsersResponse dry = importing(csv, true);
        assertEquals(2, dry.getCreated());
        assertEquals(1, dry.getUpdated());
        assertTrue(dry.getUsersList().stream().allMatch(u -> u.getInitialPassword().isEmpty()), "a dry run writes nothing");

        ImportUsersResponse done = importing(csv, false);
        assertEquals(List.of(2, 1, 0), List.of(done.getCreated(), done.getUpdated(), done.getUnchanged()));
        Map<String, ImportedUser> byName = done.getUsersList().stream().collect(Collectors.toMap(ImportedUser::getUsername, u -> u));
        assertEquals(ImportOutcome.IMPORT_OUTCOME_UPDATED, byName.get("alice").getOutcome());
        ImportedUser nora = byName.get("nora");
        assertEquals(ImportOutcome.IMPORT_OUTCOME_CREATED, nora.getOutcome());
        assertEquals(1, nora.getRow());

        // the created user logs in with what the import handed out, and carries the imported groups
        String secret = URI.create(nora.getTotpUri()).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
        var auth = AuthServiceGrpc.newBlockingStub(channel);
        String token = auth.verifyMfa(AuthFlowTest.mfa(auth.login(AuthFlowTest.login("nora", nora.getInitialPassword()))
                .getChallengeId(), Totp.code(secret, Instant.now()))).getAccessToken();
        List<String> groups = new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators().build()
                .processToClaims(token).getStringListClaimValue("groups");
        assertEquals(List.of("engineering", "oncall"), groups.stream().sorted().toList());

        ImportUsersResponse again = importing(csv, false);
        assertEquals(List.of(0, 0, 3), List.of(again.getCreated(), again.getUpdated(), again.getUnchanged()));

        // the directory lists them, a page at a time, each user once
        List<dev.ztna.proto.identity.v1.UserInfo> listed = new java.util.ArrayList<>();
        String page = "";
        do {
            var response = directory.listUsers(dev.ztna.proto.identity.v1.ListUsersRequest.newBuilder().setPageSize(2)
                    .setPageToken(page).build());
            assertTrue(response.getUsersCount() <= 2);
            listed.addAll(response.getUsersList());
            page = response.getNextPageToken();
        } while (!page.isEmpty());
        List<String> names = listed.stream().map(dev.ztna.proto.identity.v1.UserInfo::getUsername).toList();
        assertEquals(names.stream().distinct().sorted().toList(), names, "sorted, each once");
        assertTrue(names.containsAll(List.of("alice", "nora", "oscar")), names.toString());
        assertEquals(List.of("engineering", "oncall"), listed.stream().filter(u -> u.getUsername().equals("nora"))
                .findFirst().orElseThrow().getGroupsList());
        assertEquals("page_size", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class, () -> directory
                .listUsers(dev.ztna.proto.identity.v1.ListUsersRequest.newBuilder().setPageSize(1001).build()))));
        assertEquals("page_token", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class, () -> directory
                .listUsers(dev.ztna.proto.identity.v1.ListUsersRequest.newBuilder().setPageToken("%%%").build()))));
    }

    @Test
    void aBadFileNamesEveryBadRowAndWritesNothing() {
        String csv = "username,groups,roles\npaul,engineering,\nbad name,sales,\npaul,sales,\nquinn,eng ineering,\nrita,sales,Admin!\nsam,sales\n";
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> importing(csv, false));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        List<String> fields = StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(d -> d.is(BadRequest.class)).flatMap(d -> {
                    try {
                        return d.unpack(BadRequest.class).getFieldViolationsList().stream();
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new IllegalStateException(x);
                    }
                }).map(BadRequest.FieldViolation::getField).toList();
        assertEquals(List.of("rows[2].username", "rows[3].username", "rows[4].groups", "rows[5].roles", "rows[6]"), fields);
        // paul, valid on his own, was not created: the file is all or nothing
        assertEquals(1, importing("username,groups,roles\npaul,engineering,\n", true).getCreated());

        assertEquals("csv", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> importing("name,groups\npaul,x\n", false))));
        assertEquals("csv", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> importing("", false))));
        var broker = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(
                RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef")));
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> broker.importUsers(
                ImportUsersRequest.newBuilder().setCsv(ByteString.copyFromUtf8("username,groups,roles\nx,y,\n")).build()))
                .getStatus().getCode());
    }

    @Test
    void attributeColumnsAreImportedCheckedAndIdempotent() throws Exception {
        String csv = "username,groups,roles,employment_type,country,manager\n"
                + "tara,finance,,contractor,DE,uma\n"     // her manager is a later row of the same file
                + "uma,finance,,employee,AT,\n";
        ImportUsersResponse done = importing(csv, false);
        assertEquals(2, done.getCreated());
        Map<String, dev.ztna.proto.identity.v1.UserInfo> listed = directory.listUsers(
                dev.ztna.proto.identity.v1.ListUsersRequest.newBuilder().setPageSize(1000).build()).getUsersList()
                .stream().collect(Collectors.toMap(dev.ztna.proto.identity.v1.UserInfo::getUsername, u -> u));
        assertEquals(Map.of("employment_type", "contractor", "country", "DE", "manager", "uma"),
                listed.get("tara").getAttributesMap());
        assertEquals(List.of(0, 0, 2), List.of(importing(csv, false).getCreated(), importing(csv, false).getUpdated(),
                importing(csv, false).getUnchanged()), "the same file again changes nothing");

        ImportUsersResponse moved = importing("username,groups,roles,country\ntara,finance,,NL\n", false);
        assertEquals(1, moved.getUpdated());

        Map<String, String> bad = Map.of(
                "rows[1].country", "username,groups,roles,country\nvic,sales,,Netherlands\n",
                "rows[1].manager", "username,groups,roles,manager\nvic,sales,,nobody\n",
                "csv", "username,groups,roles,shoe_size\nvic,sales,,42\n");
        bad.forEach((field, file) -> assertEquals(field, GrpcTestChannels.badField(assertThrows(
                StatusRuntimeException.class, () -> importing(file, false))), file));
        assertTrue(directory.listUsers(dev.ztna.proto.identity.v1.ListUsersRequest.newBuilder().setPageSize(1000)
                .build()).getUsersList().stream().noneMatch(u -> u.getUsername().equals("vic")), "nothing written");
    }
}
