package dev.ztna.identity.federation;

/** The upstream IdP vouched for someone this suite will not log in; answered PERMISSION_DENIED / 403. */
public class FederationRefused extends RuntimeException {

    private final String reason;

    public FederationRefused(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** UPPER_SNAKE reason for ErrorInfo. */
    public String reason() {
        return reason;
    }
}
