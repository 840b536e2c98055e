package io.fleetstream.topology;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * One memory budget for every RocksDB store of the instance, instead of Kafka Streams' default of a 50 MB block cache
 * and up to three 16 MB memtables for each store of each task: this topology has nine stores a partition, so the
 * default grows with the partitions an instance holds (18 stores on 2 partitions, 54 on 6) and a node's memory
 * cannot be planned. Here every store of the JVM shares one LRU block cache of {@value #MEMORY_CONFIG} bytes, and
 * their memtables are charged to that same cache (a write buffer manager), so the off-heap total stays near the
 * budget whatever the number of tasks.
 *
 * <p>Index and filter blocks live in the cache too (pinned at high priority, so lookups never read them from disk),
 * and every table has a Bloom filter: the device, quota and dedupe stores are read by key on every event, and most
 * dedupe reads are for ids that are not there, which a filter answers without touching a data block.
 *
 * <p>Measured with {@code fleetstream bench --scenario topology} (docs/performance.md): memtables of 16 MB, up to
 * three a store, within half the budget, and no compression cost the same throughput as Kafka Streams' defaults
 * (within the run-to-run noise); 8 MB memtables in a quarter of the budget with LZ4 cost about a sixth of it (more
 * flushes and compactions, and compressing Avro that barely shrinks). At 1,000,000 devices the whole state directory
 * is about 150 MB, so compression is not worth its CPU here.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** Bytes of off-heap memory (block cache and memtables) all stores of this JVM share. */
    public static final String MEMORY_CONFIG = "fleetstream.rocksdb.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 128L * 1024 * 1024;
    public static final long MIN_MEMORY_BYTES = 16L * 1024 * 1024;
    /** Share of the budget memtables may hold; the rest caches blocks. */
    static final double WRITE_BUFFER_SHARE = 0.5;
    /** Share of the cache kept for index and filter blocks. */
    static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    private static final double BLOOM_BITS_PER_KEY = 10;

    /** Created with the first store, from its budget; shared until the JVM exits (Kafka Streams never says "last"). */
    private static Shared shared;

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    private BloomFilter filter;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared memory = shared(budget(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        filter = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        table.setFilterPolicy(filter);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(3);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store: only this store's own filter is closed
        if (filter != null) {
            filter.close();
        }
    }

    static long budget(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        if (bytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException(MEMORY_CONFIG + " must be at least 16 MiB (16777216), got " + bytes);
        }
        return bytes;
    }

    private static synchronized Shared shared(long budget) {
        if (shared == null) {
            Cache cache = new LRUCache(budget, -1, false, HIGH_PRIORITY_SHARE);
            shared = new Shared(cache, new WriteBufferManager((long) (budget * WRITE_BUFFER_SHARE), cache));
        }
        return shared;
    }
}
