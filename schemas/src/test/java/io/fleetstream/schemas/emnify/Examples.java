package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real emnify example payloads under {@code /examples/} on the test classpath (this module's test
 * resources, or the schemas test-jar in other modules).
 */
public final class Examples {

    private static final String FOLDER = "/examples/";

    private Examples() {
    }

    /** The file names of every example payload, sorted. */
    public static List<String> names() {
        URL folder = Examples.class.getResource(FOLDER);
        if (folder == null) {
            throw new IllegalStateException(FOLDER + " is not on the test classpath");
        }
        try {
            URI uri = folder.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return jsonFiles(jar.getPath(FOLDER));
                } catch (FileSystemAlreadyExistsException e) {
                    return jsonFiles(FileSystems.getFileSystem(uri).getPath(FOLDER));
                }
            }
            return jsonFiles(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Examples.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + name + " under " + FOLDER);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return Json.mapper().readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> jsonFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }
}
