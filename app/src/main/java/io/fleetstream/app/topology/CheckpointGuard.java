package io.fleetstream.app.topology;

import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Under exactly-once, local state may only be trusted after a clean stop. Kafka Streams 4.1 breaks that rule
 * (KAFKA-20685, fixed in 4.2.x and absent from 4.3): when a task finishes restoring it writes a checkpoint and leaves it
 * in place while the task runs. After a crash the next start finds that checkpoint, keeps the RocksDB files, and
 * replays only the committed tail of the changelogs; but RocksDB flushes memtables whenever they fill, so writes of
 * the transaction the crash aborted can be on disk, and stay: an event id remembered by dedupe whose output was never
 * committed is then dropped as a copy when it is read again, and device and quota state diverge with it. The crash
 * test ({@code TopologyCrashTest}) lost events this way with a small RocksDB budget.
 *
 * <p>This guard restores the rule: a clean stop leaves a marker in the application's state directory; a start
 * without that marker removes every task's {@code .checkpoint}, so Kafka Streams finds stores without checkpoints and,
 * under exactly-once, wipes and rebuilds them from their changelogs, as it does after a crash in the releases
 * without the bug. A crash therefore costs a full restore of the instance's tasks, never a wrong state.
 */
final class CheckpointGuard {

    private static final Logger log = LoggerFactory.getLogger(CheckpointGuard.class);
    static final String CLEAN_STOP_MARKER = "fleetstream-clean-stop";
    static final String CHECKPOINT = ".checkpoint";

    private CheckpointGuard() {
    }

    /**
     * Before Kafka Streams starts: consumes the clean-stop marker, or, without one under exactly-once, removes the
     * task checkpoints the last run left. Returns how many it removed.
     */
    static int beforeStart(Path stateDir, String applicationId, String processingGuarantee) {
        Path app = stateDir.resolve(applicationId);
        if (!Files.isDirectory(app)) {
            return 0; // a first start, or a cleaned one: nothing to trust or distrust
        }
        try {
            boolean cleanStop = Files.deleteIfExists(app.resolve(CLEAN_STOP_MARKER));
            if (cleanStop || !StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee)) {
                return 0;
            }
            List<Path> checkpoints;
            try (Stream<Path> tasks = Files.list(app)) {
                checkpoints = tasks.filter(Files::isDirectory).map(task -> task.resolve(CHECKPOINT)).filter(Files::exists).toList();
            }
            for (Path checkpoint : checkpoints) {
                Files.delete(checkpoint);
            }
            if (!checkpoints.isEmpty()) {
                log.info("the last run on {} did not stop cleanly: removed the checkpoints of {} tasks, so Kafka Streams "
                        + "rebuilds their stores from the changelogs (exactly-once may not trust state a crash left)",
                        app, checkpoints.size());
            }
            return checkpoints.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the state directory " + app + " after the last run", e);
        }
    }

    /** After Kafka Streams closed cleanly (its tasks wrote their checkpoints): the next start may trust them. */
    static void afterCleanStop(Path stateDir, String applicationId) {
        Path app = stateDir.resolve(applicationId);
        try {
            if (Files.isDirectory(app)) {
                Files.writeString(app.resolve(CLEAN_STOP_MARKER), "");
            }
        } catch (IOException e) {
            // the next start then rebuilds the stores: slower, never wrong
            log.warn("could not mark the clean stop in {}: {}", app, e.toString());
        }
    }
}
