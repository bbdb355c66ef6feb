package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** what: apps by catalog tag, actions (connect / http), and for web requests methods and path patterns. */
class WebRuleTest {

    static final CompiledPolicy P = PolicyCompiler.compile("""
            apiVersion: ztna.dev/v1
            apps:
              wiki: { tags: [docs, internal] }
              handbook: { tags: [docs] }
              erp: { tags: [finance] }
            rules:
              - id: staff-read-docs
                effect: allow
                who: { groups: [staff] }
                what: { tags: [docs], http: { methods: [GET, HEAD], paths: ["/", "/pages/**"] } }
              - id: editors-edit-wiki
                effect: allow
                who: { groups: [editors] }
                what: { apps: [wiki], http: { methods: [POST, PUT], paths: ["/pages/*/edit"] } }
              - id: wiki-admins
                effect: allow
                who: { groups: [wiki-admins] }
                what: { apps: [wiki], actions: [http] }
              - id: no-admin-pages
                effect: deny
                who: { users: ["*"] }
                what: { apps: [wiki], http: { paths: ["/admin/**"] } }
              - id: finance-tunnels
                effect: allow
                who: { groups: [finance] }
                what: { tags: [finance], actions: [connect] }
            """, PolicyCompiler.Format.YAML, 1);

    static String decide(String group, String app, String method, String path) {
        CompiledPolicy.Subject subject = new CompiledPolicy.Subject("u", Set.of(group), Set.of());
        if (method != null) {
            subject = subject.web(WebRequest.of(method, path));
        }
        CompiledPolicy.Decision d = P.decide(subject, app);
        return d.allowed() ? "allow:" + d.ruleId() : "deny:" + d.ruleId();
    }

    @Test
    void truthTable() {
        String[][] rows = {
                // group, app, method (null: a connect), path, expected
                {"staff", "wiki", "GET", "/pages/a/b", "allow:staff-read-docs"},
                {"staff", "handbook", "GET", "/", "allow:staff-read-docs"},          // by tag
                {"staff", "wiki", "HEAD", "/pages", "allow:staff-read-docs"},        // ** matches no segment too
                {"staff", "wiki", "POST", "/pages/a", "deny:"},                      // method not allowed
                {"staff", "wiki", "GET", "/settings", "deny:"},                      // path not allowed
                {"staff", "wiki", null, null, "deny:"},                              // a web rule grants no tunnel
                {"staff", "erp", "GET", "/", "deny:"},                               // erp is not tagged docs
                {"editors", "wiki", "POST", "/pages/a/edit", "allow:editors-edit-wiki"},
                {"editors", "wiki", "POST", "/pages/a/b/edit", "deny:"},             // * is exactly one segment
                {"editors", "wiki", "POST", "/pages/a/EDIT", "deny:"},               // case-sensitive
                {"wiki-admins", "wiki", "DELETE", "/pages/a", "allow:wiki-admins"},
                {"wiki-admins", "wiki", "GET", "/admin/users", "deny:no-admin-pages"}, // explicit deny wins
                {"wiki-admins", "wiki", "GET", "/admin", "deny:no-admin-pages"},
                {"wiki-admins", "wiki", null, null, "deny:"},                        // actions [http] only
                {"finance", "erp", null, null, "allow:finance-tunnels"},
                {"finance", "erp", "GET", "/", "deny:"},                             // actions [connect] only
        };
        for (String[] row : rows) {
            assertEquals(row[4], decide(row[0], row[1], row[2], row[3]), String.join(" ", java.util.Arrays.stream(row)
                    .map(String::valueOf).toList()));
        }
    }

    @Test
    void denialsExplainTheMethodPathOrAction() {
        CompiledPolicy.Subject staff = new CompiledPolicy.Subject("u", Set.of("staff"), Set.of());
        List<String> unmet = P.explain(staff.web(WebRequest.of("POST", "/settings")), "wiki", java.time.Instant.now())
                .get(0).unmet();
        assertEquals(List.of("what.http: method POST is not in [GET, HEAD]; path /settings matches none of [/, /pages/**]"),
                unmet);
        assertTrue(P.explain(staff, "wiki", java.time.Instant.now()).get(0).unmet().get(0)
                .contains("connect is not among [http]"));
    }

    @Test
    void pathsNotInNormalFormAreRefusedNotNormalised() {
        Map<String, String[]> bad = Map.of(
                "http.path", new String[]{"GET", "/pages/../admin"},
                "http.path ", new String[]{"GET", "/pages//x"},
                "http.path  ", new String[]{"GET", "/pages/%2e%2e/admin"},
                "http.path   ", new String[]{"GET", "pages"},
                "http.path    ", new String[]{"GET", "/a?b=c"},
                "http.method", new String[]{"get", "/"});
        bad.forEach((field, request) -> {
            DecisionInput.BadInput e = assertThrows(DecisionInput.BadInput.class,
                    () -> WebRequest.of(request[0], request[1]));
            assertEquals(field.strip(), e.field(), String.join(" ", request));
        });
    }

    @Test
    void badWhatClausesAreLocated() {
        PolicyCompiler.InvalidPolicyException e = assertThrows(PolicyCompiler.InvalidPolicyException.class,
                () -> PolicyCompiler.compile("""
                        apiVersion: ztna.dev/v1
                        apps:
                          wiki: { tags: [] }
                        rules:
                          - { id: r1, effect: allow, who: { groups: [g] }, what: { tags: [nope] } }
                          - { id: r2, effect: allow, who: { groups: [g] }, what: { apps: [w], actions: [delete] } }
                          - { id: r3, effect: allow, who: { groups: [g] }, what: { apps: [w], http: { methods: [FETCH] } } }
                          - { id: r4, effect: allow, who: { groups: [g] }, what: { apps: [w], http: { paths: [docs] } } }
                          - { id: r5, effect: allow, who: { groups: [g] }, what: { apps: [w], http: { paths: ["/a/../b"] } } }
                          - { id: r6, effect: allow, who: { groups: [g] }, what: { apps: [w], actions: [connect], http: { methods: [GET] } } }
                          - { id: r7, effect: allow, who: { groups: [g] }, what: { apps: [w], http: {} } }
                        """, PolicyCompiler.Format.YAML, 1));
        assertEquals(List.of("tags", "what.tags", "what.actions", "what.http.methods", "what.http.paths",
                "what.http.paths", "what.actions", "what.http"),
                e.errors().stream().map(PolicyCompiler.PolicyError::field).toList(), e.errors().toString());
    }
}
