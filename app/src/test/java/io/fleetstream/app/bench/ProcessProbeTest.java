package io.fleetstream.app.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessProbeTest {

    @Test
    void openFilesAreSortedByKind() {
        assertThat(ProcessProbe.kind("socket:[123]")).isEqualTo("socket");
        assertThat(ProcessProbe.kind("pipe:[9]")).isEqualTo("pipe");
        assertThat(ProcessProbe.kind("anon_inode:[eventpoll]")).isEqualTo("anon_inode");
        assertThat(ProcessProbe.kind("/data/streams/0_1/rocksdb/device-state/000012.sst")).isEqualTo("sst");
        assertThat(ProcessProbe.kind("/data/streams/0_1/rocksdb/device-state/000011.log (deleted)")).isEqualTo("deleted");
        assertThat(ProcessProbe.kind("/usr/lib/jvm/lib/modules")).isEqualTo("file");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsThisProcessFromProc(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        ProcessProbe probe = new ProcessProbe(ProcessHandle.current().pid());
        assertThat(probe.threads()).hasValueSatisfying(n -> assertThat(n).isPositive());
        assertThat(probe.residentSetSize()).hasValueSatisfying(n -> assertThat(n).isGreaterThan(1024 * 1024));

        Path file = Files.writeString(dir.resolve("held.txt"), "x");
        int before = probe.openFiles().orElseThrow().getOrDefault("deleted", 0);
        try (InputStream held = Files.newInputStream(file)) {
            Files.delete(file);
            assertThat(probe.openFiles().orElseThrow().getOrDefault("deleted", 0)).as("a deleted file still open")
                    .isEqualTo(before + 1);
        }
    }
}
