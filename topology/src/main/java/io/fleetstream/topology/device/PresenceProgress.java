package io.fleetstream.topology.device;

/**
 * What the device-state processor tells the node named as its progress child: every presence change of this task
 * with an event time at or before {@code upToMillis} has been forwarded (events are applied and offlines fire in
 * event-time order as the partition's clock releases them). A change at or before it can still come later only from
 * an event that arrived after the clock had passed it (beyond the lateness bound): the readers treat such a change
 * as late.
 *
 * @param partition  the task's partition (of the raw topic), which names this source of presence changes downstream
 * <p>A task announces itself with {@code 0} at its first record or punctuation, before its clock has a value, so
 * that a reader waits for it from the start.
 *
 * @param upToMillis the partition's clock
 */
public record PresenceProgress(int partition, long upToMillis) {
}
