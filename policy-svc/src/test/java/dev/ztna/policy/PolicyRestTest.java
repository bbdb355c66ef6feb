package dev.ztna.policy;

import dev.ztna.common.testing.EmbeddedPostgresResource;
import dev.ztna.common.testing.TestTokens;
import dev.ztna.common.testing.TestTokensResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** The REST twin of PolicyAdminService: same roles, same validation, problem+json errors naming the field. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestTokensResource.class, restrictToAnnotatedClass = true)
class PolicyRestTest {

    static final String ALLOW_ECHO = "apiVersion: ztna.dev/v1\nrules:\n"
            + "  - {id: engineers-echo, effect: allow, who: {groups: [engineering]}, what: {apps: [echo]}}\n";

    static RequestSpecification as(String... roles) {
        return RestAssured.given().config(RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig
                        .encoderConfig().encodeContentTypeAs("application/yaml", io.restassured.http.ContentType.TEXT)))
                .header("Authorization", "Bearer " + TestTokens.service("ops", roles));
    }

    @Test
    void policyAdminsWriteAuditorsReadAndOthersAreRefused() {
        RestAssured.given().get("/api/v1/policy").then().statusCode(401)
                .contentType("application/problem+json").body("title", equalTo("unauthenticated"));
        as("auditor").contentType("application/yaml").body(ALLOW_ECHO).put("/api/v1/policy").then().statusCode(403);
        as("broker").get("/api/v1/policy").then().statusCode(403);

        int version = as("policy-admin").contentType("application/yaml").body(ALLOW_ECHO).put("/api/v1/policy")
                .then().statusCode(200).extract().path("version");
        as("auditor").get("/api/v1/policy").then().statusCode(200)
                .body("version", equalTo(version)).body("document", containsString("engineers-echo"))
                .body("author", equalTo("ops"));
        String json = "{\"apiVersion\": \"ztna.dev/v1\", \"rules\": [{\"id\": \"sales-echo\", \"effect\": \"allow\", "
                + "\"who\": {\"groups\": [\"sales\"]}, \"what\": {\"apps\": [\"echo\"]}}]}";
        int next = as("policy-admin").contentType("application/json").body(json).put("/api/v1/policy")
                .then().statusCode(200).extract().path("version");
        as("auditor").get("/api/v1/policy/versions").then().statusCode(200)
                .body("versions[0].version", equalTo(next)).body("versions[0].live", equalTo(true))
                .body("versions[0].format", equalTo("json"));
        as("auditor").get("/api/v1/policy/versions/" + version).then().statusCode(200).body("format", equalTo("yaml"));
        as("auditor").queryParam("from", version).queryParam("to", next).get("/api/v1/policy/diff").then().statusCode(200)
                .body("unified_diff", containsString("sales-echo")).body("lines_added", greaterThan(0));
        int rolledBack = as("policy-admin").post("/api/v1/policy/rollback/" + version).then().statusCode(200)
                .extract().path("version");
        as("auditor").get("/api/v1/policy").then().body("version", equalTo(rolledBack))
                .body("document", containsString("engineers-echo"));
    }

    @Test
    void badDocumentsAndParametersAreProblemsNamingTheFieldAndChangeNothing() {
        as("policy-admin").contentType("application/yaml").body(ALLOW_ECHO).put("/api/v1/policy").then().statusCode(200);
        int live = as("auditor").get("/api/v1/policy").then().extract().path("version");
        as("policy-admin").contentType("application/yaml")
                .body("apiVersion: ztna.dev/v1\nrules: [{id: x, effect: maybe, who: {groups: [g]}, what: {apps: [echo]}},"
                        + " {id: y, effect: allow, who: {}, what: {apps: [echo]}}]")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("rules[0] (id=x).effect"))
                .body("errors.field", hasItem("who"))
                .body("errors.size()", equalTo(2));
        as("auditor").get("/api/v1/policy").then().body("version", equalTo(live));

        as("policy-admin").contentType("application/yaml").body(ALLOW_ECHO).post("/api/v1/policy/validate")
                .then().statusCode(200).body("valid", equalTo(true)).body("rules", equalTo(1));
        as("policy-admin").contentType("application/yaml").body(ALLOW_ECHO
                        + "tests: [{name: bob gets echo, input: {user: bob, groups: [sales], app: echo}, expect: allow}]")
                .post("/api/v1/policy/validate").then().statusCode(400)
                .body("field", startsWith("tests[0]"));
        as("auditor").get("/api/v1/policy").then().body("version", equalTo(live));

        for (List<String> bad : List.of(List.of("/api/v1/policy/versions?limit=0", "limit"),
                List.of("/api/v1/policy/versions?limit=abc", "limit"), List.of("/api/v1/policy/versions?before=-1", "before"),
                List.of("/api/v1/policy/versions/x", "version"), List.of("/api/v1/policy/diff?from=1", "to"))) {
            as("auditor").get(bad.get(0)).then().statusCode(400).contentType("application/problem+json")
                    .body("field", equalTo(bad.get(1)));
        }
        as("auditor").get("/api/v1/policy/versions/999").then().statusCode(404).body("field", equalTo("version"));
        as("policy-admin").post("/api/v1/policy/rollback/999").then().statusCode(404);
        as("policy-admin").delete("/api/v1/policy/shadow").then().statusCode(404);
    }

    @Test
    void shadowOverRest() {
        as("policy-admin").contentType("application/yaml").body(ALLOW_ECHO).put("/api/v1/policy/shadow")
                .then().statusCode(200).body("start_time", startsWith("20"));
        as("auditor").get("/api/v1/policy/shadow").then().statusCode(200).body("active", equalTo(true))
                .body("compared", equalTo(0));
        as("policy-admin").delete("/api/v1/policy/shadow").then().statusCode(204);
        as("auditor").get("/api/v1/policy/shadow").then().statusCode(200).body("active", equalTo(false));
    }
}
