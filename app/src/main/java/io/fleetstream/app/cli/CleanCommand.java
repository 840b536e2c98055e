package io.fleetstream.app.cli;

import io.fleetstream.app.reset.LocalState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * For operators: an instance rebuilds its state from the changelog topics on its next start. Nothing in Kafka is
 * touched.
 */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = {"Delete the local state directory of an application id (<state dir>/<application id>); "
                + "the instance restores its state from Kafka when it next starts.",
                "Stop the instance that uses the directory first."})
public final class CleanCommand implements Callable<Integer> {

    @Mixin
    ApplicationOptions application;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalState state = LocalState.of(application.stateDirOr(ApplicationOptions.DEFAULT_STATE_DIR),
                application.applicationId);
        try {
            if (!state.exists()) {
                out.println("nothing to clean: " + state.directory() + " does not exist");
                return 0;
            }
            state.delete();
            out.println("deleted local state " + state.directory());
            return 0;
        } catch (RuntimeException e) {
            err.println("clean failed: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
