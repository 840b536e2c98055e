package io.fleetstream.topology;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedRocksDbTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreGetsTheSharedCacheABloomFilterAndBoundedMemtables() {
        BoundedRocksDb first = new BoundedRocksDb();
        BoundedRocksDb second = new BoundedRocksDb();
        try (Options a = new Options(); Options b = new Options()) {
            // Kafka Streams hands the setter options that already have a block-based table config
            a.setTableFormatConfig(new BlockBasedTableConfig());
            b.setTableFormatConfig(new BlockBasedTableConfig());
            first.setConfig("device-state", a, Map.of(BoundedRocksDb.MEMORY_CONFIG, 64L * 1024 * 1024));
            second.setConfig("event-history", b, Map.of());

            BlockBasedTableConfig tableA = (BlockBasedTableConfig) a.tableFormatConfig();
            BlockBasedTableConfig tableB = (BlockBasedTableConfig) b.tableFormatConfig();
            assertThat(tableA.filterPolicy()).isNotNull();
            assertThat(tableB.filterPolicy()).isNotNull();
            assertThat(tableA.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(a.writeBufferSize()).isEqualTo(16L * 1024 * 1024);
            assertThat(a.maxWriteBufferNumber()).isEqualTo(3);
            first.close("device-state", a);
            second.close("event-history", b);
        }
    }

    @Test
    void theBudgetIsReadFromTheStreamsConfigAndABudgetTooSmallIsRefusedWithItsName() {
        assertThat(BoundedRocksDb.budget(Map.of())).isEqualTo(BoundedRocksDb.DEFAULT_MEMORY_BYTES);
        assertThat(BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, "268435456"))).isEqualTo(268_435_456L);
        assertThat(BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, 33_554_432))).isEqualTo(33_554_432L);
        assertThatThrownBy(() -> BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, 1024)))
                .hasMessageContaining(BoundedRocksDb.MEMORY_CONFIG).hasMessageContaining("16 MiB");
    }
}
