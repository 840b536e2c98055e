package io.fleetstream.topology.query;

/**
 * A read of one partition's stores on this instance.
 *
 * @param staleAllowed a standby (or a restoring active) copy may answer: the caller could not reach
 *                     the active owner and says so in its answer
 */
public record PartitionRead(int partition, boolean staleAllowed) {
}
