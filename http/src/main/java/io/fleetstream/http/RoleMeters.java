package io.fleetstream.http;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The meters of one role (ingest, topology): its own {@link PrometheusMeterRegistry}, with the JVM and process meters
 * bound to it, served by {@link MetricsEndpoint}. In {@code local} each port has its own, so no meter needs a
 * {@code role} tag and a series never mixes two roles.
 *
 * <p>What the binders export (names as scraped): {@code jvm_memory_used_bytes{area,id}} and the other
 * {@code jvm_memory_*}, {@code jvm_buffer_*}; {@code jvm_gc_pause_seconds} and the other {@code jvm_gc_*};
 * {@code jvm_threads_live_threads}, {@code jvm_threads_states_threads{state}}; {@code jvm_classes_loaded_classes};
 * {@code process_cpu_usage}, {@code system_cpu_usage}, {@code system_cpu_count}; {@code process_uptime_seconds},
 * {@code process_start_time_seconds}; {@code process_files_open_files}, {@code process_files_max_files}.
 *
 * <p>Closing unbinds what holds resources (the GC notification listener) and closes the registry; a role closes
 * its meters after everything that reports to them.
 */
public final class RoleMeters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoleMeters.class);

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> bound = new ArrayList<>();

    private RoleMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A registry with the JVM and process meters bound, and {@code filters} in place before any meter is registered
     * (Micrometer applies a filter only to meters registered after it, and warns when one comes later).
     */
    public static RoleMeters create(MeterFilter... filters) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (MeterFilter filter : filters) {
            registry.config().meterFilter(filter);
        }
        RoleMeters meters = new RoleMeters(registry);
        meters.bind(new JvmMemoryMetrics());
        meters.bind(new JvmGcMetrics());
        meters.bind(new JvmThreadMetrics());
        meters.bind(new ClassLoaderMetrics());
        meters.bind(new ProcessorMetrics());
        meters.bind(new UptimeMetrics());
        meters.bind(new FileDescriptorMetrics());
        return meters;
    }

    /**
     * Binds a binder of the role's own (Kafka client metrics, say) and closes it with these meters when it holds
     * resources; returns it.
     */
    public <B extends MeterBinder> B bind(B binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            synchronized (bound) {
                bound.add(closeable);
            }
        }
        return binder;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** {@code GET /metrics} for this registry. */
    public MetricsEndpoint endpoint() {
        return new MetricsEndpoint(registry);
    }

    @Override
    public void close() {
        List<AutoCloseable> binders;
        synchronized (bound) {
            binders = new ArrayList<>(bound);
            bound.clear();
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.warn("could not unbind {}: {}", binder.getClass().getSimpleName(), e.toString());
            }
        }
        registry.close();
    }
}
