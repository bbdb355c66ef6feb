package dev.ztna.policy.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A request's risk, 0 (none) to 100, from what the decision knows — deterministic and explained, so a rule's
 * {@code how.max_risk} can be tested and a denial says why. Factors (added, capped at 100):
 * <ul>
 *   <li>no second factor in the login ({@code amr} without otp, hwk, swk, sms, face, fpt): +40</li>
 *   <li>login older than 12 hours, or its time unknown: +20</li>
 *   <li>no device posture report: +20; a report older than 1 hour: +10</li>
 *   <li>a report whose disk is not encrypted: +10; whose firewall is off: +10</li>
 *   <li>source address unknown: +10; its country unknown (no GeoIP answer): +10</li>
 * </ul>
 */
public final class RiskScore {

    static final Set<String> SECOND_FACTORS = Set.of("otp", "hwk", "swk", "sms", "face", "fpt");

    public record Assessment(int score, List<String> factors) {
    }

    private RiskScore() {
    }

    public static Assessment of(CompiledPolicy.Subject subject, Instant now) {
        int score = 0;
        List<String> factors = new ArrayList<>();
        if (subject.amr().stream().noneMatch(SECOND_FACTORS::contains)) {
            score += 40;
            factors.add("no second factor +40");
        }
        if (subject.authTime() == null || subject.authTime().plus(Duration.ofHours(12)).isBefore(now)) {
            score += 20;
            factors.add("login older than 12 h or of unknown age +20");
        }
        PostureCondition.Device device = subject.device();
        if (device == null) {
            score += 20;
            factors.add("no device posture +20");
        } else {
            if (device.reportedAt() == null || device.reportedAt().plus(Duration.ofHours(1)).isBefore(now)) {
                score += 10;
                factors.add("posture older than 1 h +10");
            }
            if (!"true".equals(device.attributes().get("disk_encrypted"))) {
                score += 10;
                factors.add("disk not encrypted +10");
            }
            if (!"true".equals(device.attributes().get("firewall_on"))) {
                score += 10;
                factors.add("firewall off +10");
            }
        }
        if (subject.source() == null) {
            score += 10;
            factors.add("source address unknown +10");
        }
        if (subject.country() == null) {
            score += 10;
            factors.add("country unknown +10");
        }
        return new Assessment(Math.min(100, score), List.copyOf(factors));
    }
}
