package dev.ztna.policy.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeoIpTest {

    @TempDir
    Path dir;

    GeoIp load(String csv) throws Exception {
        Path file = dir.resolve("geo.csv");
        Files.writeString(file, csv);
        return GeoIp.load(file);
    }

    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void rangesAreLookedUpAtTheirEdgesForBothFamilies() throws Exception {
        GeoIp geo = load("""
                # comment
                10.0.0.0,10.0.0.255,de
                10.0.1.0,10.0.1.255,FR
                "2001:db8::","2001:db8::ff","NL"
                ::ffff:0:0,::ffff:0:0,US
                """);
        assertEquals(4, geo.size());
        assertEquals("DE", geo.country(ip("10.0.0.0")));
        assertEquals("DE", geo.country(ip("10.0.0.255")));
        assertEquals("FR", geo.country(ip("10.0.1.0")));
        assertNull(geo.country(ip("10.0.2.0")), "between ranges: unknown");
        assertNull(geo.country(ip("9.255.255.255")));
        assertEquals("NL", geo.country(ip("2001:db8::ff")));
        assertNull(geo.country(ip("2001:db8::100")));
        assertNull(geo.country(null));
        assertNull(GeoIp.NONE.country(ip("10.0.0.1")), "no database: unknown");
    }

    @Test
    void aBadFileIsRefusedWithItsLine() {
        for (String bad : new String[] {"10.0.0.0,10.0.0.255\n", "10.0.0.0,10.0.0.255,DEU\n", "10.0.0.9,10.0.0.1,DE\n",
                "10.0.0.0,2001:db8::1,DE\n", "x,10.0.0.1,DE\n"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(bad), bad);
            assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        }
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> load("10.0.0.0,10.0.0.255,DE\n10.0.0.128,10.0.1.0,FR\n"));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
    }
}
