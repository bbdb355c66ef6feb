package dev.ztna.audit.siem;

import dev.ztna.audit.domain.AuditEntry;
import dev.ztna.audit.service.AuditLog;
import dev.ztna.proto.audit.v1.AuditEvent;
import dev.ztna.proto.audit.v1.Outcome;

/**
 * One audit entry in ArcSight Common Event Format (CEF:0), the line a syslog forwarder hands to a SIEM. Values are
 * escaped as CEF requires, so an actor name or reason cannot forge extra fields.
 */
public final class CefLine {

    public static final String VENDOR = "ztna.dev";
    public static final String PRODUCT = "ztna";
    public static final String VERSION = "1";

    private CefLine() {
    }

    public static String of(AuditEntry entry) {
        AuditEvent event = AuditLog.parse(entry.payload);
        boolean failed = event.getOutcome() == Outcome.OUTCOME_FAILURE;
        StringBuilder line = new StringBuilder(256).append("CEF:0|").append(header(VENDOR)).append('|')
                .append(header(PRODUCT)).append('|').append(header(VERSION)).append('|')
                .append(header(event.getType())).append('|').append(header(event.getType())).append('|')
                .append(failed ? 6 : 3).append('|');
        line.append("rt=").append(event.getTime().getSeconds() * 1000 + event.getTime().getNanos() / 1_000_000);
        field(line, "externalId", event.getId());
        labelled(line, "cn1", "seq", Long.toString(entry.seq));
        field(line, "suser", event.getActor());
        field(line, "src", event.getSourceAddress());
        field(line, "outcome", failed ? "failure" : event.getOutcome() == Outcome.OUTCOME_SUCCESS ? "success" : "unknown");
        field(line, "reason", event.getReason());
        labelled(line, "cs1", "app", event.getApp());
        labelled(line, "cs2", "sessionId", event.getSessionId());
        labelled(line, "cs3", "service", event.getService());
        labelled(line, "cs4", "ruleId", event.getAttributesOrDefault("rule_id", ""));
        return line.append('\n').toString();
    }

    /** CEF's custom fields carry their meaning in a companion label field. */
    private static void labelled(StringBuilder line, String key, String label, String value) {
        if (!value.isEmpty()) {
            field(line, key + "Label", label);
            field(line, key, value);
        }
    }

    private static void field(StringBuilder line, String key, String value) {
        if (value.isEmpty()) {
            return;
        }
        line.append(' ').append(key).append('=').append(extension(value));
    }

    /** Header fields: backslash and pipe escaped, no line breaks. */
    static String header(String value) {
        return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /** Extension values: backslash and equals escaped, line breaks as \n and \r. */
    static String extension(String value) {
        return value.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r").replace("\n", "\\n");
    }
}
