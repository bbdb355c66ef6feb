package dev.ztna.audit.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentFileTest {

    @Test
    void onlySegmentNamesInsideTheArchiveDirectoryAreServed(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("archive"));
        Path segment = Files.writeString(dir.resolve("segment-000000000001-000000000020.jsonl"), "{}");
        Files.writeString(root.resolve("secret.txt"), "not for auditors");
        assertEquals(Optional.of(segment), Retention.resolve(dir, "segment-000000000001-000000000020.jsonl"));
        assertEquals(Optional.empty(), Retention.resolve(dir, "segment-000000000021-000000000040.jsonl"), "absent");
        assertEquals(Optional.empty(), Retention.resolve(dir, "../secret.txt"));
        assertEquals(Optional.empty(), Retention.resolve(dir, "/etc/passwd"));
        assertEquals(Optional.empty(), Retention.resolve(dir, "segment-000000000001-000000000020.jsonl/../../secret.txt"));
        assertEquals(Optional.empty(), Retention.resolve(dir, null));
    }
}
