package io.fleetstream.app.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/**
 * Every option can also be set by an environment variable: {@code --bootstrap-servers} is
 * {@code FLEETSTREAM_BOOTSTRAP_SERVERS}. Flags win over the environment, the environment over the
 * built-in default. This is what makes the same jar configurable in Kubernetes and compose.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    public static final String PREFIX = "FLEETSTREAM_";

    private final Map<String, String> environment;

    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The environment variable that sets an option, e.g. {@code --schema-registry-url} → FLEETSTREAM_SCHEMA_REGISTRY_URL. */
    public static String variableFor(String longOptionName) {
        return PREFIX + longOptionName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
