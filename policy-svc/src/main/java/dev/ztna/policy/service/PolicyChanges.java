package dev.ztna.policy.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Fans live-version changes out to every WatchPolicyChanges subscriber. */
@ApplicationScoped
public class PolicyChanges {

    public record Change(long version, Instant at) {
    }

    private final BroadcastProcessor<Change> changes = BroadcastProcessor.create();
    private volatile Change current = new Change(0, Instant.now());

    void publish(long version) {
        Change change = new Change(version, Instant.now());
        current = change;
        changes.onNext(change);
    }

    /** The current version first, then every change. */
    public Multi<Change> watch() {
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(() -> current), changes);
    }
}
