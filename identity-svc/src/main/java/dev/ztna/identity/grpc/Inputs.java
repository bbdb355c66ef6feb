package dev.ztna.identity.grpc;

import dev.ztna.common.error.Errors;

import java.util.regex.Pattern;

/** Validation shared by the identity adapters: each failure names the field. */
final class Inputs {

    static final int MAX_USERNAME = 128;
    static final int MAX_PASSWORD = 1024;
    static final int MIN_NEW_PASSWORD = 12;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private Inputs() {
    }

    static String username(String value) {
        if (value.isEmpty()) {
            throw Errors.invalidArgument("username", "must not be empty");
        }
        if (value.length() > MAX_USERNAME) {
            throw Errors.invalidArgument("username", "must be at most " + MAX_USERNAME + " characters");
        }
        if (!USERNAME.matcher(value).matches()) {
            throw Errors.invalidArgument("username", "may contain only letters, digits and . _ @ -");
        }
        return value;
    }

    static String password(String value) {
        if (value.isEmpty()) {
            throw Errors.invalidArgument("password", "must not be empty");
        }
        if (value.length() > MAX_PASSWORD) {
            throw Errors.invalidArgument("password", "must be at most " + MAX_PASSWORD + " characters");
        }
        return value;
    }

    static String newPassword(String value) {
        password(value);
        if (value.length() < MIN_NEW_PASSWORD) {
            throw Errors.invalidArgument("password", "must be at least " + MIN_NEW_PASSWORD + " characters");
        }
        return value;
    }

    static String challengeId(String value) {
        if (!CHALLENGE.matcher(value).matches()) {
            throw Errors.invalidArgument("challenge_id", "must be the challenge_id returned by Login");
        }
        return value;
    }

    static String totpCode(String value) {
        return totpCode(value, "totp_code");
    }

    static String totpCode(String value, String field) {
        if (!CODE.matcher(value).matches()) {
            throw Errors.invalidArgument(field, "must be exactly 6 digits");
        }
        return value;
    }

    static String recoveryCode(String value) {
        String normalized = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!dev.ztna.identity.service.RecoveryCodes.FORMAT.matcher(normalized).matches()) {
            throw Errors.invalidArgument("recovery_code", "must look like xxxxx-xxxxx");
        }
        return normalized;
    }

    static String group(String value) {
        if (value.isEmpty() || value.length() > MAX_USERNAME || !USERNAME.matcher(value).matches()) {
            throw Errors.invalidArgument("groups", "each group must be 1..128 characters of letters, digits and . _ @ -");
        }
        return value;
    }

    /** A reason shown to a user and audited: 0..200 characters, no control characters. */
    static String reason(String value) {
        String reason = value.strip();
        if (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw Errors.invalidArgument("reason", "must be at most 200 characters, without control characters");
        }
        return reason;
    }

    /** A second factor as sent: exactly one of a TOTP code and a recovery code (the other null). */
    record Code(String totp, String recovery) {
    }

    /** Exactly one of the two, each checked; {@code totpField} names the TOTP field in errors. */
    /** At most one of them: a login whose MFA the upstream IdP vouched for is answered with neither. */
    static Code atMostOneCode(String totp, String recovery) {
        if (totp.isEmpty() && recovery.isEmpty()) {
            return new Code(null, null);
        }
        return oneCode(totp, recovery, "totp_code");
    }

    static Code oneCode(String totp, String recovery, String totpField) {
        boolean hasTotp = !totp.isEmpty();
        boolean hasRecovery = !recovery.isEmpty();
        if (hasTotp == hasRecovery) {
            throw hasTotp ? Errors.invalidArgument("recovery_code", "send either " + totpField + " or recovery_code, not both")
                    : Errors.invalidArgument(totpField, "one of " + totpField + " or recovery_code is required");
        }
        return new Code(hasTotp ? totpCode(totp, totpField) : null, hasRecovery ? recoveryCode(recovery) : null);
    }
}
