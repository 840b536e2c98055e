package io.fleetstream.microbench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every benchmark runs, in this JVM, at the smallest settings JMH allows (a thousand devices, one short iteration):
 * so that the benchmarks cannot rot. It checks that each produced a score, never how fast it was.
 */
class MicroBenchmarksRunTest {

    @Test
    void everyBenchmarkRunsAndScores() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(ReaderBenchmark.class.getName() + "\\.")
                .include(DeviceStateBenchmark.class.getName() + "\\.")
                .forks(0)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(100))
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("devices", "1000")
                .shouldFailOnError(true)
                .shouldDoGC(false)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> scores = new TreeMap<>();
        for (RunResult result : results) {
            scores.put(result.getParams().getBenchmark(), result.getPrimaryResult().getScore());
        }
        String reader = ReaderBenchmark.class.getName() + ".";
        String devices = DeviceStateBenchmark.class.getName() + ".";
        assertThat(scores).containsOnlyKeys(
                reader + "read", reader + "parseAndRead", reader + "encode",
                devices + "updateLocationOnline", devices + "createPdpGoingOnline", devices + "deletePdpPendingOffline",
                devices + "tickNothingDue");
        assertThat(scores).allSatisfy((benchmark, score) -> assertThat(score).as(benchmark).isPositive().isFinite());
    }
}
