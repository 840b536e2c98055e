package io.fleetstream.app.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.http.ErrorShape;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.RegisteredSchema;
import io.fleetstream.schemas.registry.SchemaRegistryException;
import io.fleetstream.schemas.registry.SchemaRegistryState;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.apache.avro.Schema;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Confluent Schema Registry REST subset, over a {@link SchemaRegistryState}: the same paths,
 * response shapes and error bodies ({@code {"error_code": 40401, "message": "..."}}, HTTP status
 * = the code's first three digits), so Confluent's own clients work against it unchanged.
 */
final class RegistryApi {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Confluent's error body, {@code {"error_code": n, "message": "..."}}, for every refusal of this server. */
    static final ErrorShape ERRORS = (status, message, parameter) ->
            Json.mapper().createObjectNode().put("error_code", status).put("message", message);

    private static final Logger log = LoggerFactory.getLogger(RegistryApi.class);
    private static final int BAD_REQUEST = 400;
    private static final int NOT_FOUND = 404;

    private final SchemaRegistryState state;
    private final ObjectMapper json = Json.mapper();

    RegistryApi(SchemaRegistryState state) {
        this.state = state;
    }

    void routes(Javalin app) {
        app.get("/", ctx -> ok(ctx, Map.of()));
        app.get("/subjects", ctx -> ok(ctx, state.subjects()));
        app.post("/subjects/{subject}/versions", this::register);
        app.post("/subjects/{subject}", this::lookup);
        app.get("/subjects/{subject}/versions", ctx -> ok(ctx, state.versions(ctx.pathParam("subject"))));
        app.get("/subjects/{subject}/versions/{version}", this::version);
        app.get("/schemas/ids/{id}", ctx -> ok(ctx, Map.of("schema", state.schemaById(id(ctx)).toString())));
        app.get("/schemas/ids/{id}/schema", ctx -> raw(ctx, state.schemaById(id(ctx)).toString()));
        app.post("/compatibility/subjects/{subject}/versions/latest", this::checkCompatibility);
        app.get("/config", ctx -> ok(ctx, Map.of("compatibilityLevel", state.compatibility().name())));
        app.put("/config", ctx -> {
            CompatibilityLevel level = levelFrom(ctx);
            state.setCompatibility(level);
            ok(ctx, Map.of("compatibility", level.name()));
        });
        app.get("/config/{subject}", this::subjectLevel);
        app.put("/config/{subject}", ctx -> {
            CompatibilityLevel level = levelFrom(ctx);
            state.setCompatibility(ctx.pathParam("subject"), level);
            ok(ctx, Map.of("compatibility", level.name()));
        });

        app.exception(SchemaRegistryException.class, (e, ctx) -> error(ctx, e.errorCode(), e.getMessage()));
        // Javalin's own answers (no such path, wrong method) in Confluent's error shape
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), "HTTP " + e.getStatus() + " "
                + HttpStatus.getMessage(e.getStatus()) + " (" + ctx.method() + " " + HttpEdge.echo(ctx.path()) + ")"));
        app.exception(Exception.class, (e, ctx) -> {
            log.atError().addKeyValue(LogFields.METHOD, ctx.method().name()).addKeyValue(LogFields.PATH, ctx.path())
                    .setCause(e).log("schema registry request {} {} failed", ctx.method(), ctx.path());
            error(ctx, SchemaRegistryException.INTERNAL_ERROR, "internal error: " + e.getMessage());
        });
    }

    private void register(Context ctx) {
        String subject = ctx.pathParam("subject");
        SchemaRegistryState.Registration registration = state.register(subject, schemaFrom(ctx));
        if (registration.added()) {
            log.info("registered schema id {} as version {} of subject '{}'", registration.id(), registration.version(), subject);
        }
        ok(ctx, Map.of("id", registration.id()));
    }

    private void lookup(Context ctx) {
        String subject = ctx.pathParam("subject");
        Schema schema = schemaFrom(ctx);
        state.versions(subject); // 40401 for an unknown subject, as Confluent answers
        RegisteredSchema found = state.lookup(subject, schema).orElseThrow(() ->
                SchemaRegistryException.of(SchemaRegistryException.SCHEMA_NOT_FOUND, "schema not found under subject '" + subject + "'"));
        ok(ctx, versionBody(found));
    }

    private void version(Context ctx) {
        String subject = ctx.pathParam("subject");
        String version = ctx.pathParam("version");
        RegisteredSchema found;
        if (version.equals("latest") || version.equals("-1")) {
            found = state.latest(subject);
        } else {
            found = state.version(subject, versionNumber(version));
        }
        ok(ctx, versionBody(found));
    }

    private void checkCompatibility(Context ctx) {
        List<String> problems = state.incompatibilities(ctx.pathParam("subject"), schemaFrom(ctx));
        ObjectNode body = json.createObjectNode().put("is_compatible", problems.isEmpty());
        if ("true".equalsIgnoreCase(ctx.queryParam("verbose"))) {
            body.set("messages", json.valueToTree(problems));
        }
        ok(ctx, body);
    }

    private void subjectLevel(Context ctx) {
        String subject = ctx.pathParam("subject");
        CompatibilityLevel level = state.ownCompatibility(subject).orElseGet(() -> {
            if (!"true".equalsIgnoreCase(ctx.queryParam("defaultToGlobal"))) {
                throw SchemaRegistryException.of(SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                        "subject '" + subject + "' does not have subject-level compatibility configured");
            }
            return state.compatibility();
        });
        ok(ctx, Map.of("compatibilityLevel", level.name()));
    }

    private ObjectNode versionBody(RegisteredSchema found) {
        return json.createObjectNode().put("subject", found.subject()).put("version", found.version()).put("id", found.id())
                .put("schema", found.schema().toString());
    }

    private Schema schemaFrom(Context ctx) {
        JsonNode body = bodyOf(ctx);
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_SCHEMA,
                    "invalid schema: schemaType " + type.asText() + " is not supported; this registry supports only AVRO");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_SCHEMA,
                    "invalid schema: schema references are not supported; inline the referenced types");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_SCHEMA,
                    "invalid schema: the request body needs the schema as a JSON string in \"schema\"");
        }
        return SchemaRegistryState.parse(schema.asText());
    }

    private CompatibilityLevel levelFrom(Context ctx) {
        JsonNode level = bodyOf(ctx).get("compatibility");
        String text = level == null || level.isNull() ? "" : level.asText();
        try {
            return CompatibilityLevel.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, "invalid compatibility level '" + text
                    + "': use one of " + Arrays.toString(CompatibilityLevel.values()) + " in {\"compatibility\": \"...\"}");
        }
    }

    private JsonNode bodyOf(Context ctx) {
        // Confluent's own server reads these too; what names another format is a client of another kind
        HttpEdge.requireBodyType(ctx, type -> type.isEmpty() || HttpEdge.isJson(type) || type.equals("application/octet-stream"),
                CONTENT_TYPE + " or " + HttpEdge.JSON);
        try {
            JsonNode body = json.readTree(HttpEdge.body(ctx));
            if (body == null || !body.isObject()) {
                throw SchemaRegistryException.of(BAD_REQUEST, "the request body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw SchemaRegistryException.of(BAD_REQUEST, "the request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw SchemaRegistryException.of(BAD_REQUEST, "the request body could not be read: " + e.getMessage());
        }
    }

    private static int id(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.of(SchemaRegistryException.SCHEMA_NOT_FOUND, "schema id " + HttpEdge.quote(id) + " not found");
        }
    }

    private static int versionNumber(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw SchemaRegistryException.of(SchemaRegistryException.INVALID_VERSION, "the specified version " + HttpEdge.quote(version)
                + " is not a valid version id; use a number from 1 to " + Integer.MAX_VALUE + " or \"latest\"");
    }

    private void ok(Context ctx, Object body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(json.valueToTree(body).toString());
    }

    private static void raw(Context ctx, String body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(body);
    }

    private void error(Context ctx, int errorCode, String message) {
        ObjectNode body = ERRORS.body(errorCode, message, null);
        ctx.status(SchemaRegistryException.httpStatusOf(errorCode)).contentType(CONTENT_TYPE).result(body.toString());
    }
}
