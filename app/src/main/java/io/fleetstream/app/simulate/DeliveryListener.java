package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Told about every batch the webhook acknowledged with 200, in delivery order, with the exact event
 * objects that were sent. Batches that were not (yet) acknowledged are never reported. Called on the
 * simulator's thread: keep it quick, and do not modify the events.
 */
@FunctionalInterface
public interface DeliveryListener {

    DeliveryListener NONE = batch -> { };

    void acknowledged(List<ObjectNode> batch);

    /** The same for a batch of usage records POSTed to the usage path; by default ignored. */
    default void usageAcknowledged(List<ObjectNode> batch) {
    }
}
