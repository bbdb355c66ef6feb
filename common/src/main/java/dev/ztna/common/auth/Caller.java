package dev.ztna.common.auth;

import java.util.Set;

/** The verified identity behind a call: a user (with groups) or a service account. */
public record Caller(String subject, String name, Set<String> groups, Set<String> roles, String sessionId,
                     boolean service, Set<String> amr, java.time.Instant authTime) {

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
