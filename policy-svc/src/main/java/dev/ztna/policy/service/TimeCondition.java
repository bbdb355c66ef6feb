package dev.ztna.policy.service;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/** A compiled "when": weekdays, a daily window in a time zone (possibly across midnight), validity dates. */
record TimeCondition(Set<DayOfWeek> days, LocalTime from, LocalTime to, ZoneId zone, Instant validFrom,
                     Instant validUntil) {

    static final TimeCondition ALWAYS = new TimeCondition(EnumSet.allOf(DayOfWeek.class), null, null,
            ZoneId.of("UTC"), null, null);

    boolean holds(Instant now) {
        if (validFrom != null && now.isBefore(validFrom)) {
            return false;
        }
        if (validUntil != null && !now.isBefore(validUntil)) {
            return false;
        }
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        DayOfWeek day = local.getDayOfWeek();
        if (from == null) {
            return days.contains(day);
        }
        if (!from.isAfter(to)) {
            return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
        }
        // across midnight: the evening part belongs to today, the early-morning part to the day before
        return (!time.isBefore(from) && days.contains(day)) || (time.isBefore(to) && days.contains(day.minus(1)));
    }

    /** Why the condition does not hold at {@code now}, for deny explanations. */
    String describe() {
        StringBuilder s = new StringBuilder();
        if (days.size() < 7) {
            s.append("on ").append(days);
        }
        if (from != null) {
            s.append(s.length() > 0 ? " " : "").append("between ").append(from).append(" and ").append(to);
        }
        s.append(" (").append(zone).append(")");
        if (validFrom != null || validUntil != null) {
            s.append(", valid ").append(validFrom == null ? "" : "from " + validFrom)
                    .append(validUntil == null ? "" : " until " + validUntil);
        }
        return s.toString();
    }
}
