package dev.ztna.policy.service;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;

import java.util.List;

/** A unified diff between two stored policy documents (java-diff-utils, Myers). */
public final class PolicyDiff {

    public record Result(String unified, int added, int removed) {
    }

    private PolicyDiff() {
    }

    public static Result of(long fromVersion, String from, long toVersion, String to) {
        List<String> a = from.lines().toList();
        List<String> b = to.lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        if (patch.getDeltas().isEmpty()) {
            return new Result("", 0, 0);
        }
        int added = 0;
        int removed = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            added += delta.getTarget().size();
            removed += delta.getSource().size();
        }
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff("version " + fromVersion, "version " + toVersion,
                a, patch, 3);
        return new Result(String.join("\n", unified) + "\n", added, removed);
    }
}
