package io.fleetstream.app.topology;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreProgressTest {

    private final RestoreProgress progress = new RestoreProgress();
    private final TopicPartition states0 = new TopicPartition("app-device-state-changelog", 0);
    private final TopicPartition states1 = new TopicPartition("app-device-state-changelog", 1);

    @Test
    void countsWhatIsLeftOfEveryStorePartitionBeingRestored() {
        assertThat(progress.remaining()).isZero();
        // the ending offset is exclusive: offsets 100 to 1099 are to be restored
        progress.onRestoreStart(states0, "device-state", 100, 1_100);
        progress.onRestoreStart(states1, "device-state", 0, 50);
        assertThat(progress.remaining()).isEqualTo(1_050);

        // a batch's end offset is inclusive
        progress.onBatchRestored(states0, "device-state", 599, 500);
        assertThat(progress.remaining()).isEqualTo(550);

        progress.onRestoreEnd(states1, "device-state", 50);
        assertThat(progress.remaining()).isEqualTo(500);
        progress.onRestoreSuspended(states0, "device-state", 500);
        assertThat(progress.remaining()).isZero();
    }

    @Test
    void theSamePartitionOfAnotherStoreIsCountedApart() {
        progress.onRestoreStart(states0, "device-state", 0, 10);
        progress.onRestoreStart(states0, "quota-state", 0, 20);
        progress.onRestoreEnd(states0, "device-state", 10);
        assertThat(progress.remaining()).isEqualTo(20);
    }
}
