package io.fleetstream.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: the subject, its version number, the schema's global id, the schema. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
