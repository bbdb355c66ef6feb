package dev.ztna.benchmarks;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import dev.ztna.policy.service.CompiledPolicy;
import dev.ztna.policy.service.PolicyCompiler;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One access decision at 10, 1,000 and 10,000 rules: our compiled, app-indexed policy vs the same policy set in
 * Cedar (cedar-java 4.10.0, the Rust engine over JNI) and in jCasbin 1.99.0 (RBAC model with deny-override), in one
 * JMH run. Rule i allows group g(i mod 100) to reach app-i; every tenth app also has a deny rule for contractors.
 * 1,000 users, each in one group, every 50th also a contractor. Requests mix allowed, denied-by-rule and
 * default-deny cases; setup checks that the engines give the same answers (Cedar, in its own trial, on the first 16:
 * over JNI it costs milliseconds to seconds per call at 10,000 rules).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyDecisionBench {

    static final int GROUPS = 100;
    static final int USERS = 1000;
    static final int REQUESTS = 4096;
    static final int CEDAR_CHECKS = 16;

    @Param({"10", "1000", "10000"})
    int rules;

    CompiledPolicy ours;
    CompiledPolicy.Subject[] subjects;
    BasicAuthorizationEngine cedar;
    PolicySet cedarPolicies;
    EntityUID[] cedarUsers;
    Set<Entity>[] cedarEntities;
    EntityUID[] cedarApps;
    EntityUID connect;
    Enforcer casbin;
    int[] requestUser;
    int[] requestApp;
    Instant now;
    int next;

    static String group(int i) {
        return "g" + (i % GROUPS);
    }

    static boolean contractor(int user) {
        return user % 50 == 0;
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp(BenchmarkParams params) throws Exception {
        boolean checkCedar = params.getBenchmark().endsWith("peerCedar");
        StringBuilder yaml = new StringBuilder("apiVersion: ztna.dev/v1\nrules:\n");
        StringBuilder cedarText = new StringBuilder();
        casbin = new Enforcer(Model.newModelFromString("""
                [request_definition]
                r = sub, obj, act
                [policy_definition]
                p = sub, obj, act, eft
                [role_definition]
                g = _, _
                [policy_effect]
                e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
                [matchers]
                m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
                """));
        for (int i = 0; i < rules; i++) {
            yaml.append("  - {id: allow-").append(i).append(", effect: allow, who: {groups: [").append(group(i))
                    .append("]}, what: {apps: [app-").append(i).append("]}}\n");
            cedarText.append("@id(\"allow-").append(i).append("\") permit(principal in Group::\"").append(group(i))
                    .append("\", action == Action::\"connect\", resource == App::\"app-").append(i).append("\");\n");
            casbin.addPolicy(group(i), "app-" + i, "connect", "allow");
            if (i % 10 == 9) {
                yaml.append("  - {id: deny-").append(i).append(", effect: deny, who: {groups: [contractors]}, what: {apps: [app-")
                        .append(i).append("]}}\n");
                cedarText.append("@id(\"deny-").append(i).append("\") forbid(principal in Group::\"contractors\", ")
                        .append("action == Action::\"connect\", resource == App::\"app-").append(i).append("\");\n");
                casbin.addPolicy("contractors", "app-" + i, "connect", "deny");
            }
        }
        ours = PolicyCompiler.compile(yaml.toString(), PolicyCompiler.Format.YAML, 1);
        cedar = new BasicAuthorizationEngine();
        cedarPolicies = PolicySet.parsePolicies(cedarText.toString());
        connect = new EntityUID(EntityTypeName.parse("Action").orElseThrow(), "connect");
        EntityTypeName userType = EntityTypeName.parse("User").orElseThrow();
        EntityTypeName groupType = EntityTypeName.parse("Group").orElseThrow();
        EntityTypeName appType = EntityTypeName.parse("App").orElseThrow();

        subjects = new CompiledPolicy.Subject[USERS];
        cedarUsers = new EntityUID[USERS];
        cedarEntities = new Set[USERS];
        for (int u = 0; u < USERS; u++) {
            Set<String> groups = new HashSet<>(List.of(group(u)));
            if (contractor(u)) {
                groups.add("contractors");
            }
            subjects[u] = new CompiledPolicy.Subject("u" + u, groups, Set.of());
            cedarUsers[u] = new EntityUID(userType, "u" + u);
            Set<EntityUID> parents = new HashSet<>();
            for (String g : groups) {
                parents.add(new EntityUID(groupType, g));
                casbin.addGroupingPolicy("u" + u, g);
            }
            cedarEntities[u] = Set.of(new Entity(cedarUsers[u], Map.of(), parents));
        }
        cedarApps = new EntityUID[rules];
        for (int i = 0; i < rules; i++) {
            cedarApps[i] = new EntityUID(appType, "app-" + i);
        }

        Random random = new Random(42);
        requestUser = new int[REQUESTS];
        requestApp = new int[REQUESTS];
        now = Instant.parse("2026-12-04T12:00:00Z");
        int allowed = 0;
        for (int r = 0; r < REQUESTS; r++) {
            int user = random.nextInt(USERS);
            // half the requests ask for an app the user's group is allowed (some of those contractor-denied)
            int app = random.nextInt(rules);
            if (r % 2 == 0) {
                app = Math.min(rules - 1, (app / GROUPS) * GROUPS + user % GROUPS);
            }
            requestUser[r] = user;
            requestApp[r] = app;
            boolean mine = ours.decide(subjects[user], "app-" + app, now).allowed();
            boolean theirs = !checkCedar || r >= CEDAR_CHECKS ? mine : cedar.isAuthorized(new AuthorizationRequest(cedarUsers[user],
                    connect, cedarApps[app], Map.of()), cedarPolicies, cedarEntities[user]).success.orElseThrow().isAllowed();
            boolean casbins = casbin.enforce("u" + user, "app-" + app, "connect");
            if (mine != theirs || mine != casbins) {
                throw new IllegalStateException("engines disagree on u" + user + " → app-" + app + ": ours " + mine
                        + ", cedar " + theirs + ", casbin " + casbins);
            }
            allowed += mine ? 1 : 0;
        }
        System.out.printf("%n%d rules: %d of %d requests allowed, ztna and jCasbin agree on all%s%n",
                rules, allowed, REQUESTS, checkCedar ? ", Cedar on the first " + CEDAR_CHECKS : "");
    }

    String[] appNames() {
        String[] names = new String[rules];
        for (int i = 0; i < rules; i++) {
            names[i] = "app-" + i;
        }
        return names;
    }

    String[] apps;

    @Setup(Level.Trial)
    public void names() {
        apps = appNames();
    }

    @Benchmark
    public boolean ztna() {
        int r = next++ & (REQUESTS - 1);
        return ours.decide(subjects[requestUser[r]], apps[requestApp[r]], now).allowed();
    }

    @Benchmark
    public boolean peerCedar() throws Exception {
        int r = next++ & (REQUESTS - 1);
        int user = requestUser[r];
        return cedar.isAuthorized(new AuthorizationRequest(cedarUsers[user], connect, cedarApps[requestApp[r]], Map.of()),
                cedarPolicies, cedarEntities[user]).success.orElseThrow().isAllowed();
    }

    @Benchmark
    public boolean peerJcasbin() {
        int r = next++ & (REQUESTS - 1);
        return casbin.enforce("u" + requestUser[r], apps[requestApp[r]], "connect");
    }
}
