package io.fleetstream.topology.query;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PagingTest {

    @Test
    void countsPagesRoundingUp() {
        assertThat(new Paging(0, 1, 10).totalPages()).isZero();
        assertThat(new Paging(10, 1, 10).totalPages()).isEqualTo(1);
        assertThat(new Paging(11, 1, 10).totalPages()).isEqualTo(2);
    }

    @Test
    void aPagePastTheEndIsServedAsTheLastAndNothingAsAnEmptyFirstPage() {
        assertThat(Paging.served(7, 25, 10).page()).isEqualTo(3);
        assertThat(Paging.served(7, 25, 10).offset()).isEqualTo(20);
        assertThat(Paging.served(2, 25, 10).page()).isEqualTo(2);
        assertThat(Paging.served(4, 0, 10).page()).isEqualTo(1);
    }

    @Test
    void headersFollowEmnifyAndLinksKeepTheOtherParameters() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("type", List.of("3", "5"));
        query.put("page", List.of("2"));
        query.put("from", List.of("2024-01-01T00:00:00Z"));

        Map<String, String> headers = new Paging(25, 2, 10).headers("/v1/devices/1/events", query);

        assertThat(headers).containsEntry("X-Total-Count", "25").containsEntry("X-Total-Pages", "3")
                .containsEntry("X-Current-Page", "2").containsEntry("X-Count-Per-Page", "10");
        String base = "</v1/devices/1/events?type=3&type=5&from=2024-01-01T00%3A00%3A00Z&page=";
        assertThat(headers.get("Link")).isEqualTo(base + "1>; rel=\"first\", " + base + "1>; rel=\"prev\", "
                + base + "3>; rel=\"next\", " + base + "3>; rel=\"last\"");
    }

    @Test
    void theOnlyPageHasNoPrevOrNext() {
        String link = new Paging(0, 1, 10).headers("/x", Map.of()).get("Link");
        assertThat(link).isEqualTo("</x?page=1>; rel=\"first\", </x?page=1>; rel=\"last\"");
    }
}
