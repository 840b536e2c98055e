package io.fleetstream.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a role words an error body. Every fleetstream API answers {@link #FLEETSTREAM}; the schema registry answers
 * Confluent's {@code {"error_code", "message"}} so Confluent's clients understand it. Whatever refuses a request on
 * a server (Jetty before Javalin sees it, the shared checks of {@link HttpEdge}, the role's own handlers) answers in
 * that server's one shape.
 */
@FunctionalInterface
public interface ErrorShape {

    /** {@code {"error": message, "status": status}}, with {@code "parameter"} when one query or path parameter was wrong. */
    ErrorShape FLEETSTREAM = (status, message, parameter) -> {
        ObjectNode body = HttpEdge.errorBody(status, message);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        return body;
    };

    /**
     * @param parameter the query or path parameter that was wrong, or null
     */
    ObjectNode body(int status, String message, String parameter);
}
