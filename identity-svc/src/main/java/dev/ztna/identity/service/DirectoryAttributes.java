package dev.ztna.identity.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The directory attributes a user may carry (and policies may test), and what each may hold. */
public final class DirectoryAttributes {

    public static final Set<String> NAMES = Set.of("department", "employment_type", "country", "manager");
    private static final Pattern DEPARTMENT = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._&/-]{0,63}");
    private static final Pattern EMPLOYMENT_TYPE = Pattern.compile("[a-z][a-z_-]{0,31}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private DirectoryAttributes() {
    }

    /**
     * Every problem with {@code attributes}, keyed by the request field ({@code prefix + "." + name}); an empty value
     * (clearing the attribute) is always fine. Whether a manager exists is checked by the directory.
     */
    public static Map<String, String> problems(String prefix, Map<String, String> attributes) {
        Map<String, String> problems = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            String field = prefix + "." + name;
            if (!NAMES.contains(name)) {
                problems.put(field, "unknown attribute; one of department, employment_type, country, manager");
            } else if (!value.isEmpty()) {
                String why = switch (name) {
                    case "department" -> DEPARTMENT.matcher(value).matches() ? null
                            : "must be 1..64 letters, digits, spaces and . _ & / -";
                    case "employment_type" -> EMPLOYMENT_TYPE.matcher(value).matches() ? null
                            : "must be a lower-case word such as employee, contractor or vendor";
                    case "country" -> COUNTRY.matcher(value).matches() ? null
                            : "must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE";
                    default -> USERNAME.matcher(value).matches() ? null : "must be a username";
                };
                if (why != null) {
                    problems.put(field, why);
                }
            }
        });
        return problems;
    }
}
