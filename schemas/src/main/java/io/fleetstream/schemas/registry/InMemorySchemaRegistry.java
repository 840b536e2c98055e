package io.fleetstream.schemas.registry;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/**
 * A schema registry in this JVM, with Confluent's rules ({@link SchemaRegistryState}): for
 * {@code TopologyTestDriver} and unit tests, where the serde needs a registry but no server.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final SchemaRegistryState state;

    public InMemorySchemaRegistry() {
        this(SchemaRegistryState.recover(new InMemoryRegistryJournal()));
    }

    public InMemorySchemaRegistry(SchemaRegistryState state) {
        this.state = state;
    }

    @Override
    public int register(String subject, Schema schema) {
        return state.register(subject, schema).id();
    }

    @Override
    public Schema schemaById(int id) {
        return state.schemaById(id);
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        return state.lookup(subject, schema);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return state.incompatibilities(subject, schema).isEmpty();
    }

    @Override
    public List<String> subjects() {
        return state.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return state.versions(subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return state.version(subject, version);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return state.latest(subject);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return state.compatibility();
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return state.compatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        state.setCompatibility(subject, level);
    }
}
