package io.fleetstream.app.observability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromQlTest {

    @Test
    void aBareSelectorIsItsMetric() {
        assertThat(PromQl.metricNames("up")).containsExactly("up");
        assertThat(PromQl.metricNames("process_cpu_usage{instance=~\"$instance\"}")).containsExactly("process_cpu_usage");
    }

    @Test
    void functionsAndAggregationsAreNotMetrics() {
        assertThat(PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(fleetstream_query_requests_seconds_bucket[5m])))"))
                .containsExactly("fleetstream_query_requests_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(a_total[1m])) without (instance)")).containsExactly("a_total");
        assertThat(PromQl.metricNames("topk(3, count_values(\"v\", b))")).containsExactly("b");
        assertThat(PromQl.metricNames("time() - max(fleetstream_ingest_poller_last_success_seconds)"))
                .containsExactly("fleetstream_ingest_poller_last_success_seconds");
    }

    @Test
    void anAggregationMayTakeItsClauseBeforeItsArgument() {
        assertThat(PromQl.metricNames("max by (instance, state) (fleetstream_topology_streams_state{state=\"RUNNING\"}) == 0"))
                .containsExactly("fleetstream_topology_streams_state");
        assertThat(PromQl.metricNames("sum without (pod) (x)")).containsExactly("x");
    }

    @Test
    void labelNamesAndValuesInMatchersAreNotMetrics() {
        assertThat(PromQl.metricNames("m{client_id!~\".*restore-consumer\", topic=~\"[^.]+\", le=\"+Inf\", by=\"x\"}"))
                .containsExactly("m");
        assertThat(PromQl.metricNames("m{a=\"}\\\"{\", b='x{'}")).containsExactly("m");
    }

    @Test
    void vectorMatchingAndSetOperatorsAreKeywords() {
        assertThat(PromQl.metricNames(
                "a / on (namespace) group_left (pod, node) b and ignoring (x) c or d unless e > bool 1"))
                .containsExactly("a", "b", "c", "d", "e");
        assertThat(PromQl.metricNames("x and on(namespace) y")).containsExactly("x", "y");
        assertThat(PromQl.metricNames("x AND y")).containsExactly("x", "y");
    }

    @Test
    void rangesSubqueriesOffsetsAndNumbersAreNotMetrics() {
        assertThat(PromQl.metricNames("deriv(lag[10m]) > 1e3 and rate(c_total[$__rate_interval] offset 1h30m) > 0.5"))
                .containsExactly("lag", "c_total");
        assertThat(PromQl.metricNames("max_over_time(rate(x_total[1m])[1h:5m]) > Inf or y < NaN"))
                .containsExactly("x_total", "y");
        assertThat(PromQl.metricNames("z offset -5m > 0x1F")).containsExactly("z");
        assertThat(PromQl.metricNames("w @ 1609746000")).containsExactly("w");
    }

    @Test
    void grafanaVariablesAreNotMetrics() {
        assertThat(PromQl.metricNames("sum(rate(a_total{namespace=~\"$namespace\"}[$__rate_interval])) / $scale * ${factor:raw} + [[old]]"))
                .containsExactly("a_total");
    }

    @Test
    void aNameMatcherNamesAMetric() {
        assertThat(PromQl.metricNames("{__name__=\"jvm_threads_live_threads\", area=\"x\"}")).containsExactly("jvm_threads_live_threads");
    }

    @Test
    void commentsAndStringsAreSkipped() {
        assertThat(PromQl.metricNames("a # not_a_metric here\n + label_replace(b, \"dst\", \"$1\", \"src\", \"(.*)\")"))
                .containsExactly("a", "b");
    }

    @Test
    void eachNameIsReportedOnce() {
        assertThat(PromQl.metricNames("a / (a + b)")).containsExactly("a", "b");
    }

    @Test
    void grafanaVariableQueriesNameTheirSelectorsMetric() {
        assertThat(PromQl.metricNamesOfVariableQuery("label_values(jvm_memory_used_bytes{namespace=~\"$namespace\"}, instance)"))
                .containsExactly("jvm_memory_used_bytes");
        assertThat(PromQl.metricNamesOfVariableQuery("label_values(namespace)")).isEmpty();
        assertThat(PromQl.metricNamesOfVariableQuery("label_names()")).isEmpty();
        assertThat(PromQl.metricNamesOfVariableQuery("query_result(topk(5, sum by (topic) (lag)))")).containsExactly("lag");
    }

    @Test
    void malformedExpressionsAreRefused() {
        assertThatThrownBy(() -> PromQl.metricNames("a{b=\"c\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> PromQl.metricNames("rate(a[5m)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromQl.metricNames("a}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PromQl.metricNames("a{b=\"c}")).isInstanceOf(IllegalArgumentException.class);
    }
}
