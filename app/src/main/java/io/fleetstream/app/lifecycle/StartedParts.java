package io.fleetstream.app.lifecycle;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Stopping what a service started: the last started first, and every part even when one fails to stop. */
public final class StartedParts {

    private StartedParts() {
    }

    /** Closes {@code parts} in the reverse of their order; a part that fails to close is logged and skipped. */
    public static void closeInReverse(List<? extends AutoCloseable> parts, Logger log) {
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
