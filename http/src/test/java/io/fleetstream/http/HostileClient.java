package io.fleetstream.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A client that writes requests to a socket byte for byte, as a hostile or broken client would: invalid UTF-8,
 * a megabyte of query string, headers or a body that trickle in. Shared by every role's hostile input tests, with
 * the measures that show nothing leaked: open connections of the server's port and busy request threads.
 */
public final class HostileClient {

    /** An answer as read from the socket: status, the raw header block, and the body. */
    public record Answer(int status, String headers, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String contentType() {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    return line.substring("content-type:".length()).trim();
                }
            }
            return "";
        }
    }

    private final int port;

    public HostileClient(int port) {
        this.port = port;
    }

    /** A request with {@code Connection: close}; the target is written as given, bytes above 0x7f included. */
    public Answer send(String method, String target, List<String> headers, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes((method + " ").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(target.getBytes(StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            request.writeBytes(body);
        }
        return raw(request.toByteArray());
    }

    public Answer get(String target) {
        return send("GET", target, List.of(), null);
    }

    /**
     * Writes the bytes and reads the answer until the server closes. A server may answer and close before it read
     * everything (a 414 for a megabyte of URI): a failed write is then not an error, the answer is.
     */
    public Answer raw(byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // the server answered before reading it all
                }
            }, "hostile-writer");
            writer.start();
            byte[] answer = readUntilClosed(socket.getInputStream());
            writer.join(15_000);
            return parse(answer);
        } catch (IOException e) {
            throw new AssertionError("no answer from port " + port + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends {@code start}, then one byte of {@code trickle} every {@code every}, until the server closes the connection
     * or {@code giveUp} passed; the answer (possibly none: status 0) and how long the server let it go on.
     */
    public Trickled trickle(String start, String trickle, Duration every, Duration giveUp) {
        long began = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Math.max(1, every.toMillis()));
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(start.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            int next = 0;
            byte[] buffer = new byte[8192];
            while (System.nanoTime() - began < giveUp.toNanos()) {
                try {
                    int read = in.read(buffer);
                    if (read < 0) {
                        return new Trickled(parse(answer.toByteArray()), Duration.ofNanos(System.nanoTime() - began), true);
                    }
                    answer.write(buffer, 0, read);
                } catch (SocketTimeoutException e) {
                    // nothing yet: send the next byte
                } catch (IOException e) {
                    return new Trickled(parse(answer.toByteArray()), Duration.ofNanos(System.nanoTime() - began), true);
                }
                if (trickle.isEmpty()) {
                    continue;
                }
                try {
                    out.write(trickle.charAt(next++ % trickle.length()));
                    out.flush();
                } catch (IOException e) {
                    socket.setSoTimeout(2_000);
                    try {
                        answer.writeBytes(readUntilClosed(in));
                    } catch (IOException ignored) {
                        // reset: whatever was read is the answer
                    }
                    return new Trickled(parse(answer.toByteArray()), Duration.ofNanos(System.nanoTime() - began), true);
                }
            }
            return new Trickled(parse(answer.toByteArray()), Duration.ofNanos(System.nanoTime() - began), false);
        } catch (IOException e) {
            throw new AssertionError("could not connect to port " + port + ": " + e, e);
        }
    }

    /** What a trickling client got: the answer, if any (status 0 when the server closed without one). */
    public record Trickled(Answer answer, Duration after, boolean closedByServer) {
    }

    /**
     * Connections of the server's port that are open on the server's side (ESTABLISHED or CLOSE_WAIT: not yet
     * closed by the server), from {@code /proc/net/tcp}: the tests run on Linux.
     */
    public int openConnections() {
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(path);
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    String local = fields[1];
                    int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                    String state = fields[3];
                    // 01 ESTABLISHED, 08 CLOSE_WAIT; a listening socket is 0A
                    if (localPort == port && (state.equals("01") || state.equals("08"))) {
                        count++;
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read " + table, e);
            }
        }
        return count;
    }

    /** Threads of this JVM inside a Jetty request (handling one, or blocked reading its body). */
    public static int busyRequestThreads() {
        int busy = 0;
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals("org.eclipse.jetty.server.HttpChannel") && frame.getMethodName().equals("handle")) {
                    busy++;
                    break;
                }
            }
        }
        return busy;
    }

    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                answer.write(buffer, 0, read);
            }
        } catch (java.net.SocketException e) {
            // reset after the answer: keep what arrived
        }
        return answer.toByteArray();
    }

    private static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(0, text, "");
        }
        int status = Integer.parseInt(text.substring(9, 12));
        String headers = text.substring(0, end);
        String body = text.substring(end + 4);
        if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = unchunked(body);
        }
        return new Answer(status, headers, body);
    }

    private static String unchunked(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            // sizes count bytes; the bodies here are ASCII JSON, so characters will do
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }
}
