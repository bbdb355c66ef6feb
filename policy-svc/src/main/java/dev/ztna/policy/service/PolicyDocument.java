package dev.ztna.policy.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The policy file as written (schema ztna.dev/v1). Validated by {@link PolicyCompiler}, never trusted as parsed. */
@RegisterForReflection(targets = {PolicyDocument.class, PolicyDocument.Rule.class, PolicyDocument.Who.class, PolicyDocument.What.class})
public record PolicyDocument(@JsonProperty("apiVersion") String apiVersion, List<Rule> rules) {

    public record Rule(String id, String effect, String description, Who who, What what) {
    }

    /** Who the rule is about; a subject matches when any listed user, group or role matches. */
    public record Who(List<String> users, List<String> groups, List<String> roles) {
    }

    /** What the rule is about: application names. */
    public record What(List<String> apps) {
    }
}
