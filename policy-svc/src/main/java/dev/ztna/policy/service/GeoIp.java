package dev.ztna.policy.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Country of an IP address from a GeoIP database file in the common range CSV form — one range per line,
 * {@code first_address,last_address,country} (IPv4 or IPv6, ISO 3166-1 alpha-2; the format of DB-IP's free
 * "IP to Country Lite" and of IP2Location LITE exports after reordering). Lookups are binary searches over sorted,
 * non-overlapping ranges.
 */
public final class GeoIp {

    /** No database: every address's country is unknown, and a rule with countries never holds. */
    public static final GeoIp NONE = new GeoIp(new Range[0], "none");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    private record Range(BigInteger first, BigInteger last, String country) {
    }

    private final Range[] ranges;
    private final String source;

    private GeoIp(Range[] ranges, String source) {
        this.ranges = ranges;
        this.source = source;
    }

    /** @throws IllegalArgumentException naming the line when the file is not such a database */
    public static GeoIp load(Path file) throws IOException {
        List<Range> ranges = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.replace("\"", "").split(",");
                if (cells.length < 3) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected first,last,country");
                }
                InetAddress first = Cidr.literal(cells[0].trim());
                InetAddress last = Cidr.literal(cells[1].trim());
                String country = cells[2].trim().toUpperCase(Locale.ROOT);
                if (first == null || last == null || (first instanceof Inet4Address) != (last instanceof Inet4Address)
                        || !COUNTRY.matcher(country).matches()) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected two IP addresses of one "
                            + "family and a two-letter country code");
                }
                BigInteger from = key(first);
                BigInteger to = key(last);
                if (from.compareTo(to) > 0) {
                    throw new IllegalArgumentException(file + " line " + number + ": the range ends before it starts");
                }
                ranges.add(new Range(from, to, country));
            }
        }
        Range[] sorted = ranges.toArray(new Range[0]);
        Arrays.sort(sorted, Comparator.comparing(Range::first));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].first().compareTo(sorted[i - 1].last()) <= 0) {
                throw new IllegalArgumentException(file + ": ranges overlap at " + sorted[i].first());
            }
        }
        return new GeoIp(sorted, file.toString());
    }

    /** The ISO 3166-1 alpha-2 code of the address's country, or null when unknown. */
    public String country(InetAddress address) {
        if (address == null || ranges.length == 0) {
            return null;
        }
        BigInteger key = key(address);
        int low = 0;
        int high = ranges.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Range r = ranges[mid];
            if (key.compareTo(r.first()) < 0) {
                high = mid - 1;
            } else if (key.compareTo(r.last()) > 0) {
                low = mid + 1;
            } else {
                return r.country();
            }
        }
        return null;
    }

    public int size() {
        return ranges.length;
    }

    public String source() {
        return source;
    }

    /** IPv4 and IPv6 in one key space: IPv4 as an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
    private static BigInteger key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        return new BigInteger(1, bytes);
    }
}
