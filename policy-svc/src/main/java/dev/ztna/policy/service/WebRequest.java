package dev.ztna.policy.service;

import dev.ztna.common.web.HttpPaths;

/** One web request through the broker's proxy (DecideRequest.action = http), already checked by {@link #of}. */
public record WebRequest(String method, String path) {

    /**
     * A request the engine can judge, or an {@link IllegalArgumentException} naming what is wrong: a path that is not
     * in normal form is refused rather than normalised, so a rule can never be dodged by spelling a path differently.
     */
    public static WebRequest of(String method, String path) {
        if (!HttpPaths.isMethod(method)) {
            throw new DecisionInput.BadInput("http.method", "must be an upper-case HTTP method such as GET");
        }
        HttpPaths.problem(path).ifPresent(problem -> {
            throw new DecisionInput.BadInput("http.path", problem);
        });
        return new WebRequest(method, path);
    }
}
