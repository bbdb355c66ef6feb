package dev.ztna.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses, validates and compiles a policy document. A document with any error is rejected whole. */
public final class PolicyCompiler {

    public static final String API_VERSION = "ztna.dev/v1";
    static final int MAX_DOCUMENT = 1 << 20;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@*-]{1,128}");

    public enum Format { YAML, JSON }

    /** One located mistake: where (rule), which field, what is wrong. */
    public record PolicyError(String location, String field, String message) {
        @Override
        public String toString() {
            return location + ": " + field + ": " + message;
        }
    }

    public static final class InvalidPolicyException extends RuntimeException {
        private final List<PolicyError> errors;

        public InvalidPolicyException(List<PolicyError> errors) {
            super("invalid policy: " + errors, null, false, false);
            this.errors = List.copyOf(errors);
        }

        public List<PolicyError> errors() {
            return errors;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private PolicyCompiler() {
    }

    public static CompiledPolicy compile(String text, Format format, long version) {
        if (text.isBlank()) {
            throw new InvalidPolicyException(List.of(new PolicyError("document", "document", "must not be empty")));
        }
        if (text.length() > MAX_DOCUMENT) {
            throw new InvalidPolicyException(List.of(new PolicyError("document", "document", "larger than 1 MiB")));
        }
        PolicyDocument doc;
        try {
            doc = (format == Format.YAML ? YAML : JSON).readValue(text, PolicyDocument.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidPolicyException(List.of(new PolicyError(path(e), e.getPropertyName(), "unknown field")));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "document"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidPolicyException(List.of(new PolicyError(where, "document", "not valid " + format.name()
                    + ": " + e.getOriginalMessage())));
        }
        if (doc == null) {
            throw new InvalidPolicyException(List.of(new PolicyError("document", "document", "must not be empty")));
        }
        List<PolicyError> errors = new ArrayList<>();
        if (!API_VERSION.equals(doc.apiVersion())) {
            errors.add(new PolicyError("document", "apiVersion", "must be " + API_VERSION));
        }
        if (doc.rules() == null || doc.rules().isEmpty()) {
            errors.add(new PolicyError("document", "rules", "must list at least one rule"));
        }
        java.util.Map<String, Set<String>> appsByTag = catalog(doc.apps(), errors);
        List<CompiledPolicy.Rule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<PolicyDocument.Rule> source = doc.rules() == null ? List.of() : doc.rules();
        for (int i = 0; i < source.size(); i++) {
            PolicyDocument.Rule rule = source.get(i);
            if (rule == null) {
                errors.add(new PolicyError("rules[" + i + "]", "rule", "must not be empty"));
                continue;
            }
            String where = "rules[" + i + "]" + (rule.id() == null ? "" : " (id=" + rule.id() + ")");
            int before = errors.size();
            if (rule.id() == null || !ID.matcher(rule.id()).matches()) {
                errors.add(new PolicyError(where, "id", "must be 1..64 characters of a-z, 0-9 and -, starting with a letter or digit"));
            } else if (!ids.add(rule.id())) {
                errors.add(new PolicyError(where, "id", "duplicate rule id"));
            }
            boolean allow = "allow".equals(rule.effect());
            if (!allow && !"deny".equals(rule.effect())) {
                errors.add(new PolicyError(where, "effect", "must be allow or deny"));
            }
            PolicyDocument.Who who = rule.who();
            if (who == null || (empty(who.users()) && empty(who.groups()) && empty(who.roles())
                    && (who.attributes() == null || who.attributes().isEmpty()))) {
                errors.add(new PolicyError(where, "who", "must name at least one user, group, role or attribute"));
            } else {
                names(where, "who.users", who.users(), errors);
                names(where, "who.groups", who.groups(), errors);
                names(where, "who.roles", who.roles(), errors);
                attributeConditions(where, who.attributes(), errors);
            }
            Set<String> apps = new HashSet<>();
            Set<String> actions = Set.of();
            HttpCondition http = null;
            if (rule.what() == null || (empty(rule.what().apps()) && empty(rule.what().tags()))) {
                errors.add(new PolicyError(where, "what.apps", "must name at least one app (or *) or catalog tag"));
            } else {
                names(where, "what.apps", rule.what().apps(), errors);
                apps.addAll(set(rule.what().apps()));
                for (String tag : set(rule.what().tags())) {
                    Set<String> tagged = appsByTag.get(tag);
                    if (tagged == null) {
                        errors.add(new PolicyError(where, "what.tags", "no app in the catalog (apps:) has the tag '"
                                + tag + "'"));
                    } else {
                        apps.addAll(tagged);
                    }
                }
                actions = set(rule.what().actions());
                for (String action : actions) {
                    if (!action.equals(CompiledPolicy.Subject.CONNECT) && !action.equals(CompiledPolicy.Subject.HTTP)) {
                        errors.add(new PolicyError(where, "what.actions", "'" + action + "' must be connect or http"));
                    }
                }
                http = http(where, rule.what().http(), actions, errors);
                if (http != null) {
                    actions = Set.of(CompiledPolicy.Subject.HTTP);
                }
            }
            TimeCondition when = when(where, rule.when(), errors);
            List<Cidr> cidrs = new ArrayList<>();
            Set<String> countries = Set.of();
            if (rule.where() != null) {
                countries = set(rule.where().countries());
                for (String c : countries) {
                    if (!c.matches("[A-Z]{2}")) {
                        errors.add(new PolicyError(where, "where.countries", "'" + c
                                + "' must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE"));
                    }
                }
                if (empty(rule.where().cidrs()) && countries.isEmpty()) {
                    errors.add(new PolicyError(where, "where", "must list CIDR blocks or countries, or be left out"));
                } else if (rule.where().cidrs() != null) {
                    for (String c : rule.where().cidrs()) {
                        try {
                            cidrs.add(Cidr.parse(c == null ? "" : c));
                        } catch (IllegalArgumentException e) {
                            errors.add(new PolicyError(where, "where.cidrs", e.getMessage()));
                        }
                    }
                }
            }
            java.time.Duration maxAuthAge = null;
            Set<String> mfa = Set.of();
            PostureCondition posture = null;
            Integer maxRisk = null;
            if (rule.how() != null) {
                maxRisk = rule.how().maxRisk();
                if (maxRisk != null && (maxRisk < 0 || maxRisk > 100)) {
                    errors.add(new PolicyError(where, "how.max_risk", "must be 0..100"));
                }
                posture = posture(where, rule.how().posture(), errors);
                mfa = set(rule.how().mfa());
                for (String m : mfa) {
                    if (!m.matches("[a-z]{2,16}")) {
                        errors.add(new PolicyError(where, "how.mfa", "'" + m + "' is not an amr value (e.g. otp, hwk, recovery)"));
                    }
                }
                if (rule.how().maxAuthAge() != null) {
                    try {
                        maxAuthAge = java.time.Duration.parse(rule.how().maxAuthAge());
                        if (maxAuthAge.isNegative() || maxAuthAge.isZero()) {
                            errors.add(new PolicyError(where, "how.max_auth_age", "must be positive"));
                        }
                    } catch (java.time.format.DateTimeParseException e) {
                        errors.add(new PolicyError(where, "how.max_auth_age", "'" + rule.how().maxAuthAge()
                                + "' must be an ISO-8601 duration, e.g. PT8H"));
                    }
                }
            }
            CompiledPolicy.Obligations obligations = obligations(where, rule.obligations(), allow, errors);
            if (errors.size() == before) {
                rules.add(new CompiledPolicy.Rule(rule.id(), allow, set(who.users()), set(who.groups()),
                        set(who.roles()), Set.copyOf(apps), when, List.copyOf(cidrs), mfa, maxAuthAge, posture,
                        obligations, countries, maxRisk, attributes(who.attributes()), actions, http));
            }
        }
        List<PolicyTests.Case> tests = tests(doc.tests(), ids, errors);
        if (!errors.isEmpty()) {
            throw new InvalidPolicyException(errors);
        }
        return new CompiledPolicy(version, rules, tests);
    }

    private static List<PolicyTests.Case> tests(List<PolicyDocument.TestCase> source, Set<String> ruleIds,
                                                List<PolicyError> errors) {
        List<PolicyTests.Case> tests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; source != null && i < source.size(); i++) {
            PolicyDocument.TestCase test = source.get(i);
            if (test == null) {
                errors.add(new PolicyError("tests[" + i + "]", "test", "must not be empty"));
                continue;
            }
            String where = "tests[" + i + "]" + (test.name() == null ? "" : " (name=" + test.name() + ")");
            int before = errors.size();
            if (test.name() == null || test.name().isBlank() || test.name().length() > 200) {
                errors.add(new PolicyError(where, "name", "must be 1..200 characters"));
            } else if (!names.add(test.name())) {
                errors.add(new PolicyError(where, "name", "duplicate test name"));
            }
            if (!"allow".equals(test.expect()) && !"deny".equals(test.expect())) {
                errors.add(new PolicyError(where, "expect", "must be allow or deny"));
            }
            if (test.rule() != null && !test.rule().isEmpty() && !ruleIds.contains(test.rule())) {
                errors.add(new PolicyError(where, "rule", "no rule has the id '" + test.rule() + "' (\"\" is the default deny)"));
            }
            PolicyDocument.TestInput in = test.input();
            if (in == null) {
                errors.add(new PolicyError(where, "input", "is required"));
                continue;
            }
            if (in.user() == null || !NAME.matcher(in.user()).matches()) {
                errors.add(new PolicyError(where, "input.user", "must be a user name"));
            }
            if (in.app() == null || !NAME.matcher(in.app()).matches()) {
                errors.add(new PolicyError(where, "input.app", "must be an app name"));
            }
            java.net.InetAddress address = null;
            if (in.sourceAddress() != null) {
                address = Cidr.literal(in.sourceAddress());
                if (address == null) {
                    errors.add(new PolicyError(where, "input.source_address", "must be an IPv4 or IPv6 address"));
                }
            }
            Instant authTime = instant(where, "input.auth_time", in.authTime(), errors);
            Instant time = instant(where, "input.time", in.time(), errors);
            PostureCondition.Device device = null;
            if (in.device() != null) {
                device = new PostureCondition.Device("test", in.device().attributes() == null ? java.util.Map.of()
                        : java.util.Map.copyOf(in.device().attributes()),
                        instant(where, "input.device.reported_at", in.device().reportedAt(), errors));
            }
            if (in.country() != null && !in.country().matches("[A-Z]{2}")) {
                errors.add(new PolicyError(where, "input.country", "must be an ISO 3166-1 alpha-2 code in capitals"));
            }
            if (in.attributes() != null) {
                in.attributes().forEach((name, value) -> {
                    if (!CompiledPolicy.ATTRIBUTES.contains(name)) {
                        errors.add(new PolicyError(where, "input.attributes." + name, "unknown attribute; one of "
                                + CompiledPolicy.ATTRIBUTES));
                    }
                });
            }
            WebRequest web = null;
            boolean httpAction = CompiledPolicy.Subject.HTTP.equals(in.action());
            if (in.action() != null && !httpAction && !CompiledPolicy.Subject.CONNECT.equals(in.action())) {
                errors.add(new PolicyError(where, "input.action", "must be connect or http"));
            } else if (httpAction) {
                try {
                    web = WebRequest.of(in.httpMethod() == null ? "" : in.httpMethod(),
                            in.httpPath() == null ? "" : in.httpPath());
                } catch (DecisionInput.BadInput e) {
                    errors.add(new PolicyError(where, "input." + e.field().replace('.', '_'), e.getMessage()));
                }
            } else if (in.httpMethod() != null || in.httpPath() != null) {
                errors.add(new PolicyError(where, "input.action", "must be http when http_method or http_path is given"));
            }
            if (errors.size() == before) {
                CompiledPolicy.Subject subject = new CompiledPolicy.Subject(in.user(), set(in.groups()),
                        set(in.roles()), address, set(in.amr()), authTime, device, in.country(),
                        in.attributes() == null ? java.util.Map.of() : java.util.Map.copyOf(in.attributes()));
                tests.add(new PolicyTests.Case(where, test.name(), web == null ? subject : subject.web(web), in.app(), time,
                        "allow".equals(test.expect()), test.rule()));
            }
        }
        return tests;
    }

    static final java.time.Duration MAX_OBLIGATION = java.time.Duration.ofDays(7);

    private static CompiledPolicy.Obligations obligations(String where, PolicyDocument.Obligations o, boolean allow,
                                                          List<PolicyError> errors) {
        if (o == null) {
            return CompiledPolicy.Obligations.NONE;
        }
        if (!allow) {
            errors.add(new PolicyError(where, "obligations", "only an allow rule can carry obligations"));
        }
        if (o.justification() != null && !o.justification().equals("required")) {
            errors.add(new PolicyError(where, "obligations.justification", "must be 'required', or be left out"));
        }
        return new CompiledPolicy.Obligations(
                duration(where, "obligations.max_session", o.maxSession(), errors),
                duration(where, "obligations.idle_timeout", o.idleTimeout(), errors),
                duration(where, "obligations.reauth_every", o.reauthEvery(), errors),
                "required".equals(o.justification()));
    }

    private static java.time.Duration duration(String where, String field, String value, List<PolicyError> errors) {
        if (value == null) {
            return null;
        }
        try {
            java.time.Duration d = java.time.Duration.parse(value);
            if (d.isNegative() || d.isZero() || d.compareTo(MAX_OBLIGATION) > 0) {
                errors.add(new PolicyError(where, field, "must be positive and at most P7D"));
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new PolicyError(where, field, "'" + value + "' must be an ISO-8601 duration, e.g. PT8H"));
            return null;
        }
    }

    private static PostureCondition posture(String where, PolicyDocument.Posture posture, List<PolicyError> errors) {
        if (posture == null) {
            return null;
        }
        java.time.Duration maxAge = PostureCondition.DEFAULT_MAX_AGE;
        if (posture.maxAge() != null) {
            try {
                maxAge = java.time.Duration.parse(posture.maxAge());
                if (maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(java.time.Duration.ofDays(1)) > 0) {
                    errors.add(new PolicyError(where, "how.posture.max_age", "must be positive and at most P1D"));
                }
            } catch (java.time.format.DateTimeParseException e) {
                errors.add(new PolicyError(where, "how.posture.max_age", "'" + posture.maxAge()
                        + "' must be an ISO-8601 duration, e.g. PT10M"));
            }
        }
        java.util.Map<String, Boolean> flags = new java.util.TreeMap<>();
        if (posture.diskEncrypted() != null) {
            flags.put("disk_encrypted", posture.diskEncrypted());
        }
        if (posture.firewallOn() != null) {
            flags.put("firewall_on", posture.firewallOn());
        }
        if (posture.screenLock() != null) {
            flags.put("screen_lock", posture.screenLock());
        }
        Set<String> os = set(posture.os());
        if (posture.os() != null && os.isEmpty()) {
            errors.add(new PolicyError(where, "how.posture.os", "must name at least one os (e.g. linux, macos, windows), or be left out"));
        }
        for (String o : os) {
            if (!o.matches("[a-z0-9_-]{1,32}")) {
                errors.add(new PolicyError(where, "how.posture.os", "'" + o + "' is not an os name (e.g. linux, macos, windows)"));
            }
        }
        if (posture.minAgentVersion() != null && !posture.minAgentVersion().matches(PostureCondition.VERSION)) {
            errors.add(new PolicyError(where, "how.posture.min_agent_version", "'" + posture.minAgentVersion()
                    + "' must be a dotted version, e.g. 1.4.2"));
        }
        return new PostureCondition(maxAge, java.util.Map.copyOf(flags), os, posture.minAgentVersion());
    }

    private static final java.util.Map<String, java.time.DayOfWeek> DAYS = java.util.Map.of(
            "mon", java.time.DayOfWeek.MONDAY, "tue", java.time.DayOfWeek.TUESDAY, "wed", java.time.DayOfWeek.WEDNESDAY,
            "thu", java.time.DayOfWeek.THURSDAY, "fri", java.time.DayOfWeek.FRIDAY, "sat", java.time.DayOfWeek.SATURDAY,
            "sun", java.time.DayOfWeek.SUNDAY);

    private static TimeCondition when(String where, PolicyDocument.When when, List<PolicyError> errors) {
        if (when == null) {
            return TimeCondition.ALWAYS;
        }
        java.util.EnumSet<java.time.DayOfWeek> days = java.util.EnumSet.noneOf(java.time.DayOfWeek.class);
        if (when.days() == null) {
            days = java.util.EnumSet.allOf(java.time.DayOfWeek.class);
        } else if (when.days().isEmpty()) {
            errors.add(new PolicyError(where, "when.days", "must name at least one day (mon..sun), or be left out"));
        } else {
            for (String d : when.days()) {
                java.time.DayOfWeek day = d == null ? null : DAYS.get(d.toLowerCase(java.util.Locale.ROOT));
                if (day == null) {
                    errors.add(new PolicyError(where, "when.days", "'" + d + "' is not one of mon, tue, wed, thu, fri, sat, sun"));
                } else {
                    days.add(day);
                }
            }
        }
        java.time.LocalTime from = time(where, "when.from", when.from(), errors);
        java.time.LocalTime to = time(where, "when.to", when.to(), errors);
        if ((when.from() == null) != (when.to() == null)) {
            errors.add(new PolicyError(where, when.from() == null ? "when.from" : "when.to", "from and to go together"));
        } else if (from != null && to != null && from.equals(to)) {
            errors.add(new PolicyError(where, "when.to", "must differ from when.from (leave both out for all day)"));
        }
        java.time.ZoneId zone = java.time.ZoneId.of("UTC");
        if (when.timezone() != null) {
            try {
                zone = java.time.ZoneId.of(when.timezone());
            } catch (java.time.DateTimeException e) {
                errors.add(new PolicyError(where, "when.timezone", "'" + when.timezone() + "' is not a time zone (e.g. Europe/Berlin)"));
            }
        }
        java.time.Instant validFrom = instant(where, "when.valid_from", when.validFrom(), errors);
        java.time.Instant validUntil = instant(where, "when.valid_until", when.validUntil(), errors);
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            errors.add(new PolicyError(where, "when.valid_until", "must be after when.valid_from"));
        }
        return new TimeCondition(days, from, to, zone, validFrom, validUntil);
    }

    private static java.time.LocalTime time(String where, String field, String value, List<PolicyError> errors) {
        if (value == null) {
            return null;
        }
        if (!value.matches("([01][0-9]|2[0-3]):[0-5][0-9]")) {
            errors.add(new PolicyError(where, field, "'" + value + "' must be HH:MM (00:00..23:59)"));
            return null;
        }
        return java.time.LocalTime.parse(value);
    }

    private static java.time.Instant instant(String where, String field, String value, List<PolicyError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new PolicyError(where, field, "'" + value + "' must be an ISO-8601 date-time with offset, e.g. 2026-12-24T18:00:00+01:00"));
            return null;
        }
    }

    private static void names(String where, String field, List<String> values, List<PolicyError> errors) {
        if (values == null) {
            return;
        }
        for (String value : values) {
            if (value == null || !NAME.matcher(value).matches()) {
                errors.add(new PolicyError(where, field, "'" + value + "' is not a valid name"));
            }
        }
    }

    private static String path(UnrecognizedPropertyException e) {
        StringBuilder path = new StringBuilder("document");
        for (var ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null && !ref.getFieldName().equals(e.getPropertyName())) {
                path.append('.').append(ref.getFieldName());
            }
        }
        return path.toString().replaceFirst("^document\\.", "");
    }

    /** Tag → apps from the catalog; bad names and tags are located errors. */
    private static java.util.Map<String, Set<String>> catalog(java.util.Map<String, PolicyDocument.AppEntry> apps,
                                                           List<PolicyError> errors) {
        java.util.Map<String, Set<String>> byTag = new java.util.HashMap<>();
        if (apps == null) {
            return byTag;
        }
        apps.forEach((app, entry) -> {
            String where = "apps." + app;
            if (app == null || !NAME.matcher(app).matches()) {
                errors.add(new PolicyError("apps", "apps", "'" + app + "' is not a valid app name"));
                return;
            }
            if (entry == null || empty(entry.tags())) {
                errors.add(new PolicyError(where, "tags", "must list at least one tag"));
                return;
            }
            names(where, "tags", entry.tags(), errors);
            for (String tag : entry.tags()) {
                byTag.computeIfAbsent(tag, t -> new HashSet<>()).add(app);
            }
        });
        return byTag;
    }

    private static HttpCondition http(String where, PolicyDocument.Http http, Set<String> actions,
                                      List<PolicyError> errors) {
        if (http == null) {
            return null;
        }
        if (!actions.isEmpty() && !actions.equals(Set.of(CompiledPolicy.Subject.HTTP))) {
            errors.add(new PolicyError(where, "what.actions", "what.http is about web requests: actions must be "
                    + "[http] or left out"));
        }
        if (empty(http.methods()) && empty(http.paths())) {
            errors.add(new PolicyError(where, "what.http", "must list methods, paths or both"));
        }
        for (String method : set(http.methods())) {
            if (!HttpCondition.METHODS.contains(method)) {
                errors.add(new PolicyError(where, "what.http.methods", "'" + method + "' must be one of "
                        + new java.util.TreeSet<>(HttpCondition.METHODS)));
            }
        }
        for (String path : http.paths() == null ? List.<String>of() : http.paths()) {
            String problem = HttpCondition.problem(path);
            if (problem != null) {
                errors.add(new PolicyError(where, "what.http.paths", "'" + path + "' " + problem));
            }
        }
        return new HttpCondition(set(http.methods()), http.paths() == null ? List.of() : List.copyOf(http.paths()));
    }

    private static void attributeConditions(String where, java.util.Map<String, List<String>> attributes,
                                            List<PolicyError> errors) {
        if (attributes == null) {
            return;
        }
        attributes.forEach((name, values) -> {
            String field = "who.attributes." + name;
            if (!CompiledPolicy.ATTRIBUTES.contains(name)) {
                errors.add(new PolicyError(where, field, "unknown attribute; one of " + CompiledPolicy.ATTRIBUTES));
            } else if (values == null || values.isEmpty()) {
                errors.add(new PolicyError(where, field, "must list at least one value"));
            } else {
                for (String value : values) {
                    if (value == null || value.isBlank() || value.length() > 128) {
                        errors.add(new PolicyError(where, field, "values must be 1..128 characters"));
                    }
                }
            }
        });
    }

    private static java.util.Map<String, Set<String>> attributes(java.util.Map<String, List<String>> attributes) {
        if (attributes == null) {
            return java.util.Map.of();
        }
        java.util.Map<String, Set<String>> out = new java.util.HashMap<>();
        attributes.forEach((name, values) -> out.put(name, set(values)));
        return java.util.Map.copyOf(out);
    }

    private static boolean empty(List<String> list) {
        return list == null || list.isEmpty();
    }

    private static Set<String> set(List<String> list) {
        return list == null ? Set.of() : Set.copyOf(new HashSet<>(list));
    }
}
