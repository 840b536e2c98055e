package io.fleetstream.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.json.Json;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A client of any Confluent-compatible Schema Registry (Confluent, Karapace, Apicurio's ccompat API)
 * that speaks only the documented REST API and ignores response fields it does not know.
 *
 * <p>What never changes is cached, so a serializer or deserializer calls HTTP at most once for the
 * same thing: the id of a schema registered under a subject, the schema of an id, and the version
 * found by a lookup. Subject listings, versions and compatibility levels can change and are always
 * asked. Thread-safe; two threads asking for the same uncached thing at once may both call HTTP,
 * which is harmless because every cached answer is immutable.
 *
 * <p>Basic auth credentials come from the {@code basicAuthUserInfo} ({@code user:password}, as in
 * Confluent's {@code basic.auth.user.info}) or from the URL's user info; they are sent as an
 * {@code Authorization} header and never appear in messages, logs or {@link #toString()}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistry {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";

    /** What a request was about, to word its errors. */
    private record Target(String subject, Integer version, Integer id) {
        static Target subject(String subject) {
            return new Target(subject, null, null);
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final URI baseUri;
    private final String displayUrl;
    private final Optional<String> authorization;
    private final Optional<String> secret;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = Json.mapper();

    private final ConcurrentMap<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, RegisteredSchema> lookedUpVersions = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client without credentials (unless the URL carries user info) and the default request timeout. */
    public HttpSchemaRegistryClient(String url) {
        this(url, null, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param url               the registry's base URL, e.g. {@code http://localhost:8081}; may carry {@code user:password@}
     * @param basicAuthUserInfo {@code user:password} for basic auth, or null to use the URL's user info or none
     * @param requestTimeout    how long one request may take, connecting included
     */
    public HttpSchemaRegistryClient(String url, String basicAuthUserInfo, Duration requestTimeout) {
        Objects.requireNonNull(url, "url");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        URI parsed;
        try {
            parsed = new URI(url.strip());
        } catch (URISyntaxException e) {
            // the reason only, never the input: it may hold a password
            throw new IllegalArgumentException("schema registry URL is not a valid URL (" + e.getReason()
                    + " at index " + e.getIndex() + "); expected e.g. http://localhost:8081");
        }
        if (parsed.getScheme() == null || !List.of("http", "https").contains(parsed.getScheme().toLowerCase(Locale.ROOT))
                || parsed.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL must be http://host:port or https://host:port, e.g. http://localhost:8081");
        }
        String userInfo = basicAuthUserInfo != null && !basicAuthUserInfo.isEmpty() ? basicAuthUserInfo
                : parsed.getRawUserInfo() == null ? null : URLDecoder.decode(parsed.getRawUserInfo(), StandardCharsets.UTF_8);
        this.authorization = Optional.ofNullable(userInfo)
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.secret = Optional.ofNullable(userInfo)
                .map(info -> info.contains(":") ? info.substring(info.indexOf(':') + 1) : info)
                .filter(s -> !s.isEmpty());
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath().replaceAll("/+$", "");
        this.baseUri = URI.create(parsed.getScheme() + "://" + hostAndPort(parsed) + path);
        this.displayUrl = baseUri.toString();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static String hostAndPort(URI uri) {
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }

    /** The registry's URL without credentials. */
    public String url() {
        return displayUrl;
    }

    /**
     * A registry URL as it may be shown: without the {@code user:password@} it may carry, and not at all when it is
     * not a URL (its text could be anything, a password included). For the text of settings that hold the URL.
     */
    public static String withoutCredentials(String url) {
        if (url == null) {
            return "null";
        }
        try {
            URI parsed = new URI(url.strip());
            if (parsed.getRawUserInfo() == null) {
                return parsed.toString();
            }
            return new URI(parsed.getScheme(), null, parsed.getHost(), parsed.getPort(), parsed.getPath(), parsed.getQuery(),
                    parsed.getFragment()).toString();
        } catch (URISyntaxException e) {
            return "(not a valid URL)";
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = registeredIds.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), Target.subject(subject));
        int id = requiredInt(answer, "id", "POST /subjects/" + subject + "/versions");
        schemasById.putIfAbsent(id, schema);
        if (answer.hasNonNull("version")) {
            // newer registries also say which version it became: a later lookup need not ask
            lookedUpVersions.putIfAbsent(key, new RegisteredSchema(subject, answer.get("version").asInt(), id, schema));
        }
        registeredIds.putIfAbsent(key, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, new Target(null, null, id));
        Schema schema = schemaOf(answer, "schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous == null ? schema : previous;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookedUpVersions.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        JsonNode answer;
        try {
            answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema), Target.subject(subject));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND || e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        String what = "POST /subjects/" + subject;
        RegisteredSchema found = new RegisteredSchema(subject, requiredInt(answer, "version", what), requiredInt(answer, "id", what), schema);
        schemasById.putIfAbsent(found.id(), schema);
        registeredIds.putIfAbsent(key, found.id());
        lookedUpVersions.putIfAbsent(key, found);
        return Optional.of(found);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), Target.subject(subject));
            JsonNode verdict = answer.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw malformed("POST /compatibility/subjects/" + subject + "/versions/latest", "lacks a boolean 'is_compatible'");
            }
            return verdict.asBoolean();
        } catch (SchemaRegistryException e) {
            // older registries answer 404 for a subject without versions: anything may become its first version
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null, new Target(null, null, null));
        List<String> subjects = new ArrayList<>();
        for (JsonNode subject : requiredArray(answer, "GET /subjects")) {
            subjects.add(subject.asText());
        }
        return List.copyOf(subjects);
    }

    @Override
    public List<Integer> versions(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions", null, Target.subject(subject));
        List<Integer> versions = new ArrayList<>();
        for (JsonNode version : requiredArray(answer, "GET /subjects/" + subject + "/versions")) {
            versions.add(version.asInt());
        }
        return List.copyOf(versions);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return versionAt(subject, Integer.toString(version), new Target(subject, version, null));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return versionAt(subject, "latest", Target.subject(subject));
    }

    private RegisteredSchema versionAt(String subject, String version, Target target) {
        String path = "/subjects/" + encode(subject) + "/versions/" + version;
        JsonNode answer = send("GET", path, null, target);
        String what = "GET " + path;
        int id = requiredInt(answer, "id", what);
        Schema schema = schemasById.computeIfAbsent(id, ignored -> schemaOf(answer, "schema id " + id));
        return new RegisteredSchema(subject, requiredInt(answer, "version", what), id, schema);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return levelOf(send("GET", "/config", null, new Target(null, null, null)), "GET /config");
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        try {
            return levelOf(send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null, Target.subject(subject)),
                    "GET /config/" + subject);
        } catch (SchemaRegistryException e) {
            // registries that do not know defaultToGlobal answer 404 for a subject without a level of its own
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) {
                return compatibility();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        send("PUT", "/config/" + encode(subject), body, Target.subject(subject));
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient[" + displayUrl + (authorization.isPresent() ? ", basic auth" : "") + "]";
    }

    private ObjectNode schemaBody(Schema schema) {
        // schemaType is left out: AVRO is the default, and registries older than Confluent 5.5 do not know the field
        return json.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode send(String method, String path, JsonNode body, Target target) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        String call = method + " " + path;
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new SchemaRegistryException(0, 0, "schema registry unreachable at " + displayUrl + " (" + call + ": "
                    + describeConnectFailure(e) + "): check that the registry is running and that the URL, port and network are right", null);
        } catch (HttpTimeoutException e) {
            throw new SchemaRegistryException(0, 0, "schema registry " + displayUrl + " did not answer " + call + " within "
                    + requestTimeout.toMillis() + " ms: check that it is running and not overloaded, or raise the request timeout", null);
        } catch (IOException e) {
            throw new SchemaRegistryException(0, 0, "schema registry unreachable at " + displayUrl + " (" + call + ": "
                    + redact(String.valueOf(e.getMessage())) + "): check that the registry is running and that the URL, port and network are right", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, "interrupted while waiting for schema registry " + displayUrl + " (" + call + ")", null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return json.readTree(response.body());
            } catch (JsonProcessingException e) {
                throw malformed(call, "is not JSON");
            }
        }
        throw failure(status, response.body(), target, call);
    }

    private static String describeConnectFailure(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private SchemaRegistryException failure(int status, String body, Target target, String call) {
        int errorCode = status;
        String serverMessage = null;
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.isObject()) {
                if (error.hasNonNull("error_code") && error.get("error_code").canConvertToInt()) {
                    errorCode = error.get("error_code").asInt();
                }
                if (error.hasNonNull("message")) {
                    serverMessage = redact(error.get("message").asText());
                }
            }
        } catch (JsonProcessingException e) {
            serverMessage = body == null || body.isBlank() ? null : redact(abbreviate(body.strip()));
        }
        String detail = serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage;
        String description = switch (errorCode) {
            case SchemaRegistryException.SUBJECT_NOT_FOUND -> "subject '" + target.subject() + "' not found";
            case SchemaRegistryException.VERSION_NOT_FOUND -> target.version() == null
                    ? "subject '" + target.subject() + "' has no versions"
                    : "version " + target.version() + " of subject '" + target.subject() + "' not found";
            case SchemaRegistryException.SCHEMA_NOT_FOUND -> target.id() != null
                    ? "schema id " + target.id() + " not found"
                    : "schema not found under subject '" + target.subject() + "'";
            case SchemaRegistryException.INCOMPATIBLE_SCHEMA ->
                    "schema is incompatible with subject '" + target.subject() + "' under its compatibility level" + detail;
            case SchemaRegistryException.INVALID_SCHEMA -> "invalid schema" + detail;
            case SchemaRegistryException.INVALID_VERSION -> "invalid version" + detail;
            case SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL -> "invalid compatibility level" + detail;
            case 401 -> "credentials were refused (HTTP 401, " + call + "): check the basic auth user info";
            case 403 -> "access denied (HTTP 403, " + call + "): check that this user may do this";
            default -> "HTTP " + status + " for " + call + detail;
        };
        return new SchemaRegistryException(status, errorCode, "schema registry " + displayUrl + ": " + description + " (" + errorCode + ")", null);
    }

    private SchemaRegistryException malformed(String call, String problem) {
        return new SchemaRegistryException(200, 0, "schema registry " + displayUrl + ": the answer to " + call + " " + problem
                + "; is " + displayUrl + " a Confluent-compatible schema registry?", null);
    }

    private Schema schemaOf(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(200, 0, "schema registry " + displayUrl + ": " + what + " is a " + type.asText()
                    + " schema; fleetstream reads only AVRO", null);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw malformed("the request for " + what, "lacks the 'schema' text");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(200, 0, "schema registry " + displayUrl + ": " + what + " is not a valid Avro schema: "
                    + e.getMessage(), null);
        }
    }

    private int requiredInt(JsonNode answer, String field, String call) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw malformed(call, "lacks a numeric '" + field + "'");
        }
        return value.asInt();
    }

    private JsonNode requiredArray(JsonNode answer, String call) {
        if (!answer.isArray()) {
            throw malformed(call, "is not a JSON array");
        }
        return answer;
    }

    private CompatibilityLevel levelOf(JsonNode answer, String call) {
        // GET answers compatibilityLevel, PUT answers compatibility; some registries mix them up
        JsonNode level = answer.hasNonNull("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw malformed(call, "lacks 'compatibilityLevel'");
        }
        try {
            return CompatibilityLevel.valueOf(level.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw malformed(call, "names an unknown compatibility level '" + level.asText() + "'");
        }
    }

    private String redact(String text) {
        return secret.map(s -> text.replace(s, "***")).orElse(text);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
