package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Something that produces events on the simulated timeline: a device or an organisation. */
interface TrafficSource {

    /** Simulated time (epoch millis) of the next step; never earlier than the previous step. */
    long nextAt();

    /**
     * Runs the next step at {@link #nextAt()}.
     *
     * @return the event it produced, or {@code null} when it produced none: a step that turned out to be
     *         moot (e.g. a quota warning planned for a quota that has since expired), or an SMS, which
     *         leaves only a usage record
     */
    ObjectNode step();
}
