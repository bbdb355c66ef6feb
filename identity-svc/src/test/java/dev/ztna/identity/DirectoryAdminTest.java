package dev.ztna.identity;

import dev.ztna.common.crypto.Totp;
import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.GrpcTestChannels;
import dev.ztna.proto.identity.v1.AuthServiceGrpc;
import dev.ztna.proto.identity.v1.CreateUserRequest;
import dev.ztna.proto.identity.v1.CreateUserResponse;
import dev.ztna.proto.identity.v1.DirectoryServiceGrpc;
import dev.ztna.proto.identity.v1.IntrospectRequest;
import dev.ztna.proto.identity.v1.UpdateUserRequest;
import dev.ztna.proto.identity.v1.UserInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.ztna.common.testing.GrpcTestChannels.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Directory admin: groups, roles and attributes over gRPC and REST; tokens carry them; bad input named. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
class DirectoryAdminTest {

    static final String OPS_SECRET = "TEST-ONLY-ops-secret-0123456789abcdef";

    @TestHTTPResource
    URL url;
    ManagedChannel channel;
    DirectoryServiceGrpc.DirectoryServiceBlockingStub directory;
    String opsToken;

    @BeforeEach
    void connect() {
        channel = GrpcTestChannels.to(url);
        opsToken = RevocationTest.serviceToken("ops", OPS_SECRET);
        directory = DirectoryServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(opsToken));
    }

    @AfterEach
    void close() {
        channel.shutdownNow();
    }

    @Test
    void attributesGroupsAndRolesReachTheTokenAndCanBeRevokedAtOnce() throws Exception {
        CreateUserResponse created = directory.createUser(CreateUserRequest.newBuilder().setUsername("paula")
                .setPassword("TEST-ONLY-paula-password").addGroups("finance").addRoles("auditor")
                .putAttributes("employment_type", "contractor").putAttributes("country", "DE")
                .putAttributes("manager", "alice").build());
        String secret = URI.create(created.getTotpUri()).getQuery().replaceAll(".*secret=([A-Z2-7]+).*", "$1");
        JwtClaims first = claims(login("paula", "TEST-ONLY-paula-password", secret, Instant.now()));
        assertEquals(Map.of("employment_type", "contractor", "country", "DE", "manager", "alice"),
                first.getClaimValue("attrs"));
        assertEquals(List.of("auditor"), first.getStringListClaimValue("roles"));

        UserInfo updated = directory.updateUser(UpdateUserRequest.newBuilder().setUsername("paula")
                .setReplaceGroups(true).addGroups("engineering").putAttributes("employment_type", "employee")
                .putAttributes("manager", "").putAttributes("department", "Platform & Tools").build()).getUser();
        assertEquals(List.of("engineering"), updated.getGroupsList());
        assertEquals(List.of("auditor"), updated.getRolesList(), "roles untouched without replace_roles");
        assertEquals(Map.of("employment_type", "employee", "country", "DE", "department", "Platform & Tools"),
                updated.getAttributesMap());

        String token = login("paula", "TEST-ONLY-paula-password", secret, Instant.now().plusSeconds(30));
        JwtClaims second = claims(token);
        assertEquals(List.of("engineering"), second.getStringListClaimValue("groups"));
        assertEquals("employee", ((Map<?, ?>) second.getClaimValue("attrs")).get("employment_type"));

        directory.updateUser(UpdateUserRequest.newBuilder().setUsername("paula").setReplaceRoles(true)
                .setRevokeSessions(true).setReason("moved teams").build());
        var auth = AuthServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(opsToken));
        assertFalse(auth.introspect(IntrospectRequest.newBuilder().setToken(token).build()).getActive(),
                "revoke_sessions makes the change immediate: the old token is dead");
    }

    @Test
    void badDirectoryChangesAreRefusedNamingTheField() {
        Map<String, UpdateUserRequest> bad = Map.of(
                "attributes.colour", update().putAttributes("colour", "blue").build(),
                "attributes.country", update().putAttributes("country", "de").build(),
                "attributes.employment_type", update().putAttributes("employment_type", "Boss!").build(),
                "attributes.manager", update().putAttributes("manager", "nobody-here").build(),
                "replace_groups", update().addGroups("finance").build(),
                "roles[0]", update().setReplaceRoles(true).addRoles("Admin").build());
        bad.forEach((field, request) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> directory.updateUser(request));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), field);
            assertEquals(field, GrpcTestChannels.badField(e));
        });
        assertEquals("attributes.manager", GrpcTestChannels.badField(assertThrows(StatusRuntimeException.class,
                () -> directory.updateUser(update().putAttributes("manager", "alice").build()))), "not their own manager");
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> directory.updateUser(
                UpdateUserRequest.newBuilder().setUsername("ghost").build())).getStatus().getCode());
        String broker = RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> directory
                .withCallCredentials(bearer(broker)).updateUser(update().build())).getStatus().getCode());
    }

    @Test
    void restAdminApiSpeaksProblemJson() {
        RestAssured.get("/api/v1/directory/users").then().statusCode(401)
                .contentType("application/problem+json");
        String broker = RevocationTest.serviceToken("broker-svc", "TEST-ONLY-broker-secret-0123456789abcdef");
        RestAssured.given().auth().oauth2(broker).get("/api/v1/directory/users").then().statusCode(403);

        RestAssured.given().auth().oauth2(opsToken).contentType("application/json")
                .body("{\"username\":\"quinn\",\"password\":\"TEST-ONLY-quinn-password\",\"groups\":[\"sales\"],"
                        + "\"attributes\":{\"employment_type\":\"vendor\"}}")
                .post("/api/v1/directory/users").then().statusCode(201);
        RestAssured.given().auth().oauth2(opsToken).contentType("application/json")
                .body("{\"attributes\":{\"country\":\"Germany\"}}")
                .patch("/api/v1/directory/users/quinn").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("attributes.country"));
        RestAssured.given().auth().oauth2(opsToken).contentType("application/json").body("{\"colour\":1}")
                .patch("/api/v1/directory/users/quinn").then().statusCode(400).contentType("application/problem+json");
        RestAssured.given().auth().oauth2(opsToken).contentType("application/json")
                .body("{\"attributes\":{\"country\":\"NL\"}}")
                .patch("/api/v1/directory/users/ghost").then().statusCode(404).contentType("application/problem+json");
        RestAssured.given().auth().oauth2(opsToken).contentType("application/json")
                .body("{\"replace_groups\":true,\"groups\":[\"sales\",\"emea\"],\"attributes\":{\"country\":\"NL\"}}")
                .patch("/api/v1/directory/users/quinn").then().statusCode(200)
                .body("user.attributes.country", equalTo("NL"))
                .body("user.attributes.employment_type", equalTo("vendor"));
        RestAssured.given().auth().oauth2(opsToken).get("/api/v1/directory/users?page_size=abc").then().statusCode(400)
                .body("field", equalTo("page_size"));
        RestAssured.given().auth().oauth2(opsToken).get("/api/v1/directory/users?page_size=1000").then().statusCode(200)
                .body("users.find { it.username == 'quinn' }.groups", equalTo(List.of("emea", "sales")));
    }

    private static UpdateUserRequest.Builder update() {
        return UpdateUserRequest.newBuilder().setUsername("alice");
    }

    private String login(String username, String password, String secret, Instant at) {
        var auth = AuthServiceGrpc.newBlockingStub(channel);
        return auth.verifyMfa(AuthFlowTest.mfa(auth.login(AuthFlowTest.login(username, password)).getChallengeId(),
                Totp.code(secret, at))).getAccessToken();
    }

    private static JwtClaims claims(String token) throws Exception {
        return new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators().build()
                .processToClaims(token);
    }
}
