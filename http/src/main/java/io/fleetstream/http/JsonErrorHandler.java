package io.fleetstream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fleetstream.schemas.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Jetty's own refusals in fleetstream's error shape. Some requests never reach Javalin: a path Jetty's URI
 * compliance rejects ({@code /v1/devices/1%00}, an encoded dot segment), a request line or headers too large, a
 * malformed request. Jetty answers those itself, by default with an HTML page (or an empty body); here they get
 * the server's {@link ErrorShape} as JSON, like every other answer of that role. The message is Jetty's reason
 * (which never contains the request's headers or body) or the status's name.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final ErrorShape shape;

    JsonErrorHandler(ErrorShape shape) {
        this.shape = shape;
        setShowStacks(false);
        setShowServlet(false);
        setShowMessageInTitle(false);
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        byte[] body = body(code, message);
        baseRequest.setHandled(true);
        response.setContentType(HttpEdge.JSON);
        response.setHeader(HttpEdge.CONTENT_TYPE_OPTIONS, HttpEdge.NOSNIFF);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, HttpEdge.JSON);
        fields.put(HttpEdge.CONTENT_TYPE_OPTIONS, HttpEdge.NOSNIFF);
        return ByteBuffer.wrap(body(status, reason));
    }

    byte[] body(int status, String reason) {
        String name = HttpStatus.getMessage(status);
        String message = reason == null || reason.isBlank() || reason.equals(name)
                ? name + ": the server refused the request before reading it (malformed, or a path or header it does not accept)"
                : name + ": " + reason;
        try {
            return Json.mapper().writeValueAsBytes(shape.body(status, message, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON error", e);
        }
    }
}
