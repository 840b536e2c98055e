package io.fleetstream.app.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointGuardTest {

    private static final String APP = "fleetstream";

    @TempDir
    Path stateDir;

    @Test
    void afterACrashUnderExactlyOnceEveryTaskCheckpointIsRemovedAndTheStoresStay() throws IOException {
        Path task = checkpointed("0_0");
        Path other = checkpointed("0_1");
        Path store = Files.createDirectories(stateDir.resolve(APP).resolve("0_0").resolve("rocksdb").resolve("device-state"));

        assertThat(CheckpointGuard.beforeStart(stateDir, APP, "exactly_once_v2")).isEqualTo(2);

        assertThat(task.resolve(CheckpointGuard.CHECKPOINT)).doesNotExist();
        assertThat(other.resolve(CheckpointGuard.CHECKPOINT)).doesNotExist();
        assertThat(store).as("Kafka Streams wipes the stores itself when it finds no checkpoint").exists();
    }

    @Test
    void afterACleanStopTheCheckpointsAreKeptOnceAndTheMarkerIsUsedUp() throws IOException {
        Path task = checkpointed("0_0");
        CheckpointGuard.afterCleanStop(stateDir, APP);

        assertThat(CheckpointGuard.beforeStart(stateDir, APP, "exactly_once_v2")).isZero();
        assertThat(task.resolve(CheckpointGuard.CHECKPOINT)).exists();
        assertThat(stateDir.resolve(APP).resolve(CheckpointGuard.CLEAN_STOP_MARKER)).doesNotExist();

        // the run that started on the marker crashed: its checkpoints are not trusted
        assertThat(CheckpointGuard.beforeStart(stateDir, APP, "exactly_once_v2")).isEqualTo(1);
        assertThat(task.resolve(CheckpointGuard.CHECKPOINT)).doesNotExist();
    }

    @Test
    void atLeastOnceKeepsItsCheckpointsAfterACrash() throws IOException {
        Path task = checkpointed("0_0");

        assertThat(CheckpointGuard.beforeStart(stateDir, APP, "at_least_once")).isZero();
        assertThat(task.resolve(CheckpointGuard.CHECKPOINT)).exists();
    }

    @Test
    void aFirstStartHasNothingToCheck() {
        assertThat(CheckpointGuard.beforeStart(stateDir, APP, "exactly_once_v2")).isZero();
        CheckpointGuard.afterCleanStop(stateDir, APP);
        assertThat(stateDir.resolve(APP)).doesNotExist();
    }

    private Path checkpointed(String taskId) throws IOException {
        Path task = Files.createDirectories(stateDir.resolve(APP).resolve(taskId));
        Files.writeString(task.resolve(CheckpointGuard.CHECKPOINT), "0\n1\nfleetstream-device-state-changelog 0 42\n");
        return task;
    }
}
