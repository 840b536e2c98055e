package io.fleetstream.app.topology;

import io.fleetstream.http.Health;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsHealthTest {

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicLong remaining = new AtomicLong();
    private final AtomicReference<Optional<String>> waiting = new AtomicReference<>(Optional.empty());
    private final StreamsHealth health = new StreamsHealth(state::get, remaining::get, 1_000, waiting::get);

    private void moveTo(State next) {
        state.set(next);
        health.stateChanged(next);
    }

    @Test
    void notReadyBeforeTheFirstRunningEvenWhileRebalancingWithNothingToRestore() {
        assertThat(health.readiness().isUp()).isFalse();
        moveTo(State.REBALANCING);
        Health first = health.readiness();
        assertThat(first.isUp()).isFalse();
        assertThat(first.reason()).hasValueSatisfying(r -> assertThat(r).contains("REBALANCING", "first rebalance"));

        moveTo(State.RUNNING);
        assertThat(health.readiness().isUp()).isTrue();
    }

    @Test
    void aRebalanceAfterRunningStaysReadyWhileLittleIsLeftToRestore() {
        moveTo(State.REBALANCING);
        moveTo(State.RUNNING);
        moveTo(State.REBALANCING);
        remaining.set(1_000);
        assertThat(health.readiness().isUp()).isTrue();

        remaining.set(1_001);
        Health restoring = health.readiness();
        assertThat(restoring.isUp()).isFalse();
        assertThat(restoring.checks()).containsEntry("restore", Health.Status.DOWN);
        assertThat(restoring.reason()).hasValueSatisfying(r -> assertThat(r).contains("1001", "--ready-max-restore-records"));
    }

    @Test
    void whatIsAwaitedMakesItUnreadyAndIsTheReason() {
        moveTo(State.RUNNING);
        waiting.set(Optional.of("waiting for the schema registry: paused"));
        Health paused = health.readiness();
        assertThat(paused.isUp()).isFalse();
        assertThat(paused.reason()).hasValue("waiting for the schema registry: paused");
        assertThat(health.liveness().isUp()).isTrue();
    }

    @Test
    void notLiveOnceStreamsStoppedForGoodUnlessItWasAskedToClose() {
        assertThat(health.liveness().isUp()).as("not started yet").isTrue();
        moveTo(State.RUNNING);
        assertThat(health.liveness().isUp()).isTrue();
        moveTo(State.PENDING_ERROR);
        assertThat(health.liveness().isUp()).isFalse();
        moveTo(State.ERROR);
        assertThat(health.liveness().isUp()).isFalse();
        assertThat(health.readiness().isUp()).isFalse();

        moveTo(State.NOT_RUNNING);
        assertThat(health.liveness().isUp()).as("stopped by itself").isFalse();
        health.closing();
        assertThat(health.liveness().isUp()).as("stopped because it was closed").isTrue();
        moveTo(State.ERROR);
        assertThat(health.liveness().isUp()).as("an error is an error").isFalse();
    }
}
