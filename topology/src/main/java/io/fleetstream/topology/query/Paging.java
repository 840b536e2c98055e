package io.fleetstream.topology.query;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * emnify's paging headers for a page of a list: {@code X-Total-Count}, {@code X-Total-Pages},
 * {@code X-Current-Page}, {@code X-Count-Per-Page} and a {@code Link} header with first, prev, next
 * and last, so clients written for emnify's API page through fleetstream the same way.
 *
 * @param total   matching items in all
 * @param page    the page served (see {@link #served})
 * @param perPage items per page
 */
public record Paging(long total, int page, int perPage) {

    public long totalPages() {
        return (total + perPage - 1) / perPage;
    }

    /**
     * The page actually served for a requested one: like emnify, a page past the end gets the last
     * page again (clients loop on {@code X-Total-Pages}); with nothing to list, page 1 (empty).
     */
    public static Paging served(int requestedPage, long total, int perPage) {
        long pages = (total + perPage - 1) / perPage;
        int page = pages == 0 ? 1 : (int) Math.min(requestedPage, pages);
        return new Paging(total, page, perPage);
    }

    public long offset() {
        return (page - 1L) * perPage;
    }

    /**
     * The headers for this page of {@code path}, the links keeping the request's other query
     * parameters (in their order) and replacing {@code page}.
     */
    public Map<String, String> headers(String path, Map<String, List<String>> query) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Total-Count", Long.toString(total));
        headers.put("X-Total-Pages", Long.toString(totalPages()));
        headers.put("X-Current-Page", Integer.toString(page));
        headers.put("X-Count-Per-Page", Integer.toString(perPage));
        long last = Math.max(1, totalPages());
        List<String> links = new ArrayList<>();
        links.add(link(path, query, 1, "first"));
        if (page > 1) {
            links.add(link(path, query, page - 1, "prev"));
        }
        if (page < last) {
            links.add(link(path, query, page + 1, "next"));
        }
        links.add(link(path, query, last, "last"));
        headers.put("Link", String.join(", ", links));
        return headers;
    }

    private static String link(String path, Map<String, List<String>> query, long page, String rel) {
        StringBuilder url = new StringBuilder(path).append('?');
        query.forEach((name, values) -> {
            if (!name.equals("page")) {
                for (String value : values) {
                    url.append(encode(name)).append('=').append(encode(value)).append('&');
                }
            }
        });
        url.append("page=").append(page);
        return "<" + url + ">; rel=\"" + rel + "\"";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
