package io.fleetstream.app.reset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An application id's local state: Kafka Streams keeps it in {@code <state dir>/<application id>}, so one state
 * directory can hold several applications and removing one leaves the others alone.
 */
public record LocalState(Path directory) {

    public static LocalState of(Path stateDir, String applicationId) {
        return new LocalState(stateDir.resolve(applicationId).toAbsolutePath().normalize());
    }

    public boolean exists() {
        return Files.exists(directory);
    }

    /** Removes the directory and everything in it; nothing happens if it is not there. */
    public void delete() {
        if (!exists()) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the local state " + directory + " (" + e.getMessage()
                    + "): check its permissions, or delete it by hand", e);
        }
    }
}
