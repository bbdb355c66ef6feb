package dev.ztna.policy.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated policy, indexed by app so a decision only looks at the rules that can apply.
 * Semantics: default deny; a matching deny rule beats any matching allow rule.
 */
public final class CompiledPolicy {

    public static final String ANY = "*";

    /** The directory attributes identity-svc puts in tokens (claim {@code attrs}) that rules may test. */
    public static final Set<String> ATTRIBUTES = Set.of("department", "employment_type", "country", "manager");

    /** {@code countries}: ISO 3166-1 alpha-2 codes (empty: anywhere); {@code maxRisk}: 0..100, or null. */
    public record Rule(String id, boolean allow, Set<String> users, Set<String> groups, Set<String> roles,
                       Set<String> apps, TimeCondition when, List<Cidr> cidrs, Set<String> mfa,
                       java.time.Duration maxAuthAge, PostureCondition posture, Obligations obligations,
                       Set<String> countries, Integer maxRisk, Map<String, Set<String>> attributes,
                       Set<String> actions, HttpCondition http) {

        /** The action (and for a web request its method and path) is one this rule is about. */
        boolean whatHolds(Subject subject) {
            if (!actions.isEmpty() && !actions.contains(subject.action())) {
                return false;
            }
            return http == null || http.holds(subject.web());
        }

        /** The where/how conditions; a missing fact (no address, no auth time, no country) never satisfies one. */
        boolean contextHolds(Subject subject, java.time.Instant now) {
            if (!cidrs.isEmpty() && (subject.source() == null || cidrs.stream().noneMatch(c -> c.contains(subject.source())))) {
                return false;
            }
            if (!countries.isEmpty() && (subject.country() == null || !countries.contains(subject.country()))) {
                return false;
            }
            if (maxRisk != null && RiskScore.of(subject, now).score() > maxRisk) {
                return false;
            }
            if (!mfa.isEmpty() && !intersects(mfa, subject.amr())) {
                return false;
            }
            if (posture != null && !posture.holds(subject.device(), now)) {
                return false;
            }
            return maxAuthAge == null
                    || (subject.authTime() != null && !subject.authTime().plus(maxAuthAge).isBefore(now));
        }

        /**
         * Every condition of this rule the subject does not meet at {@code now}, in words; empty when the rule
         * applies. The same predicates as {@link #matches} and {@link #contextHolds}, spelled out for people.
         */
        List<String> unmet(Subject subject, java.time.Instant now) {
            List<String> unmet = new ArrayList<>();
            if (!matches(subject)) {
                unmet.add(whoUnmet(subject));
            }
            if (!actions.isEmpty() && !actions.contains(subject.action())) {
                unmet.add("what.actions: " + subject.action() + " is not among " + new java.util.TreeSet<>(actions));
            } else if (http != null && !http.holds(subject.web())) {
                unmet.add("what.http: " + http.describe(subject.web()));
            }
            if (!when.holds(now)) {
                unmet.add("when: allowed only " + when.describe());
            }
            if (!cidrs.isEmpty() && (subject.source() == null || cidrs.stream().noneMatch(c -> c.contains(subject.source())))) {
                unmet.add("where: source " + (subject.source() == null ? "unknown" : subject.source().getHostAddress())
                        + " is not in " + cidrs.stream().map(Cidr::text).toList());
            }
            if (!countries.isEmpty() && (subject.country() == null || !countries.contains(subject.country()))) {
                unmet.add("where.countries: the source's country (" + (subject.country() == null ? "unknown"
                        : subject.country()) + ") is not in " + new java.util.TreeSet<>(countries));
            }
            if (maxRisk != null) {
                RiskScore.Assessment risk = RiskScore.of(subject, now);
                if (risk.score() > maxRisk) {
                    unmet.add("how.max_risk: risk " + risk.score() + " is above " + maxRisk + " (" + String.join(", ",
                            risk.factors()) + ")");
                }
            }
            if (!mfa.isEmpty() && !intersects(mfa, subject.amr())) {
                unmet.add("how.mfa: needs one of " + mfa + ", the login used " + subject.amr());
            }
            if (maxAuthAge != null && (subject.authTime() == null || subject.authTime().plus(maxAuthAge).isBefore(now))) {
                unmet.add("how.max_auth_age: the login must be at most " + maxAuthAge + " old (it was at "
                        + subject.authTime() + ")");
            }
            if (posture != null && !posture.holds(subject.device(), now)) {
                unmet.add("how.posture: " + (subject.device() == null ? "no device posture report"
                        : "the device report (" + subject.device().reportedAt() + ") is stale or does not meet "
                        + posture.flags() + (posture.os().isEmpty() ? "" : ", os " + posture.os())
                        + (posture.minAgentVersion() == null ? "" : ", agent ≥ " + posture.minAgentVersion())));
            }
            return unmet;
        }

        boolean matches(Subject subject) {
            boolean named = users.isEmpty() && groups.isEmpty() && roles.isEmpty()
                    || users.contains(subject.username()) || users.contains(ANY)
                    || intersects(groups, subject.groups()) || intersects(roles, subject.roles());
            return named && attributesHold(subject);
        }

        private String whoUnmet(Subject subject) {
            StringBuilder why = new StringBuilder("who: ");
            boolean named = users.isEmpty() && groups.isEmpty() && roles.isEmpty()
                    || users.contains(subject.username()) || users.contains(ANY)
                    || intersects(groups, subject.groups()) || intersects(roles, subject.roles());
            if (!named) {
                why.append(subject.username()).append(" is not among users ").append(users).append(", groups ")
                        .append(groups).append(", roles ").append(roles);
            }
            for (Map.Entry<String, Set<String>> wanted : new java.util.TreeMap<>(attributes).entrySet()) {
                String held = subject.attributes().get(wanted.getKey());
                if (held == null || !wanted.getValue().contains(held)) {
                    why.append(named ? "" : "; ").append(wanted.getKey()).append(" is ")
                            .append(held == null ? "not set" : "'" + held + "'").append(", needs one of ")
                            .append(new java.util.TreeSet<>(wanted.getValue()));
                    named = false;
                }
            }
            return why.toString();
        }

        /** A missing attribute never satisfies a condition on it. */
        private boolean attributesHold(Subject subject) {
            for (Map.Entry<String, Set<String>> wanted : attributes.entrySet()) {
                String held = subject.attributes().get(wanted.getKey());
                if (held == null || !wanted.getValue().contains(held)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean intersects(Set<String> wanted, Set<String> held) {
            for (String value : held) {
                if (wanted.contains(value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code country}: of the source address, from the GeoIP database (null: unknown). */
    public record Subject(String username, Set<String> groups, Set<String> roles, java.net.InetAddress source,
                          Set<String> amr, java.time.Instant authTime, PostureCondition.Device device, String country,
                          Map<String, String> attributes, String action, WebRequest web) {

        public static final String CONNECT = "connect";
        public static final String HTTP = "http";

        public Subject(String username, Set<String> groups, Set<String> roles, java.net.InetAddress source,
                       Set<String> amr, java.time.Instant authTime, PostureCondition.Device device, String country,
                       Map<String, String> attributes) {
            this(username, groups, roles, source, amr, authTime, device, country, attributes, CONNECT, null);
        }

        /** The same subject asking to make one web request. */
        public Subject web(WebRequest request) {
            return new Subject(username, groups, roles, source, amr, authTime, device, country, attributes, HTTP, request);
        }

        public Subject(String username, Set<String> groups, Set<String> roles, java.net.InetAddress source,
                       Set<String> amr, java.time.Instant authTime, PostureCondition.Device device, String country) {
            this(username, groups, roles, source, amr, authTime, device, country, Map.of());
        }

        public Subject(String username, Set<String> groups, Set<String> roles) {
            this(username, groups, roles, null, Set.of(), null, null, null);
        }

        public Subject(String username, Set<String> groups, Set<String> roles, java.net.InetAddress source,
                       Set<String> amr, java.time.Instant authTime, PostureCondition.Device device) {
            this(username, groups, roles, source, amr, authTime, device, null);
        }

        public Subject(String username, Set<String> groups, Set<String> roles, java.net.InetAddress source,
                       Set<String> amr, java.time.Instant authTime) {
            this(username, groups, roles, source, amr, authTime, null);
        }
    }

    public record Decision(boolean allowed, String ruleId, String reason, long version, Obligations obligations) {

        public Decision(boolean allowed, String ruleId, String reason, long version) {
            this(allowed, ruleId, reason, version, Obligations.NONE);
        }
    }

    /** What an allow imposes on the session; a null duration means no limit. */
    public record Obligations(java.time.Duration maxSession, java.time.Duration idleTimeout,
                              java.time.Duration reauthEvery, boolean justificationRequired) {
        public static final Obligations NONE = new Obligations(null, null, null, false);
    }

    private final long version;
    private final int ruleCount;
    private final Map<String, List<Rule>> byApp = new HashMap<>();
    private final List<Rule> anyApp = new ArrayList<>();

    private final List<PolicyTests.Case> tests;

    CompiledPolicy(long version, List<Rule> rules) {
        this(version, rules, List.of());
    }

    CompiledPolicy(long version, List<Rule> rules, List<PolicyTests.Case> tests) {
        this.version = version;
        this.tests = List.copyOf(tests);
        this.ruleCount = rules.size();
        for (Rule rule : rules) {
            for (String app : rule.apps()) {
                if (ANY.equals(app)) {
                    anyApp.add(rule);
                } else {
                    byApp.computeIfAbsent(app, a -> new ArrayList<>()).add(rule);
                }
            }
        }
    }

    public long version() {
        return version;
    }

    /** The test cases the document carries (run by {@link PolicyTests}, never during a decision). */
    public List<PolicyTests.Case> tests() {
        return tests;
    }

    public int ruleCount() {
        return ruleCount;
    }

    /** How one rule that could apply to the app fared for a subject. */
    public record RuleEvaluation(String ruleId, boolean allow, List<String> unmet) {
        public boolean applies() {
            return unmet.isEmpty();
        }
    }

    /** Explain mode: every rule indexed for the app (and "*"), in evaluation order, with its unmet conditions. */
    public List<RuleEvaluation> explain(Subject subject, String app, java.time.Instant now) {
        List<RuleEvaluation> out = new ArrayList<>();
        for (List<Rule> candidates : List.of(byApp.getOrDefault(app, List.of()), anyApp)) {
            for (Rule rule : candidates) {
                out.add(new RuleEvaluation(rule.id(), rule.allow(), rule.unmet(subject, now)));
            }
        }
        return out;
    }

    public Decision decide(Subject subject, String app) {
        return decide(subject, app, java.time.Instant.now());
    }

    public Decision decide(Subject subject, String app, java.time.Instant now) {
        Rule allow = null;
        Rule outsideTime = null;
        for (List<Rule> candidates : List.of(byApp.getOrDefault(app, List.of()), anyApp)) {
            for (Rule rule : candidates) {
                if (!rule.matches(subject) || !rule.whatHolds(subject)) {
                    continue;
                }
                if (!rule.when().holds(now) || !rule.contextHolds(subject, now)) {
                    if (rule.allow() && outsideTime == null) {
                        outsideTime = rule;
                    }
                    continue;
                }
                if (!rule.allow()) {
                    return new Decision(false, rule.id(), "denied by rule " + rule.id(), version);
                }
                if (allow == null) {
                    allow = rule;
                }
            }
        }
        if (allow != null) {
            return new Decision(true, allow.id(), "allowed by rule " + allow.id(), version, allow.obligations());
        }
        if (outsideTime != null) {
            return new Decision(false, "", "default deny: rule " + outsideTime.id() + " allows this only "
                    + outsideTime.when().describe(), version);
        }
        return new Decision(false, "", "default deny: no rule allows this subject to reach this app", version);
    }
}
