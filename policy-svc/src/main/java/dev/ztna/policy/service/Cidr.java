package dev.ztna.policy.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 CIDR block; an address matches only within its own family. */
public record Cidr(byte[] network, int prefix, String text) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** An IP literal, or null. Never resolves a name: only dotted quads and colon forms reach the JDK parser. */
    public static InetAddress literal(String text) {
        if (text == null || text.length() > 45 || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Parses "10.0.0.0/8" or "2001:db8::/32"; a bare address is a /32 or /128. No DNS lookups, ever. */
    static Cidr parse(String text) {
        String[] parts = text.split("/", -1);
        InetAddress parsed = parts.length > 2 ? null : literal(parts[0]);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block");
        }
        byte[] address = parsed.getAddress();
        int max = address.length * 8;
        int prefix;
        try {
            prefix = parts.length == 1 ? max : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + max);
        }
        return new Cidr(address, prefix, text);
    }

    boolean contains(InetAddress candidate) {
        byte[] a = candidate.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
