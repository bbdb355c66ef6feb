package dev.ztna.connector;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppSpecTest {

    @Test
    void parsesNameHostPort() {
        var apps = ConnectorMain.parseApps(List.of("echo=127.0.0.1:7000", "db=db.internal:5432"));
        assertEquals(7000, apps.get("echo").getPort());
        assertEquals("db.internal", apps.get("db").getHostString());
    }

    @Test
    void rejectsMalformedSpecsWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnectorMain.parseApps(List.of("echo")))
                .getMessage().contains("name=host:port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnectorMain.parseApps(List.of("Echo=h:1")))
                .getMessage().contains("a-z"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnectorMain.parseApps(List.of("echo=h:99999")))
                .getMessage().contains("1..65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnectorMain.parseApps(List.of("echo=h:x")))
                .getMessage().contains("not a number"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorMain.parseApps(List.of()));
    }
}
